// One video's enhance session: checks the video can be read, opens a compositor over it, and
// pumps its frames there (requestVideoFrameCallback + createImageBitmap, at the working size
// the compositor's Auto asks for), two in flight and the newest next (host/frame-pacer.ts).
import { FpsMeter } from '../../host/fps-meter';
import { FramePacer } from '../../host/frame-pacer';
import { framePlan } from '../../host/working-size';
import { t } from '../i18n';
import { MAX_FRAME_PIXELS, type FramePayload, type FrameToHost, type ReadyInfo, type TierInfo } from '../protocol';
import { CompositorLink } from './compositor-link';
import type { OverlayView } from './overlay-view';
import { PixelReader } from './pixel-reader';
import { decodedQuality, type SourceQuality } from '../../host/source-quality';

type State = 'idle' | 'starting' | 'running' | 'error';

/** true when the video's pixels can be read; otherwise a message for the user. */
function pixelsReadable(video: HTMLVideoElement): true | string {
  // Encrypted Media (DRM): frames read back black; say so instead of upscaling black.
  if (video.mediaKeys) return t('errorDrm');
  try {
    const ctx = new OffscreenCanvas(1, 1).getContext('2d')!;
    ctx.drawImage(video, 0, 0, 1, 1);
    ctx.getImageData(0, 0, 1, 1);
    return true;
  } catch (err) {
    if (err instanceof DOMException && err.name === 'SecurityError') return t('errorTainted');
    return t('errorCannotRead', String(err));
  }
}

/** What a host sends for a source of w x h at a tier (its working size, or the source and a guide for a style), within the compositor's limit. */
export function sendPlan(w: number, h: number, tier: Pick<TierInfo, 'workScale' | 'scale'> | null): ReturnType<typeof framePlan> {
  return framePlan(w, h, tier?.workScale ?? 1, MAX_FRAME_PIXELS, (tier?.scale ?? 0) === 1);
}

/** Why Auto chose its filter, for the badge: the source's bitrate when known. */
function sourceReason(q: SourceQuality): string {
  return q.kind === 'unknown' ? '' : `\n${t(q.kind === 'compressed' ? 'sourceCompressed' : 'sourceClean', q.bitsPerPixel.toFixed(3))}`;
}

/** Wait before sending a paused video's frame again after it was lost (the worker restarts meanwhile). */
const RETRY_MS = 1000;

export class EnhanceSession {
  private state: State = 'idle';
  /** Bumped on every start and stop: async work of an older session drops its results. */
  private generation = 0;
  private link: CompositorLink | null = null;
  private rvfc = 0;
  private seq = 0;
  private ready: ReadyInfo | null = null;
  private tier: TierInfo | null = null;
  /** Each frame in flight: when it started (its pixels read), and its working size's fraction of the video's (the tier's, or above its floor). */
  private readonly started = new Map<number, { at: number; scale: number }>();
  /** When the last frame was answered, and the pipeline's time per frame. */
  private lastDone = 0;
  private cycleMs: number | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly fps = new FpsMeter();
  /**
   * Two frames in flight: the next frame is read, sent and unpacked while the workers filter this
   * one. With one, the page and compositor work (about 35 ms of a 79 ms cycle for a 640x360 video
   * here) left the workers idle: 0.52-0.76 of a 24 fps video's frames shown, against 0.89-1.02
   * with two (Auto's cheapest tier, four runs each, one sitting, 2 cores).
   */
  private readonly pacer = new FramePacer(() => { void this.sendFrame(); }, 2);
  private readonly reader = new PixelReader();
  /** The video's judgement last sent to the compositor (host/source-quality.ts), and when it was last looked at. */
  private sourceSent: SourceQuality['kind'] = 'unknown';
  private sourceCheckedAt = 0;

  constructor(private readonly video: HTMLVideoElement, private readonly view: OverlayView) {}

