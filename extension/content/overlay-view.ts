// The overlay of one video, in two layers, each behind a closed shadow root (the page cannot
// reach into either):
//  - the picture (gvf-enhanced-picture) holds the compositor iframe while a session runs. It
//    sits right after the <video> in the page's own tree and stacks like it, so whatever the
//    player lays over its video (controls, captions, spinners: later siblings or higher z-index)
//    stays over the enhanced picture, and a player container that goes fullscreen takes it
//    along. When the <video> itself is fullscreen, the picture goes into the top layer above it
//    (a popover): nothing else is painted over a fullscreen element.
//  - the controls (gvf-enhance-overlay): the Enhance button and a status badge, over everything,
//    shown while the pointer is over the video; figures only then, messages always.
// Native controls (the controls attribute) are painted by the <video> itself, under anything laid
// over it: while they show, the enhanced picture fades out towards the bottom, so the control
// strip is the video's own. Clicks count only when the user made them (isTrusted).
import { t } from '../i18n';

export const OVERLAY_TAG = 'gvf-enhance-overlay';
export const PICTURE_TAG = 'gvf-enhanced-picture';
const MIN_SIZE = 48; // CSS px; smaller videos get no button
/** Native controls stay this long after the pointer last moved over a playing video (Chromium hides them after about 3 s). */
const NATIVE_CONTROLS_MS = 3500;

const BOX = `.box { position: absolute; pointer-events: none; box-sizing: border-box; }
.box[hidden] { display: none; }`;

const CONTROLS_STYLE = `
:host { all: initial; }
${BOX}
button { position: absolute; top: 6px; left: 6px; pointer-events: auto; cursor: pointer;
  font: 600 12px/1.2 system-ui, sans-serif; color: #fff; background: rgba(20,20,30,.72);
  border: 1px solid rgba(255,255,255,.45); border-radius: 4px; padding: 3px 8px; opacity: .8; }
button:hover, button:focus-visible { opacity: 1; }
/* Out of the way until the pointer is over the video. */
.box:not(.hot) button:not(:focus-visible) { visibility: hidden; }
.box.no-button button { display: none; }
button[aria-pressed="true"] { background: rgba(30,110,220,.85); }
/* Under the button, clear of the control bars players keep at the bottom. */
.badge { position: absolute; left: 6px; top: 34px; max-width: calc(100% - 12px); pointer-events: none;
  font: 11px/1.3 ui-monospace, monospace; color: #fff; background: rgba(0,0,0,.62); border-radius: 3px;
  padding: 2px 6px; white-space: pre-wrap; }
.badge[hidden], .box:not(.hot) .badge.figures { display: none; }
.badge.error { background: rgba(170,20,20,.88); font-family: system-ui, sans-serif; }
`;

// The fade keeps the bottom 56 px (Chromium's and Firefox's control bars) the video's own.
const PICTURE_STYLE = `
:host { all: initial; }
${BOX}
.box { transition: opacity .15s; }
.box.native-controls { -webkit-mask-image: linear-gradient(to top, transparent 56px, #000 112px); mask-image: linear-gradient(to top, transparent 56px, #000 112px); }
iframe { position: absolute; inset: 0; width: 100%; height: 100%; border: 0; margin: 0; padding: 0;
  pointer-events: none; background: transparent; color-scheme: normal; }
`;

/** !important: page rules such as `* { position: static !important }` must not move our hosts. */
const HOST_STYLE = [
  'display:block', 'position:absolute', 'inset:0 auto auto 0', 'width:0', 'height:0', 'margin:0', 'padding:0',
  'border:0', 'overflow:visible', 'transform:none', 'pointer-events:none', 'background:none', 'max-width:none', 'max-height:none',
].map((d) => `${d} !important`).join(';');

/** The video's content box in viewport coordinates. */
export interface Rect { left: number; top: number; right: number; bottom: number }

/** Whether `node` is inside `ancestor`, across shadow boundaries. */
function composedContains(ancestor: Node, node: Node): boolean {
  for (let n: Node | null = node; n; n = n.parentNode ?? (n instanceof ShadowRoot ? n.host : null)) if (n === ancestor) return true;
  return false;
}

type Movable = ParentNode & { moveBefore?: (node: Node, child: Node | null) => void };

/** Puts `node` before `child` in `parent`, moving it without a reload where the browser can (Chrome 133+): an iframe inside keeps running. */
function place(parent: Movable, node: Node, child: Node | null): void {
  if (node.isConnected && typeof parent.moveBefore === 'function') parent.moveBefore(node, child);
  else parent.insertBefore(node, child);
}

