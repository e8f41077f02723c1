// The compositor page (extension origin), laid into the page by a content script: over a video
// (kind "video": draws the filtered frames on its canvas, in place of the video's picture) or
// hidden (kind "camera": sends the filtered camera frames back). It runs nothing until the
// background confirms the one-time secret it was handed with its port (protocol.ts), so a page
// that embeds it or posts to it gets no answer. It owns the filter worker through the shared
// FilterSession (crash restart), picks and adapts the tier with AutoTier, and follows the
// site's settings as they change.
import { AutoTier, type AutoMeasurement } from '../../host/auto-tier';
import { Compositor } from '../../host/compositor';
import { FilterSession, WorkerGoneError } from '../../host/filter-session';
import { imagePixels } from '../../host/bridge';
import type { Tier } from '../../host/adaptive';
import type { FilterEntry, ProcessedFrame } from '../../workers/types';
import { t } from '../i18n';
import {
  CONNECT,
  type ClaimAnswer, type ConnectMessage, type DebugHook, type FrameToHost, type HostToFrame, type RuntimeRequest, type SessionKind,
} from '../protocol';
import { forSite, loadSettings, onSettingsChanged, type SiteSettings } from '../settings';
import { planFor, type FilterPlan } from './filter-plan';
import { hostFrame } from './frame-input';
import { UNKNOWN, judgeSource, type SourceQuality } from '../../host/source-quality';

const canvas = document.getElementById('out') as HTMLCanvasElement;
const debug: DebugHook = { ready: null, tier: null, framesDone: 0, timing: null, error: null, lastInput: null, lastOutput: null };

/** Per device and backend: how fast this machine runs a unit of tier cost (adaptive.ts), from an earlier session. */
const measurementKey = (backend: string) => `auto:${backend}`;

class CompositorSession {
  private readonly filters: Promise<FilterEntry[]>;
  private readonly session: FilterSession;
  private readonly view: Compositor;
  private plan: FilterPlan | null = null;
  private auto: AutoTier | null = null;
  private tier: Tier | null = null;
  /** Frames being filtered (the host keeps up to two in flight), and the newest drawn. */
  private inFlight = 0;
  private drawnSeq = -1;
  private stopped = false;
  private announced = false;
  /** The site's settings last applied, and the video as the content script judged it (a new judgement may change Auto's ladder). */
  private site: SiteSettings | null = null;
  private source: SourceQuality = UNKNOWN;

  constructor(private readonly kind: SessionKind, private readonly port: MessagePort, site: SiteSettings, private readonly debugOn: boolean) {
    this.view = new Compositor(kind === 'video' ? canvas : new OffscreenCanvas(1, 1));
    this.view.split = 0;
    this.view.strength = site.strength;
    // models/ and tfjs-wasm/ are packaged at the extension's root.
    this.session = new FilterSession(chrome.runtime.getURL(''), {
      onCrash: (msg) => this.send({ type: 'status', text: t('workerCrashed', msg) }),
      onRestarted: () => this.send({ type: 'status', text: t('workerRestarted') }),
      // The session ends with the message (the page's video shows again), not a frozen picture.
      onGaveUp: (msg) => this.fail(new Error(t('workerStopped', msg))),
    });
    this.send({ type: 'status', text: t('startingTf') });
    this.filters = this.session.start('auto').then(() => this.session.listFilters());
    // Readable only by the extension itself and a test harness (the page cannot reach this frame's globals).
    if (debugOn) {
      debug.crashWorker = () => { this.session.worker?.dispatchEvent(new ErrorEvent('error', { message: 'simulated crash' })); };
      debug.dieMidFrame = (how, watchdogMs) => this.session.dieMidFrame(how, watchdogMs);
    }
    Object.assign(globalThis, { __gvfDebug: debug });
  }

  send(msg: FrameToHost, transfer: Transferable[] = []): void {
    if (!this.stopped) this.port.postMessage(msg, transfer);
  }