  get active(): boolean {
    return this.state === 'starting' || this.state === 'running';
  }

  toggle(): void {
    if (this.active) this.stop();
    else void this.start();
  }

  async start(): Promise<void> {
    const generation = ++this.generation;
    this.state = 'starting';
    this.view.setRunning(true);
    this.view.setBadge(t('starting'));
    const v = this.video;
    if (v.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || v.videoWidth === 0) {
      this.view.setBadge(t('waitingForVideo'));
      await new Promise<void>((resolve) => v.addEventListener('loadeddata', () => resolve(), { once: true }));
      if (generation !== this.generation) return;
    }
    const readable = pixelsReadable(v);
    if (readable !== true) return this.fail(readable);
    try {
      const link = await CompositorLink.open(
        'video',
        (iframe) => this.view.attachFrame(iframe),
        (msg) => { if (generation === this.generation) this.onMessage(msg); },
        () => { if (generation === this.generation) this.fail(t('errorNoAnswer')); },
      );
      if (generation !== this.generation) return link.close();
      this.link = link;
      this.view.setBadge(t('loadingModel'));
    } catch (err) {
      if (generation === this.generation) this.fail(err instanceof Error ? err.message : String(err));
    }
  }

  stop(): void {
    this.teardown();
    this.state = 'idle';
    this.view.setRunning(false);
    this.view.setBadge(null);
  }

  /** Layout changed: tell the compositor how the video fits its box. */
  relayout(): void {
    if (this.state === 'running') this.link?.post({ type: 'layout', objectFit: this.view.objectFit });
  }

  private fail(message: string): void {
    this.teardown();
    this.state = 'error';
    this.view.setRunning(false);
    this.view.setBadge(message, 'error');
  }

  private teardown(): void {
    this.generation++;
    if (this.rvfc) this.video.cancelVideoFrameCallback(this.rvfc);
    this.rvfc = 0;
    this.link?.close();
    this.link = null;
    this.view.detachFrame();
    this.pacer.reset();
    this.ready = null;
    this.tier = null;
    this.cycleMs = undefined;
    this.sourceSent = 'unknown';
    this.sourceCheckedAt = 0;
    this.started.clear();
    this.lastDone = 0;
    clearTimeout(this.retryTimer);
    this.fps.reset();
  }

  private onMessage(msg: FrameToHost): void {
    switch (msg.type) {
      case 'status':
        if (this.state === 'starting') this.view.setBadge(msg.text);
        break;
      case 'tier':
        this.tier = msg;
        break;
      case 'ready':
        this.ready = msg;
        this.state = 'running';
        this.link?.post({ type: 'layout', objectFit: this.view.objectFit });
        this.view.setBadge(t('waitingForFrames', msg.filter.title));
        // Always one frame at start, so a paused video shows its enhanced picture too.
        this.pacer.offer();
        this.rvfc = this.video.requestVideoFrameCallback(this.onVideoFrame);
        break;
      case 'frame-done': {
        // The pipeline's time per frame: a frame's whole time (read, sent, filtered, drawn,
        // answered), or, with frames overlapping, the time since the last one shown if shorter.
        const now = performance.now();
        const sent = this.started.get(msg.seq) ?? { at: now, scale: 1 };
        const latency = now - sent.at;
        this.started.delete(msg.seq);
        this.cycleMs = this.lastDone ? Math.min(latency, now - this.lastDone) : latency;
        this.lastDone = now;
        this.fps.tick();
        // The size this frame was sent at, not the newest tier's: with two in flight they differ for a frame after a change.
        const tier = sent.scale < 1 ? ` @${Math.round(sent.scale * 100)}%` : '';
        const filter = `${this.tier?.auto ? 'Auto: ' : ''}${this.tier?.filterId ?? this.ready?.filter.id ?? ''}${tier}`;
        this.view.setBadge(
          `${this.fps.fps.toFixed(1)} fps · ${msg.timing.totalMs.toFixed(0)} ms/frame · ${this.ready?.backend.backend ?? '?'}\n` +
            `${filter} · ${this.video.videoWidth}×${this.video.videoHeight} → ${msg.width}×${msg.height}` +
            (this.tier?.auto ? sourceReason(this.tier.source) : '') +
            (msg.timing.totalMs > 150 ? `\n${t('tooSlow')}` : ''),
          'figures',
        );
        this.pacer.done();
        this.checkSource(now);
        break;
      }
      case 'error':
        // One frame lost (the worker is being replaced): the picture stays, the next frame goes.
        if (msg.seq !== undefined) {
          this.started.delete(msg.seq);
          this.pacer.done();
          this.retryIfStill();
        }
        else this.fail(t('enhanceFailed', msg.message));
        break;
    }
  }