/** One layer: a host element with a closed shadow root holding a box laid over the video's content box. */
class Layer {
  readonly host: HTMLElement;
  readonly box: HTMLDivElement;
  readonly root: ShadowRoot;

  constructor(tag: string, css: string, zIndex: string) {
    this.host = document.createElement(tag);
    this.root = this.host.attachShadow({ mode: 'closed' });
    const style = document.createElement('style');
    style.textContent = css;
    this.box = document.createElement('div');
    this.box.className = 'box';
    this.root.append(style, this.box);
    this.host.style.cssText = `${HOST_STYLE};z-index:${zIndex} !important`;
  }

  /** Lays the box over `r` (viewport coordinates); the host's own origin is measured, whatever its containing block. */
  lay(r: Rect | null): void {
    this.box.hidden = !r;
    if (!r) return;
    const origin = this.host.getBoundingClientRect();
    const s = this.box.style;
    s.left = `${r.left - origin.left}px`;
    s.top = `${r.top - origin.top}px`;
    s.width = `${r.right - r.left}px`;
    s.height = `${r.bottom - r.top}px`;
  }

  /** In the top layer (above a fullscreen element) or not. */
  topLayer(on: boolean): void {
    const h = this.host as HTMLElement & { showPopover?(): void; hidePopover?(): void };
    if (!h.showPopover) return;
    const open = h.matches(':popover-open');
    if (on && !open) {
      h.popover = 'manual';
      h.showPopover();
    } else if (!on && open) {
      h.hidePopover!();
      h.removeAttribute('popover');
    }
  }
}

export class OverlayView {
  private readonly controls = new Layer(OVERLAY_TAG, CONTROLS_STYLE, '2147483647');
  private readonly picture = new Layer(PICTURE_TAG, PICTURE_STYLE, 'auto');
  private readonly button: HTMLButtonElement;
  private readonly badge: HTMLDivElement;
  private readonly resizeObserver: ResizeObserver;
  private pointerMovedAt = -Infinity;
  private fadeTimer: ReturnType<typeof setTimeout> | undefined;
  /** The content box at the last sync (null: not shown). */
  rect: Rect | null = null;
  /** CSS object-fit of the video at the last sync. */
  objectFit = 'contain';

  constructor(readonly video: HTMLVideoElement, onToggle: () => void) {
    this.button = document.createElement('button');
    this.button.type = 'button';
    this.button.title = t('enhanceTitle');
    this.setRunning(false);
    this.button.addEventListener('click', (e) => {
      e.preventDefault();
      e.stopPropagation();
      if (e.isTrusted) onToggle(); // a page's synthetic click does nothing
    });
    this.badge = document.createElement('div');
    this.badge.className = 'badge';
    this.badge.hidden = true;
    this.badge.setAttribute('role', 'status');
    this.controls.box.append(this.button, this.badge);
    document.documentElement.append(this.controls.host);
    this.resizeObserver = new ResizeObserver(() => this.sync());
    this.resizeObserver.observe(this.video);
    for (const e of ['loadedmetadata', 'play', 'pause']) this.video.addEventListener(e, this.onMediaEvent);
    this.sync();
  }

  private onMediaEvent = (): void => {
    this.sync();
  };

  /** The controls layer's host (the page may remove it; content.ts puts it back). */
  get host(): HTMLElement {
    return this.controls.host;
  }

  setRunning(on: boolean): void {
    this.button.textContent = on ? t('stop') : t('enhance');
    this.button.setAttribute('aria-pressed', String(on));
  }

  /** Hides the button (site set to "always" or "never"); the badge still shows. */
  setButtonShown(shown: boolean): void {
    this.controls.box.classList.toggle('no-button', !shown);
  }

  /** A message (always shown; `error` in red), or `figures` shown only while the pointer is over the video; null: none. */
  setBadge(text: string | null, kind: 'message' | 'error' | 'figures' = 'message'): void {
    this.badge.hidden = text === null;
    this.badge.textContent = text ?? '';
    this.badge.classList.toggle('error', kind === 'error');
    this.badge.classList.toggle('figures', kind === 'figures');
  }

  /** Lays the compositor iframe in the picture layer, right after the video. */
  attachFrame(iframe: HTMLIFrameElement): void {
    this.picture.box.replaceChildren(iframe);
    this.placePicture();
    this.sync();
  }

