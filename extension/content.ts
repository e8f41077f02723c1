// Content script (classic script, built as an IIFE): adds an "Enhance" button over every <video>.
// Enhancing = an extension-origin iframe (extension/enhance.html) laid exactly over the video's
// content box; this script pulls frames with requestVideoFrameCallback + createImageBitmap and
// transfers them to the iframe over a private MessagePort, paced latest-frame-wins by the
// shared FramePacer (host/frame-pacer.ts).
// The iframe runs the filter worker and draws the output on its own canvas. Nothing here touches
// the network.

import { FpsMeter } from '../host/fps-meter';
import { FramePacer } from '../host/frame-pacer';
import { CONNECT, type ConnectMessage, type FrameToHost, type HostToFrame, type ReadyInfo } from './protocol';

// With use_dynamic_url (manifest), getURL gives a per-session URL that redirects to the
// extension's real origin, which is what the loaded iframe document has.
const FRAME_URL = chrome.runtime.getURL('enhance.html');
const EXT_ORIGIN = `chrome-extension://${chrome.runtime.id}`;
const HOST_TAG = 'gvf-enhance-overlay';
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
button[aria-pressed="true"] { background: rgba(30,110,220,.85); }
.badge { position: absolute; left: 6px; bottom: 6px; max-width: calc(100% - 12px); pointer-events: none;
  font: 11px/1.3 ui-monospace, monospace; color: #fff; background: rgba(0,0,0,.62); border-radius: 3px;
  padding: 2px 6px; white-space: pre-wrap; }
