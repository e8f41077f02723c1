// PWA entry: wires the controls, the video source, the filter worker and the compositor.
import { Workbox } from 'workbox-window';
import type { BackendName, FilterEntry, ProcessedFrame } from '../workers/types.js';
import { tierLadder } from '../host/adaptive.js';
import { AutoTier } from '../host/auto-tier.js';
import { Compositor } from '../host/compositor.js';
import { FilterSession, WorkerGoneError } from '../host/filter-session.js';
import { FrameLoop } from './frame-loop.js';
import { startBlob, startDemo, startWebcam, type SourceKind } from './sources.js';
import { FrameStats } from './stats.js';
import { installTestHook, type Capture } from './test-hook.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const video = $<HTMLVideoElement>('video');
const sourceSelect = $<HTMLSelectElement>('source');
const fileInput = $<HTMLInputElement>('file');
const filterSelect = $<HTMLSelectElement>('filter');
const backendSelect = $<HTMLSelectElement>('backend-select');
const split = $<HTMLInputElement>('split');
const strength = $<HTMLInputElement>('strength');
const errorBox = $<HTMLDivElement>('error');
const backendBadge = $<HTMLSpanElement>('backend');

const assetBase = new URL('./', location.href).href;
const compositor = new Compositor($<HTMLCanvasElement>('view'));
const stats = new FrameStats();
let filters: FilterEntry[] = [];
let switching = true; // no frames go to the worker while it starts or changes filter
let capture: Capture | null = null;
/** Set while the "Auto" choice drives the filter and working size. */
let auto: AutoTier | null = null;
/** Fraction of the source size given to the filter (below 1 only under Auto). */
let workScale = 1;

function showError(e: unknown): void {
  const msg = e instanceof Error ? e.message : String(e);
  errorBox.textContent = msg;
  errorBox.hidden = false;
  stats.errors.push(msg);
  console.error(msg);
}
const clearError = () => { errorBox.hidden = true; };

const session = new FilterSession(assetBase, {
  onCrash: (msg) => { switching = true; showError(`The filter worker crashed: ${msg}`); },
  onRestarted: (choice) => { switching = false; showBackend(); clearError(); console.info('worker restarted on', choice.backend); },
});

function showBackend(): void {
  const c = session.choice;
  backendBadge.textContent = c ? c.backend.toUpperCase() : 'no backend';
  backendBadge.title = c?.reason ?? '';
  backendBadge.classList.toggle('ok', Boolean(c));
  $('reason').textContent = c ? `Backend: ${c.backend}. ${c.reason}.` : '';
}

function showStats(out: ProcessedFrame): void {
  $('fps').textContent = `${stats.fpsIn.toFixed(0)} → ${stats.fps.toFixed(1)}`;
  $('latency').textContent = `${stats.latency(0.5).toFixed(0)} / ${stats.latency(0.95).toFixed(0)} ms`;
  $('worker-ms').textContent = `${stats.workerMedianMs.toFixed(0)} ms`;
  $('infer-ms').textContent = `${stats.modelMedianMs.toFixed(0)} ms`;
  $('size').textContent = `${video.videoWidth}×${video.videoHeight} → ${out.width}×${out.height}`;
  $('dropped').textContent = String(loop.dropped);
  const tier = auto?.tier;
  $('tier').textContent = tier ? `auto: ${tier.filterId} at ${Math.round(tier.workScale * 100)}%` : session.filterId ?? '–';
}

async function onFrame(v: HTMLVideoElement, frame?: VideoFrame): Promise<void> {
  if (switching || !session.filterId || !v.videoWidth) {
    frame?.close();
    return;
  }
  const t0 = performance.now();
  const want = capture;
  const keepBefore = !want && compositor.needsBefore;
  const source = frame ?? v;
  const size = workScale < 1
    ? { resizeWidth: Math.max(16, Math.round(v.videoWidth * workScale)), resizeHeight: Math.max(16, Math.round(v.videoHeight * workScale)), resizeQuality: 'high' as const }
    : undefined;
  let input: ImageBitmap | VideoFrame, before: ImageBitmap | undefined;
  try {
    [input, before] = await Promise.all([
      // A camera VideoFrame at full size goes to the worker as it is (transferred, no copy).
      frame && !size ? Promise.resolve(frame) : createImageBitmap(source, size),
      keepBefore ? createImageBitmap(source) : Promise.resolve(undefined),
    ]);
  } finally {
    if (frame && size) frame.close();
  }
  let out: ProcessedFrame;
  try {
    out = await session.process(input, { returnInputPixels: Boolean(want) });
  } catch (e) {
    before?.close();
    if (!(e instanceof WorkerGoneError)) showError(e);
    return;
  }
  compositor.draw(out.image, before);
  session.release(out.image);
  stats.frame(performance.now() - t0, out.timing);
  showStats(out);
  if (auto && !want) await auto.frame(performance.now(), out.timing.totalMs);
  if (want && out.inputPixels) {
    capture = null;
    want.resolve({ input: new ImageData(new Uint8ClampedArray(out.inputPixels), v.videoWidth, v.videoHeight), output: compositor.pixels() });
  }
}

