// The content script's side of the camera filter: answers the page-world hook (camera-hook.ts),
// checks that a track it is asked to filter is a real camera of this device, and runs one
// CameraSession per camera over one hidden compositor page, opened while a camera filter is on
// and a filtered camera is live. Filter changes in the settings reach running calls at once.
import { t } from '../i18n';
import { CAMERA_REPLY, CAMERA_REQUEST, type CameraReply, type CameraRequest, type FrameToHost, type RgbaFrame, type TierInfo } from '../protocol';
import type { SiteSettings } from '../settings';
import { CameraSession, type FrameFilter } from './camera-session';
import { CompositorLink } from './compositor-link';

/** Filtered cameras at once per document: enough for a preview and a call; more are refused, not queued. */
const MAX_CAMERAS = 4;

/** Whether `track` comes from a camera of this device (not a canvas, a generator or another page's picture). */
async function isCameraTrack(track: unknown): Promise<boolean> {
  if (!(track instanceof MediaStreamTrack) || track.constructor !== MediaStreamTrack) return false;
  if (track.kind !== 'video' || track.readyState !== 'live') return false;
  const id = track.getSettings().deviceId;
  if (!id) return false;
  const devices = await navigator.mediaDevices.enumerateDevices();
  return devices.some((d) => d.kind === 'videoinput' && d.deviceId === id);
}

export class CameraBridge {
  private readonly sessions = new Map<HTMLMediaElement, CameraSession>();
  private link: CompositorLink | null = null;
  private linking: Promise<void> | null = null;
  /** Closed shadow root of a hidden element, holding the compositor iframe. */
  private holder: ShadowRoot | null = null;
  /** The compositor said ready: frames go to it. */
  private ready = false;
  private tier: TierInfo | null = null;
  private strength = 1;
  private seq = 0;
  private readonly pending = new Map<number, { resolve(f: RgbaFrame): void; reject(e: Error): void }>();
  private filterOn = false;

  constructor(private readonly settings: () => Promise<SiteSettings>) {}

  /** Listens for the hook's requests (capture phase on window, before page listeners on the document). */
  install(): void {
    window.addEventListener(CAMERA_REQUEST, (e) => void this.onRequest(e), true);
  }

  /** The site's settings changed (popup or options, any tab). */
  apply(s: SiteSettings): void {
    this.filterOn = s.cameraFilter !== 'off';
    this.strength = s.strength;
    if (!this.filterOn) this.closeLink();
    else if (this.sessions.size) void this.ensureLink();
    this.retarget();
  }

  private async onRequest(e: Event): Promise<void> {
    const el = e.target;
    if (!(el instanceof HTMLMediaElement) || !(e instanceof CustomEvent) || typeof e.detail !== 'string') return;
    let req: CameraRequest;
    try {
      req = JSON.parse(e.detail) as CameraRequest;
    } catch {
      return;
    }
    const reply = (r: CameraReply) => el.dispatchEvent(new CustomEvent(CAMERA_REPLY, { detail: JSON.stringify(r) }));
    switch (req?.type) {
      case 'query': {
        const s = await this.settings();
        this.filterOn = s.cameraFilter !== 'off';
        return void reply({ type: 'state', filter: this.filterOn ? s.cameraFilter : null, isDefault: s.cameraDefault, suffix: t('filteredSuffix') });
      }
      case 'open': {
        const track = el.srcObject instanceof MediaStream ? el.srcObject.getVideoTracks()[0] : undefined;
        el.srcObject = null;
        if (this.sessions.has(el) || !(await isCameraTrack(track))) return void reply({ type: 'refused', message: t('errorNotCamera') });
        if (this.sessions.size >= MAX_CAMERAS) return void reply({ type: 'refused', message: t('errorTooManyCameras') });
        const session = new CameraSession(track!, null, { tier: () => this.tier, strength: () => this.strength }, () => this.end(el));
        this.sessions.set(el, session);
        this.apply(await this.settings());
        el.srcObject = new MediaStream([session.track]);
        return void reply({ type: 'opened' });
      }
      case 'close':
        return this.end(el);
    }
  }

  private end(el: HTMLMediaElement): void {
    this.sessions.get(el)?.stop();
    this.sessions.delete(el);
    if (!this.sessions.size) this.closeLink();
  }

  /** Points every session at the compositor when it is ready and a filter is on, else at pass-through. */
  private retarget(): void {
    const filter: FrameFilter | null = this.link && this.filterOn && this.ready ? (f, guide) => this.filterFrame(f, guide) : null;
    for (const s of this.sessions.values()) s.setFilter(filter);
  }

  private filterFrame(frame: RgbaFrame, guide?: number): Promise<RgbaFrame> {
    const link = this.link;
    if (!link) return Promise.reject(new Error('no compositor'));
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      link.post({ type: 'camera-frame', seq, frame, ...(guide ? { guide } : {}) }, [frame.rgba]);
    });
  }

  private ensureLink(): Promise<void> {
    if (this.link) return Promise.resolve();
    this.linking ??= (async () => {
      try {
        const holder = (this.holder ??= this.makeHolder());
        this.link = await CompositorLink.open('camera', (iframe) => holder.append(iframe), (m) => this.onMessage(m), () => this.closeLink());
        // Every camera stopped, or the filter went off, while the compositor was opening.
        if (!this.sessions.size || !this.filterOn) this.closeLink();
      } catch (err) {
        console.warn(`Camera filter unavailable: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        this.linking = null;
      }
    })();
    return this.linking;
  }

  /** A hidden element with a closed shadow root for the compositor iframe (nothing of it shows). */
  private makeHolder(): ShadowRoot {
    const holder = document.createElement('gvf-camera-compositor');
    const root = holder.attachShadow({ mode: 'closed' });
    holder.style.cssText = 'display:block!important;position:fixed!important;width:0!important;height:0!important;overflow:hidden!important;';
    document.documentElement.append(holder);
    return root;
  }

  private onMessage(msg: FrameToHost): void {
    switch (msg.type) {
      case 'ready':
        this.ready = true;
        this.retarget();
        break;
      case 'tier':
        this.tier = msg;
        break;
      case 'camera-frame-done':
        this.pending.get(msg.seq)?.resolve(msg.frame);
        this.pending.delete(msg.seq);
        break;
      case 'error':
        if (msg.seq !== undefined) {
          this.pending.get(msg.seq)?.reject(new Error(msg.message));
          this.pending.delete(msg.seq);
        } else {
          console.warn(`Camera filter failed: ${msg.message}`);
          this.closeLink();
        }
        break;
    }
  }

  private closeLink(): void {
    this.link?.close();
    this.link = null;
    this.ready = false;
    for (const p of this.pending.values()) p.reject(new Error('compositor closed'));
    this.pending.clear();
    this.retarget();
  }
}