.badge[hidden] { display: none; }
.badge.error { background: rgba(170,20,20,.88); font-family: system-ui, sans-serif; }
`;

type State = 'idle' | 'starting' | 'running' | 'error';

class VideoOverlay {
  readonly host: HTMLElement;
  private readonly box: HTMLDivElement;
  private readonly button: HTMLButtonElement;
  private readonly badge: HTMLDivElement;
  private iframe: HTMLIFrameElement | null = null;
  private port: MessagePort | null = null;
  private state: State = 'idle';
  private session = 0;
  private rvfc = 0;
  private watchdog: ReturnType<typeof setTimeout> | undefined;
  private readonly pacer = new FramePacer(() => { void this.sendFrame(); });
  private seq = 0;
  private ready: ReadyInfo | null = null;
  private readonly fps = new FpsMeter();
  private readonly resizeObserver: ResizeObserver;
  /** The video's content box in viewport coordinates at the last sync (null: not shown). */
  private rect: { left: number; top: number; right: number; bottom: number } | null = null;

  constructor(readonly video: HTMLVideoElement) {
    this.host = document.createElement(HOST_TAG);
    const root = this.host.attachShadow({ mode: 'open' });
    const style = document.createElement('style');
    style.textContent = STYLE;
    this.box = document.createElement('div');
    this.box.className = 'box';
    this.button = document.createElement('button');
    this.button.type = 'button';
    this.button.textContent = 'Enhance';
    this.button.title = 'Upscale this video on this device (GAN super-resolution)';
    this.button.setAttribute('aria-pressed', 'false');
    this.button.addEventListener('click', (e) => {
      e.preventDefault();
      e.stopPropagation();
      if (this.state === 'starting' || this.state === 'running') this.stop();
      else void this.start();
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

  /** Lays the box over the video's content box (border and padding excluded), in document coordinates. */
  sync(): void {
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
    this.pointerAt(pointer.x, pointer.y); // the video may have moved under a still pointer
    if (!visible) return;
    // The host is an empty absolutely positioned box at (0,0) of its containing block; measuring
    // it gives that origin whatever the page does to <html> (margins, position, scroll).
    const origin = this.host.getBoundingClientRect();
    const s = this.box.style;
    s.left = `${left - origin.left}px`;
    s.top = `${top - origin.top}px`;
    s.width = `${width}px`;
    s.height = `${height}px`;
    if (this.port && this.state === 'running') {
      const fit = cs.objectFit || 'contain';
      if (this.iframe && this.iframe.dataset.fit !== fit) {
        this.iframe.dataset.fit = fit;
        this.post({ type: 'layout', objectFit: fit });
      }
    }
  }

  /** Shows the button while the pointer is over the video. */
  pointerAt(x: number, y: number): void {
    const r = this.rect;
    const hot = r !== null && x >= r.left && x < r.right && y >= r.top && y < r.bottom;
    this.box.classList.toggle('hot', hot);
  }

  /** Keeps the overlay visible when a player container goes fullscreen (the top layer hides the rest). */
  onFullscreenChange(): void {
    const fs = document.fullscreenElement;
    const parent = fs && fs !== this.video && fs.contains(this.video) ? fs : document.documentElement;
    if (this.host.parentNode !== parent) {
      const p = parent as Element & { moveBefore?: (node: Node, child: Node | null) => void };
      if (this.host.isConnected && typeof p.moveBefore === 'function') {
        // State-preserving move (Chrome 133+): the iframe, its worker and model keep running.
        p.moveBefore(this.host, null);
      } else {
        // A plain move reloads the iframe, so restart the session around it.
        const wasOn = this.state === 'starting' || this.state === 'running';
        if (wasOn) this.stop();
        parent.append(this.host);
        if (wasOn) void this.start();
      }
    }
    this.sync();
  }

  private setBadge(text: string | null, error = false): void {
    this.badge.hidden = text === null;
    this.badge.textContent = text ?? '';
    this.badge.classList.toggle('error', error);
  }

  private fail(message: string): void {
    this.teardownSession();
    this.state = 'error';
    this.button.textContent = 'Enhance';
    this.button.setAttribute('aria-pressed', 'false');
    this.setBadge(message, true);
  }

  async start(): Promise<void> {
    const session = ++this.session;
    this.state = 'starting';
    this.button.textContent = 'Stop';
    this.button.setAttribute('aria-pressed', 'true');
    this.setBadge('Starting…');
    const v = this.video;
    if (v.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || v.videoWidth === 0) {
      this.setBadge('Waiting for the video…');
      await new Promise<void>((resolve) => v.addEventListener('loadeddata', () => resolve(), { once: true }));
      if (session !== this.session) return;
    }
    const taint = pixelsReadable(v);
    if (taint !== true) {
      this.fail(taint);
      return;
    }
    const iframe = document.createElement('iframe');
    iframe.src = FRAME_URL;
    iframe.title = 'Enhanced video';
    iframe.setAttribute('aria-hidden', 'true');
    iframe.tabIndex = -1;
    const fit = getComputedStyle(v).objectFit || 'contain';
    iframe.dataset.fit = fit;
    this.iframe = iframe;
    this.box.prepend(iframe);
    await new Promise<void>((resolve) => iframe.addEventListener('load', () => resolve(), { once: true }));
    if (session !== this.session || !iframe.contentWindow) return;
    const channel = new MessageChannel();
    this.port = channel.port1;
    this.port.onmessage = (e: MessageEvent<FrameToHost>) => {
      if (session !== this.session) return;
      clearTimeout(this.watchdog);
      this.onFrameMessage(e.data);
    };
    const connect: ConnectMessage = {
      type: CONNECT,
      objectFit: fit,
      debug: document.documentElement.hasAttribute('data-gvf-debug'),
    };
    iframe.contentWindow.postMessage(connect, EXT_ORIGIN, [channel.port2]);
    this.setBadge('Loading model…');
    // The iframe answers at once with a status; silence means the connection never happened.
    this.watchdog = setTimeout(() => {
      if (session === this.session) this.fail('Enhance failed: the extension page did not answer.');
    }, 10_000);
  }

  stop(): void {
    this.teardownSession();
    this.state = 'idle';
    this.button.textContent = 'Enhance';
    this.button.setAttribute('aria-pressed', 'false');
    this.setBadge(null);
  }

  /** Stops frame pumping and removes the iframe (its document, worker and model go with it). */
  private teardownSession(): void {
    this.session++;
    clearTimeout(this.watchdog);
    if (this.rvfc) this.video.cancelVideoFrameCallback(this.rvfc);
    this.rvfc = 0;
    if (this.port) {
      this.post({ type: 'stop' });
      this.port.close();
    }
    this.port = null;
    this.iframe?.remove();
    this.iframe = null;
    this.pacer.reset();
    this.ready = null;
    this.fps.reset();
  }

  destroy(): void {
    this.teardownSession();
    this.resizeObserver.disconnect();
    this.video.removeEventListener('loadedmetadata', this.onMetadata);
    this.host.remove();
  }

  private post(msg: HostToFrame, transfer: Transferable[] = []): void {
    this.port?.postMessage(msg, transfer);
  }

  private onFrameMessage(msg: FrameToHost): void {
    switch (msg.type) {
      case 'status':
        if (this.state === 'starting') this.setBadge(msg.text);
        break;
      case 'ready':
        this.ready = msg;
        this.state = 'running';
        this.setBadge(`${msg.filter.title}: waiting for frames…\nbackend ${msg.backend.backend}`);
        // Always one frame at start, so a paused video shows its enhanced picture too.
        this.pacer.offer();
        this.rvfc = this.video.requestVideoFrameCallback(this.onVideoFrame);
        break;
      case 'frame-done': {
        this.fps.tick();
        const backend = this.ready?.backend.backend ?? '?';
        this.setBadge(
          `${this.fps.fps.toFixed(1)} fps · ${msg.timing.totalMs.toFixed(0)} ms/frame · ${backend}\n` +
            `${this.video.videoWidth}×${this.video.videoHeight} → ${msg.width}×${msg.height}` +
            (msg.timing.totalMs > 150 ? '\ntoo slow for live video on this device: the picture lags' : ''),
        );
        this.pacer.done();
        break;
      }
      case 'error':
        this.fail(`Enhance failed: ${msg.message}`);
        break;
    }
  }

  private onVideoFrame = (): void => {
    if (this.state !== 'running') return;
    this.rvfc = this.video.requestVideoFrameCallback(this.onVideoFrame);
    // The video element itself fullscreen: nothing of ours can be shown over it, so no work.
    if (document.fullscreenElement === this.video) return;
    this.sync();
    this.pacer.offer();
  };

  private async sendFrame(): Promise<void> {
    const session = this.session;
    if (!this.port) return this.pacer.done();
    let bitmap: ImageBitmap;
    try {
      bitmap = await createImageBitmap(this.video);
    } catch (err) {
      this.pacer.done();
      // No decoded frame yet (e.g. just after a seek): wait for the next frame callback.
      if (err instanceof DOMException && err.name === 'InvalidStateError') return;
      if (session === this.session) this.fail(`Cannot read this video's frames: ${String(err)}`);
      return;
    }
    if (session !== this.session || !this.port) {
      bitmap.close();
      return; // the session was reset, and the pacer with it
    }
    try {
      this.post({ type: 'frame', seq: ++this.seq, bitmap }, [bitmap]);
    } catch (err) {
      bitmap.close();
      this.fail(
        err instanceof DOMException && err.name === 'DataCloneError' ? TAINTED : `Cannot send frames: ${String(err)}`,
      );
    }
  }
}