  /** Once a second: the video's bitrate as decoded so far; a new judgement goes to the compositor (its Auto may change ladder). */
  private checkSource(now: number): void {
    if (now - this.sourceCheckedAt < 1000) return;
    this.sourceCheckedAt = now;
    const q = decodedQuality(this.video);
    if (q.kind === 'unknown' || q.kind === this.sourceSent) return;
    this.sourceSent = q.kind;
    this.link?.post({ type: 'source', bitsPerPixel: q.bitsPerPixel });
  }

  /**
   * A paused or ended video gives no next frame callback: a lost frame (a worker replaced by the
   * watchdog, a read before the frame decoded) would leave it unenhanced for good. Firefox 140 with
   * one core busy lost the only frame of a paused video that way, every time.
   */
  private retryIfStill(): void {
    if (!(this.video.paused || this.video.ended)) return;
    const generation = this.generation;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (generation === this.generation && this.state === 'running' && !this.pacer.busy) this.pacer.offer();
    }, RETRY_MS);
  }

  private onVideoFrame = (): void => {
    if (this.state !== 'running') return;
    this.rvfc = this.video.requestVideoFrameCallback(this.onVideoFrame);
    this.view.sync();
    this.pacer.offer();
  };

  private async sendFrame(): Promise<void> {
    const generation = this.generation;
    const v = this.video;
    if (!this.link || !this.ready || !v.videoWidth) return this.pacer.done();
    const { size, guide } = sendPlan(v.videoWidth, v.videoHeight, this.tier);
    const start = performance.now();
    let frame: FramePayload;
    try {
      if (this.ready.transport === 'rgba') {
        frame = await this.reader.read(v, size.width, size.height);
      } else {
        const resize = size.width !== v.videoWidth || size.height !== v.videoHeight;
        frame = await createImageBitmap(v, resize ? { resizeWidth: size.width, resizeHeight: size.height, resizeQuality: 'high' } : undefined);
      }
    } catch (err) {
      this.pacer.done();
      // No decoded frame yet (e.g. just after a seek): wait for the next frame callback.
      if (err instanceof DOMException && err.name === 'InvalidStateError') return this.retryIfStill();
      if (generation === this.generation) this.fail(err instanceof DOMException && err.name === 'SecurityError' ? t('errorTainted') : t('errorCannotRead', String(err)));
      return;
    }
    if (generation !== this.generation || !this.link) {
      if (frame instanceof ImageBitmap) frame.close();
      return; // the session was reset, and the pacer with it
    }
    try {
      this.started.set(++this.seq, { at: start, scale: (guide ?? 1) * size.width / v.videoWidth });
      this.link.post({ type: 'frame', seq: this.seq, frame, cycleMs: this.cycleMs, ...(guide ? { guide } : {}) }, [frame instanceof ImageBitmap ? frame : frame.rgba]);
    } catch (err) {
      if (frame instanceof ImageBitmap) frame.close();
      this.fail(err instanceof DOMException && err.name === 'DataCloneError' ? t('errorTainted') : t('errorCannotSend', String(err)));
    }
  }
}