  /** Removes the picture layer (the session ended; its iframe goes with it). */
  detachFrame(): void {
    this.picture.topLayer(false);
    this.picture.box.replaceChildren();
    this.picture.host.remove();
  }

  /**
   * Keeps the picture layer right after the video. Returns false when it had to be put back
   * after the page removed it (its iframe reloaded), so the caller restarts its session.
   */
  placePicture(): boolean {
    const host = this.picture.host, v = this.video;
    if (!v.parentNode || (host.isConnected && host.previousSibling === v)) return true;
    const kept = host.isConnected;
    place(v.parentNode, host, v.nextSibling);
    return kept || !this.picture.box.querySelector('iframe');
  }

  /** Lays both layers over the video's content box (border and padding excluded). */
  sync(pointer?: { x: number; y: number }): void {
    const v = this.video;
    const r = v.getBoundingClientRect();
    const cs = getComputedStyle(v);
    const px = (s: string): number => parseFloat(s) || 0;
    const left = r.left + px(cs.borderLeftWidth) + px(cs.paddingLeft);
    const top = r.top + px(cs.borderTopWidth) + px(cs.paddingTop);
    const width = r.width - px(cs.borderLeftWidth) - px(cs.paddingLeft) - px(cs.borderRightWidth) - px(cs.paddingRight);
    const height = r.height - px(cs.borderTopWidth) - px(cs.paddingTop) - px(cs.borderBottomWidth) - px(cs.paddingBottom);
    const visible = v.isConnected && cs.display !== 'none' && cs.visibility !== 'hidden' && width >= MIN_SIZE && height >= MIN_SIZE;
    this.rect = visible ? { left, top, right: left + width, bottom: top + height } : null;
    this.objectFit = cs.objectFit || 'contain';
    // Stacked as the video is: a positioned video's z-index, else in tree order after it.
    this.picture.host.style.setProperty('z-index', cs.position !== 'static' && cs.zIndex !== 'auto' ? cs.zIndex : 'auto', 'important');
    if (pointer) this.pointerAt(pointer.x, pointer.y); // the video may have moved under a still pointer
    this.fadeForNativeControls();
    this.controls.lay(this.rect);
    if (this.picture.host.isConnected) this.picture.lay(this.rect);
  }

  /** Area on screen, for picking the largest video. */
  get area(): number {
    const r = this.rect;
    return r ? (r.right - r.left) * (r.bottom - r.top) : 0;
  }

  /** Shows the button (and the figures) while the pointer is over the video; native controls show on movement. */
  pointerAt(x: number, y: number): void {
    const r = this.rect;
    const over = r !== null && x >= r.left && x < r.right && y >= r.top && y < r.bottom;
    this.controls.box.classList.toggle('hot', over);
    if (over) {
      this.pointerMovedAt = performance.now();
      this.fadeForNativeControls();
    }
  }

  /** While the video's own controls show (paused, or the pointer moved over it lately), its control strip stays uncovered. */
  private fadeForNativeControls(): void {
    const v = this.video;
    const since = performance.now() - this.pointerMovedAt;
    const shown = v.controls && (v.paused || since < NATIVE_CONTROLS_MS);
    this.picture.box.classList.toggle('native-controls', shown);
    clearTimeout(this.fadeTimer);
    if (shown && !v.paused) this.fadeTimer = setTimeout(() => this.fadeForNativeControls(), NATIVE_CONTROLS_MS - since);
  }

  /**
   * Follows fullscreen: a player container that goes fullscreen takes the picture along (it sits
   * beside the video) and the controls layer moves into it; a fullscreen <video> gets both layers
   * in the top layer above it. Back out of fullscreen, everything returns.
   */
  followFullscreen(): void {
    const fs = document.fullscreenElement;
    const videoFullscreen = fs === this.video;
    const parent = fs && !videoFullscreen && composedContains(fs, this.video) ? fs : document.documentElement;
    if (this.controls.host.parentNode !== parent) place(parent, this.controls.host, null);
    this.picture.topLayer(videoFullscreen && this.picture.host.isConnected);
    // After the picture, so that the button and badge are above it.
    this.controls.topLayer(false);
    this.controls.topLayer(videoFullscreen);
    this.sync();
  }

  destroy(): void {
    this.resizeObserver.disconnect();
    clearTimeout(this.fadeTimer);
    for (const e of ['loadedmetadata', 'play', 'pause']) this.video.removeEventListener(e, this.onMediaEvent);
    this.detachFrame();
    this.controls.host.remove();
  }
}
