// The overlay of one video: a closed shadow root (the page cannot reach into it) holding a box
// laid exactly over the video's content box, with the Enhance button, a status badge, and the
// compositor iframe while a session runs. It follows the video through layout changes, scroll and
// a player container going fullscreen. Clicks count only when the user made them (isTrusted).
import { t } from '../i18n';

export const OVERLAY_TAG = 'gvf-enhance-overlay';
const MIN_SIZE = 48; // CSS px; smaller videos get no button

const STYLE = `
:host { all: initial; }
.box { position: absolute; pointer-events: none; box-sizing: border-box; }
.box[hidden] { display: none; }
iframe { position: absolute; inset: 0; width: 100%; height: 100%; border: 0; margin: 0; padding: 0;
  pointer-events: none; background: transparent; color-scheme: normal; }
button { position: absolute; top: 6px; left: 6px; pointer-events: auto; cursor: pointer;
  font: 600 12px/1.2 system-ui, sans-serif; color: #fff; background: rgba(20,20,30,.72);
  border: 1px solid rgba(255,255,255,.45); border-radius: 4px; padding: 3px 8px; opacity: .8; }
button:hover, button:focus-visible { opacity: 1; }
/* Out of the way until the pointer is over the video (or while enhancing / showing a message). */
.box:not(.hot) button[aria-pressed="false"]:not(:focus-visible) { visibility: hidden; }
.box.no-button button { display: none; }
button[aria-pressed="true"] { background: rgba(30,110,220,.85); }
.badge { position: absolute; left: 6px; bottom: 6px; max-width: calc(100% - 12px); pointer-events: none;
  font: 11px/1.3 ui-monospace, monospace; color: #fff; background: rgba(0,0,0,.62); border-radius: 3px;
  padding: 2px 6px; white-space: pre-wrap; }
.badge[hidden] { display: none; }
.badge.error { background: rgba(170,20,20,.88); font-family: system-ui, sans-serif; }
`;

/** The video's content box in viewport coordinates. */
export interface Rect { left: number; top: number; right: number; bottom: number }

/** Whether `node` is inside `ancestor`, across shadow boundaries. */
function composedContains(ancestor: Node, node: Node): boolean {
  for (let n: Node | null = node; n; n = n.parentNode ?? (n instanceof ShadowRoot ? n.host : null)) if (n === ancestor) return true;
  return false;
}

export class OverlayView {
  readonly host: HTMLElement;
  private readonly box: HTMLDivElement;
  private readonly button: HTMLButtonElement;
  private readonly badge: HTMLDivElement;
  private readonly resizeObserver: ResizeObserver;
  /** The content box at the last sync (null: not shown). */
  rect: Rect | null = null;
  /** CSS object-fit of the video at the last sync. */
  objectFit = 'contain';

  constructor(readonly video: HTMLVideoElement, onToggle: () => void) {
    this.host = document.createElement(OVERLAY_TAG);
    const root = this.host.attachShadow({ mode: 'closed' });
    const style = document.createElement('style');
    style.textContent = STYLE;
    this.box = document.createElement('div');
    this.box.className = 'box';
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
    this.box.append(this.button, this.badge);
    root.append(style, this.box);
    // !important: page rules such as `* { position: static !important }` must not move the host.
    this.host.style.cssText = [
      'display:block', 'position:absolute', 'left:0', 'top:0', 'width:0', 'height:0', 'margin:0', 'padding:0',
      'border:0', 'overflow:visible', 'transform:none', 'z-index:2147483647', 'pointer-events:none',
    ].map((d) => `${d} !important`).join(';');
    document.documentElement.append(this.host);
    this.resizeObserver = new ResizeObserver(() => this.sync());
    this.resizeObserver.observe(this.video);
    this.video.addEventListener('loadedmetadata', this.onMetadata);
    this.sync();
  }

  private onMetadata = (): void => {
    this.sync();
  };

  setRunning(on: boolean): void {
    this.button.textContent = on ? t('stop') : t('enhance');
    this.button.setAttribute('aria-pressed', String(on));
  }

  /** Hides the button (site set to "always" or "never"); the badge still shows. */
  setButtonShown(shown: boolean): void {
    this.box.classList.toggle('no-button', !shown);
  }

  setBadge(text: string | null, error = false): void {
    this.badge.hidden = text === null;
    this.badge.textContent = text ?? '';
    this.badge.classList.toggle('error', error);
  }

  /** Puts the compositor iframe under the button and badge. */
  attachFrame(iframe: HTMLIFrameElement): void {
    this.box.prepend(iframe);
  }

  /** Lays the box over the video's content box (border and padding excluded), in document coordinates. */
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
    this.box.hidden = !visible;
    this.rect = visible ? { left, top, right: left + width, bottom: top + height } : null;
    this.objectFit = cs.objectFit || 'contain';
    if (pointer) this.pointerAt(pointer.x, pointer.y); // the video may have moved under a still pointer
    if (!visible) return;
    // The host is an empty absolutely positioned box at (0,0) of its containing block; measuring
    // it gives that origin whatever the page does to <html> (margins, position, scroll).
    const origin = this.host.getBoundingClientRect();
    const s = this.box.style;
    s.left = `${left - origin.left}px`;
    s.top = `${top - origin.top}px`;
    s.width = `${width}px`;
    s.height = `${height}px`;
  }

  /** Area on screen, for picking the largest video. */
  get area(): number {
    const r = this.rect;
    return r ? (r.right - r.left) * (r.bottom - r.top) : 0;
  }

  /** Shows the button while the pointer is over the video. */
  pointerAt(x: number, y: number): void {
    const r = this.rect;
    this.box.classList.toggle('hot', r !== null && x >= r.left && x < r.right && y >= r.top && y < r.bottom);
  }

  /**
   * Keeps the overlay visible when a player container goes fullscreen (the top layer hides the
   * rest) and puts it back after. Returns false when the move reloaded the iframe (no
   * state-preserving move in this browser), so the caller restarts its session.
   */
  followFullscreen(): boolean {
    const fs = document.fullscreenElement;
    const parent = fs && fs !== this.video && composedContains(fs, this.video) ? fs : document.documentElement;
    let kept = true;
    if (this.host.parentNode !== parent) {
      const p = parent as Element & { moveBefore?: (node: Node, child: Node | null) => void };
      if (this.host.isConnected && typeof p.moveBefore === 'function') {
        // State-preserving move (Chrome 133+): the iframe, its worker and model keep running.
        p.moveBefore(this.host, null);
      } else {
        kept = !this.box.querySelector('iframe');
        parent.append(this.host);
      }
    }
    this.sync();
    return kept;
  }

  /** Whether the video itself is fullscreen: nothing of ours can be shown over it. */
  get videoFullscreen(): boolean {
    return document.fullscreenElement === this.video;
  }

  destroy(): void {
    this.resizeObserver.disconnect();
    this.video.removeEventListener('loadedmetadata', this.onMetadata);
    this.host.remove();
  }
}
