// Finds the page's <video> elements: in the document, in open shadow roots, and in closed ones
// where the browser lets a content script reach them (chrome.dom.openOrClosedShadowRoot in
// Chromium, element.openOrClosedShadowRoot in Firefox), including shadow trees attached later.
import { OVERLAY_TAG, PICTURE_TAG } from './overlay-view';

/** Mutation-driven scans at most this often; a full walk of a 10,000-element page takes a few ms. */
const MIN_SCAN_INTERVAL_MS = 200;
/** A shadow root attached to an element already scanned changes nothing we observe: look again this often. */
const RESCAN_MS = 2000;

type ShadowReach = (el: Element) => ShadowRoot | null;

/**
 * The shadow root of an element, closed ones included. Only HTML elements can host one, and
 * chrome.dom.openOrClosedShadowRoot throws for any other element (an inline SVG icon: "Error in
 * invocation of dom.openOrClosedShadowRoot(HTMLElement element)", which stopped the scan before
 * it found the page's video); whatever else a page puts in its DOM, an element that cannot be
 * asked counts as having none.
 */
function shadowReach(): ShadowReach {
  const dom = globalThis.chrome?.dom as { openOrClosedShadowRoot?: ShadowReach } | undefined;
  const reach: ShadowReach = dom?.openOrClosedShadowRoot
    ? (el) => dom.openOrClosedShadowRoot!(el)
    : (el) => (el as Element & { openOrClosedShadowRoot?: ShadowRoot | null }).openOrClosedShadowRoot ?? el.shadowRoot;
  return (el) => {
    if (!(el instanceof HTMLElement)) return null;
    try {
      return reach(el) ?? null;
    } catch {
      return null;
    }
  };
}

export class VideoScanner {
  private readonly known = new Set<HTMLVideoElement>();
  private readonly observedRoots = new WeakSet<Node>();
  private readonly mutations = new MutationObserver(() => this.queue());
  private readonly shadowOf = shadowReach();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastScan = 0;

  constructor(private readonly onAdded: (v: HTMLVideoElement) => void, private readonly onRemoved: (v: HTMLVideoElement) => void) {}

  start(): void {
    this.observe(document);
    this.scan();
    setInterval(() => this.scan(), RESCAN_MS);
  }

  get videos(): ReadonlySet<HTMLVideoElement> {
    return this.known;
  }

  private observe(root: Document | ShadowRoot): void {
    if (this.observedRoots.has(root)) return;
    this.observedRoots.add(root);
    this.mutations.observe(root, { childList: true, subtree: true });
  }

  private queue(): void {
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.lastScan + MIN_SCAN_INTERVAL_MS - performance.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.scan();
    }, wait);
  }

  scan(): void {
    this.lastScan = performance.now();
    const found = new Set<HTMLVideoElement>();
    const walk = (root: Document | ShadowRoot) => {
      for (const v of root.querySelectorAll('video')) found.add(v);
      for (const el of root.querySelectorAll('*')) {
        if (el.localName === OVERLAY_TAG || el.localName === PICTURE_TAG) continue; // our own layers
        const shadow = this.shadowOf(el);
        if (shadow) {
          this.observe(shadow);
          walk(shadow);
        }
      }
    };
    walk(document);
    for (const v of this.known) {
      if (found.has(v)) continue;
      this.known.delete(v);
      this.onRemoved(v);
    }
    for (const v of found) {
      if (this.known.has(v)) continue;
      this.known.add(v);
      this.onAdded(v);
    }
  }
}