const TAINTED =
  'Cannot enhance: this video comes from another site that does not allow reading its pixels (no CORS), ' +
  'so the browser keeps its frames from extensions too.';

/** true when the video's pixels can be read; otherwise a message for the user. */
function pixelsReadable(video: HTMLVideoElement): true | string {
  // Encrypted Media (DRM): frames read back black; say so instead of upscaling black.
  if (video.mediaKeys) return 'Cannot enhance: this video is DRM-protected, so the browser does not let anything read its frames.';
  try {
    const c = document.createElement('canvas');
    c.width = c.height = 1;
    const ctx = c.getContext('2d');
    if (!ctx) return 'Cannot enhance: no 2D canvas available.';
    ctx.drawImage(video, 0, 0, 1, 1);
    ctx.getImageData(0, 0, 1, 1);
    return true;
  } catch (err) {
    if (err instanceof DOMException && err.name === 'SecurityError') return TAINTED;
    return `Cannot enhance: ${String(err)}`;
  }
}

// ---- Tracking videos on the page -------------------------------------------------------------

const overlays = new Map<HTMLVideoElement, VideoOverlay>();
/** Last pointer position, viewport coordinates. */
const pointer = { x: -1, y: -1 };

function scan(): void {
  for (const [video, overlay] of overlays) {
    if (!video.isConnected) {
      overlay.destroy();
      overlays.delete(video);
    } else if (!overlay.host.isConnected) {
      overlay.onFullscreenChange(); // the page removed our host: put it back where it belongs
    }
  }
  for (const video of document.querySelectorAll('video')) {
    if (!overlays.has(video)) overlays.set(video, new VideoOverlay(video));
  }
}

let syncQueued = false;
function syncAll(): void {
  if (syncQueued) return;
  syncQueued = true;
  requestAnimationFrame(() => {
    syncQueued = false;
    for (const overlay of overlays.values()) overlay.sync();
  });
}

let scanQueued = false;
const mutations = new MutationObserver(() => {
  if (scanQueued) return;
  scanQueued = true;
  queueMicrotask(() => {
    scanQueued = false;
    scan();
    syncAll();
  });
});

function main(): void {
  const w = window as unknown as { __gvfContentLoaded?: boolean };
  if (w.__gvfContentLoaded) return; // injected twice (extension reload)
  w.__gvfContentLoaded = true;
  scan();
  mutations.observe(document.documentElement, { childList: true, subtree: true });
  window.addEventListener('scroll', syncAll, { capture: true, passive: true });
  window.addEventListener('resize', syncAll, { passive: true });
  const onPointer = (e: PointerEvent): void => {
    pointer.x = e.clientX;
    pointer.y = e.clientY;
    for (const overlay of overlays.values()) overlay.pointerAt(e.clientX, e.clientY);
  };
  window.addEventListener('pointermove', onPointer, { capture: true, passive: true });
  window.addEventListener('pointerdown', onPointer, { capture: true, passive: true });
  document.addEventListener('fullscreenchange', () => {
    for (const overlay of overlays.values()) overlay.onFullscreenChange();
  });
  // Layout shifts that change no size and fire no event (content inserted above the video).
  setInterval(syncAll, 1000);
}

main();