const loop = new FrameLoop(video, onFrame, () => stats.sourceFrame());

/** Every filter, plus each style chained with the fastest x2 super-resolution (one pass in the worker). */
function filterChoices(all: FilterEntry[]): { id: string; label: string }[] {
  const label = (f: FilterEntry) => (f.kind === 'style' ? `${f.title} (style)` : `${f.title} (×${f.scale})`);
  const sr = all.filter((f) => f.kind === 'super-resolution' && f.scale === 2).sort((a, b) => a.macsPerInputPixel - b.macsPerInputPixel)[0];
  const chains = sr ? all.filter((f) => f.kind === 'style').map((f) => ({ id: `${f.id}+${sr.id}`, label: `${f.title} + ${sr.title}` })) : [];
  return [...all.map((f) => ({ id: f.id, label: label(f) })), ...chains];
}

/** A filter id from the select: "auto" hands the choice to AutoTier. */
async function chooseFilter(choice: string): Promise<void> {
  if (choice !== AUTO) {
    auto = null;
    workScale = 1;
    return loadFilter(choice);
  }
  auto = new AutoTier(tierLadder(filters, 'super-resolution', 2), async (tier) => {
    workScale = tier.workScale;
    if (tier.filterId !== session.filterId) await loadFilter(tier.filterId);
  });
  if (!auto.available) {
    auto = null;
    showError('Auto needs a x2 super-resolution filter in models/registry.json');
    return;
  }
  await auto.start();
}

const AUTO = 'auto';

async function loadFilter(id: string): Promise<void> {
  const previous = session.filterId;
  switching = true;
  try {
    const loaded = await session.loadFilter(id);
    clearError();
    console.info(`filter ${id} loaded in ${loaded.loadMs.toFixed(0)} ms`);
  } catch (e) {
    showError(e);
    if (previous && !auto) filterSelect.value = previous; // the worker still runs the previous filter
  } finally {
    switching = false;
  }
}

async function startBackend(backend: BackendName | 'auto'): Promise<void> {
  switching = true;
  backendBadge.textContent = 'starting…';
  try {
    await session.start(backend);
    showBackend();
    clearError();
  } catch (e) {
    showError(e);
  } finally {
    switching = false;
  }
}

async function setSource(kind: SourceKind): Promise<void> {
  try {
    if (kind === 'webcam') await startWebcam(video);
    else if (kind === 'demo') await startDemo(video);
    else {
      fileInput.click();
      return; // continues in the file input's change handler
    }
    loop.start();
  } catch (e) {
    showError(e);
  }
}

sourceSelect.addEventListener('change', () => setSource(sourceSelect.value as SourceKind));
fileInput.addEventListener('change', async () => {
  const file = fileInput.files?.[0];
  if (!file) return;
  try {
    await startBlob(video, file);
    loop.start();
  } catch (e) {
    showError(e);
  }
});
filterSelect.addEventListener('change', () => chooseFilter(filterSelect.value));
backendSelect.addEventListener('change', () => startBackend(backendSelect.value as BackendName | 'auto'));
split.addEventListener('input', () => { compositor.split = Number(split.value) / 100; });
strength.addEventListener('input', () => { compositor.strength = Number(strength.value) / 100; });
compositor.split = Number(split.value) / 100;
compositor.strength = Number(strength.value) / 100;

async function main(): Promise<void> {
  await startBackend('auto');
  try {
    filters = await session.listFilters();
  } catch (e) {
    showError(e);
    return;
  }
  filterSelect.replaceChildren(new Option('Auto (adapts to this device)', AUTO), ...filterChoices(filters).map((c) => new Option(c.label, c.id)));
  filterSelect.disabled = filters.length === 0;
  if (!filters.length) showError('models/registry.json lists no filters');
  else {
    // ?filter=ID opens with that filter (or chain); otherwise Auto.
    const wanted = new URLSearchParams(location.search).get('filter') ?? AUTO;
    filterSelect.value = wanted;
    await chooseFilter(wanted);
  }
  await setSource('demo');
}

installTestHook({
  stats: () => ({ ...stats.snapshot(), dropped: loop.dropped, backend: session.choice, filterId: session.filterId, filters, switching, tier: auto?.tier ?? null, trackProcessor: loop.usesTrackProcessor }),
  capture: () => new Promise((resolve) => { capture = { resolve }; }),
  memory: () => session.memory(),
  simulateCrash: () => { session.worker?.dispatchEvent(new ErrorEvent('error', { message: 'simulated crash' })); },
  assetBase,
});

if ('serviceWorker' in navigator && import.meta.env.PROD) {
  new Workbox('./sw.js').register().catch((e) => console.warn('service worker registration failed', e));
}

main().catch(showError);