  /** Loads the plan for the current settings (again only when the filter setting changed). */
  async configure(site: SiteSettings): Promise<void> {
    this.site = site;
    this.view.strength = site.strength;
    const plan = planFor(this.kind, site, await this.filters, this.source.kind);
    if (!plan) throw new Error(t('errorNoFilter'));
    if (plan.key === this.plan?.key) return;
    this.plan = plan;
    const backend = this.session.choice?.backend ?? 'wasm';
    const key = measurementKey(backend);
    const cached = ((await chrome.storage.local.get(key))[key] as AutoMeasurement | undefined) ?? null;
    this.auto = new AutoTier(plan.ladder, (tier) => this.applyTier(tier), {
      cached,
      onMeasured: (m) => { void chrome.storage.local.set({ [key]: m }); },
    });
    const t0 = performance.now();
    await this.auto.start();
    if (this.announced) return; // later changes arrive as a new tier
    this.announced = true;
    const entry = (await this.filters).find((f) => f.id === this.tier?.filterId);
    const choice = this.session.choice!;
    const ready = { backend: choice, transport: choice.backend === 'webgpu' ? 'bitmap' as const : 'rgba' as const, filter: { id: this.tier!.filterId, title: entry?.title ?? this.tier!.filterId, scale: entry?.scale ?? 1 }, loadMs: performance.now() - t0 };
    debug.ready = ready;
    this.send({ type: 'ready', ...ready });
  }

  private async applyTier(tier: Tier): Promise<void> {
    if (tier.filterId !== this.tier?.filterId) {
      this.send({ type: 'status', text: t('loadingFilter', tier.filterId) });
      await this.session.loadFilter(tier.filterId);
    }
    this.tier = tier;
    this.announceTier(tier);
  }

  private announceTier(tier: Tier): void {
    const info = { filterId: tier.filterId, workScale: tier.workScale, scale: this.session.entry?.scale ?? 1, auto: this.plan?.auto ?? false, source: this.source };
    debug.tier = info;
    this.send({ type: 'tier', ...info });
  }

  async onMessage(msg: HostToFrame): Promise<void> {
    switch (msg?.type) {
      case 'frame':
      case 'camera-frame':
        return this.onFrame(msg);
      case 'layout':
        if (typeof msg.objectFit === 'string') canvas.style.objectFit = msg.objectFit;
        return;
      case 'source': {
        // Judged again here from the number alone; a new judgement re-plans (Auto's ladder may
        // change) and is told with the tier either way (the badge gives the reason).
        const source = this.kind === 'video' ? judgeSource(Number(msg.bitsPerPixel)) : UNKNOWN;
        if (source.kind === this.source.kind) return;
        this.source = source;
        if (this.site) await this.configure(this.site).catch((err) => this.fail(err));
        if (this.tier) this.announceTier(this.tier);
        return;
      }
      case 'stop':
        return this.stop();
    }
  }

  /**
   * Up to two frames at a time (the workers take them in turn); anything malformed, oversized or
   * beyond that is dropped. A
   * frame with a sequence number always gets an answer, done or error: the host sends its next
   * frame only then (a video frame lost with a crashed worker used to stop Enhance for good).
   */
  private async onFrame(msg: Extract<HostToFrame, { type: 'frame' | 'camera-frame' }>): Promise<void> {
    const camera = msg.type === 'camera-frame';
    const seq = msg.seq;
    const frame = hostFrame(msg.frame);
    if (!frame) return;
    if (this.inFlight >= MAX_IN_FLIGHT || !this.tier || this.stopped || !Number.isInteger(seq) || camera !== (this.kind === 'camera')) {
      if (frame instanceof ImageBitmap) frame.close();
      if (Number.isInteger(seq)) this.send({ type: 'error', seq, message: 'frame refused' });
      return;
    }
    this.inFlight++;
    const [inWidth, inHeight] = [frame.width, frame.height]; // a bitmap is transferred to the worker
    try {
      // The source under the output, for strength below 1 (the camera blends in the content script).
      const before = !camera && this.view.strength < 1
        ? await createImageBitmap(frame instanceof ImageBitmap ? frame : new ImageData(frame.data, frame.width, frame.height))
        : undefined;
      // A style tier's frame at the source's size, with the fraction to run it at (protocol.ts).
      const guide = typeof msg.guide === 'number' && msg.guide > 0 && msg.guide < 1 ? msg.guide : undefined;
      let out: ProcessedFrame;
      try {
        out = await this.session.process(frame, { returnInputPixels: this.debugOn, ...(guide ? { workScale: guide } : {}) });
      } catch (e) {
        before?.close();
        throw e;
      }
      if (this.debugOn && out.inputPixels) {
        debug.lastInput = { width: inWidth, height: inHeight, data: out.inputPixels, ...(guide ? { guide } : {}) };
        debug.lastOutput = imagePixels(out.image);
      }
      debug.framesDone++;
      debug.timing = out.timing;
      let done: () => void;
      if (camera) {
        const rgba = out.image instanceof ImageBitmap ? imagePixels(out.image).data.buffer : out.image.data.slice().buffer;
        this.session.release(out.image);
        done = () => this.send({ type: 'camera-frame-done', seq, frame: { width: out.width, height: out.height, rgba }, timing: out.timing }, [rgba]);
      } else {
        // In order: a frame that finishes after a newer one was drawn is not shown.
        if (seq > this.drawnSeq) {
          this.drawnSeq = seq;
          this.view.draw(out.image, before);
        } else before?.close();
        this.session.release(out.image);
        done = () => this.send({ type: 'frame-done', seq, width: out.width, height: out.height, timing: out.timing });
      }
      // The host sends its next frame on "done": only once Auto has applied any new tier (a model
      // load of seconds), as a frame arriving while busy is dropped, and the host would wait for
      // it for good (a CI run saw Enhance stop after 14 frames).
      // A video frame's whole cycle (pixels read in the page, sent, filtered, drawn, answered) when
      // the page measured it: Auto stepping by the worker's time alone kept a tier that showed
      // 0.4-0.8 of a 24 fps video's frames.
      const cycle = !camera && 'cycleMs' in msg && Number.isFinite(msg.cycleMs) ? Number(msg.cycleMs) : 0;
      await this.auto?.frame(performance.now(), Math.max(out.timing.totalMs, cycle));
      done();
    } catch (e) {
      if (!(e instanceof WorkerGoneError)) this.fail(e, camera ? seq : undefined);
      else this.send({ type: 'error', seq, message: e.message });
    } finally {
      this.inFlight--;
    }
  }

  fail(err: unknown, seq?: number): void {
    const message = err instanceof Error ? err.message : String(err);
    debug.error = message;
    this.send({ type: 'error', message, ...(seq === undefined ? {} : { seq }) });
    if (seq === undefined) this.stop();
  }

  stop(): void {
    this.stopped = true;
    this.session.stop();
  }
}

/** Frames filtered at once: the page's next frame is read and sent while this one is filtered. */
const MAX_IN_FLIGHT = 2;

/** Connect attempts a page load answers at most (each costs the background a lookup). */
const MAX_ATTEMPTS = 16;

/** Waits for the content script's connect message, and starts only once the background confirms a secret. */
function listen(): void {
  let attempts = 0;
  let started = false;
  window.addEventListener('message', async (e: MessageEvent) => {
    const data = e.data as Partial<ConnectMessage> | null;
    if (started || e.source !== window.parent || window.parent === window || data?.type !== CONNECT || typeof data.secret !== 'string' || e.ports.length !== 1) return;
    if (++attempts > MAX_ATTEMPTS) return;
    const port = e.ports[0]!;
    const request: RuntimeRequest = { type: 'claim-session', secret: data.secret };
    const answer = (await chrome.runtime.sendMessage(request).catch(() => null)) as ClaimAnswer | null;
    if (!answer?.ok || started) {
      port.close();
      return;
    }
    started = true;
    const site = forSite(await loadSettings(), answer.host);
    const session = new CompositorSession(answer.kind, port, site, answer.debug);
    port.onmessage = (m: MessageEvent<HostToFrame>) => { void session.onMessage(m.data); };
    onSettingsChanged((s) => { session.configure(forSite(s, answer.host)).catch((err) => session.fail(err)); });
    session.configure(site).catch((err) => session.fail(err));
  });
}

listen();
