// PWA entry: wires the page's controls to the live filter (live.ts), the sources, opening files,
// export and recording.
import { Workbox } from 'workbox-window';
import { filterChoices, filterNameKey } from '../host/filter-choices.js';
import { WorkerGoneError } from '../host/filter-session.js';
import type { BackendChoice, BackendName, FilterEntry } from '../workers/types.js';
import type { ExportProgress } from './export.js';
import { acceptFiles, takeSharedFile } from './file-open.js';
import { localize, t } from './i18n.js';
import { AUTO, LiveFilter, type ShownFrame } from './live.js';
import type { Recorder } from './recorder.js';
import { startBlob, startDemo, startWebcam, type SourceKind, type StillWanted } from './sources.js';
import { installTestHook } from './test-hook.js';
import { UNKNOWN, type SourceQuality } from '../host/source-quality.js';

/** A file's bitrate (source-rate.ts, loaded on first use: it brings mediabunny). */
const fileSourceQuality = async (blob: Blob): Promise<SourceQuality> => (await import('./source-rate.js')).fileSourceQuality(blob);

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const video = $<HTMLVideoElement>('video');
const sourceSelect = $<HTMLSelectElement>('source');
const fileInput = $<HTMLInputElement>('file');
const filterSelect = $<HTMLSelectElement>('filter');
const backendSelect = $<HTMLSelectElement>('backend-select');
const split = $<HTMLInputElement>('split');
const strength = $<HTMLInputElement>('strength');
const errorBox = $<HTMLDivElement>('error');
const backendBadge = $<HTMLElement>('backend');
const exportButton = $<HTMLButtonElement>('export');
const recordButton = $<HTMLButtonElement>('record');
const exportPanel = $<HTMLElement>('export-panel');

localize(document);
const assetBase = new URL('./', location.href).href;
const errors: string[] = [];
/** The video file or clip now playing (what Export filters); null for the webcam. */
let currentFile: { blob: Blob; name: string } | null = null;
let exporting: AbortController | null = null;
/** Export and recording load mediabunny on first use, so the first picture does not wait for it. */
let recorder: Recorder | null = null;

function showError(e: unknown): void {
  if (e instanceof WorkerGoneError) return; // reported when the worker went
  const msg = e instanceof Error ? e.message : String(e);
  errorBox.textContent = msg;
  errorBox.hidden = false;
  errors.push(msg);
  console.error(msg);
}
const clearError = () => { errorBox.hidden = true; errorBox.textContent = ''; };

/** The backend in plain words on the badge; the technical reason when opened. */
function showBackend(c: BackendChoice | null, workers = 1): void {
  if (!c) {
    backendBadge.textContent = t('pwaStarting');
    backendBadge.classList.remove('ok');
    return;
  }
  const threads = c.reason.match(/(\d+) threads/)?.[1];
  backendBadge.textContent = c.backend === 'webgpu' ? t('pwaOnGpu', 'WebGPU') : c.backend === 'webgl' ? t('pwaOnGpu', 'WebGL')
    : workers > 1 ? t('pwaOnCpuWorkers', String(workers)) : threads ? t('pwaOnCpuThreads', threads) : t('pwaOnCpu');
  backendBadge.classList.add('ok');
  $('reason').textContent = c.reason;
}

/** The last shown frame: its size, its source's and its tier (one frame's, so the lines always agree); null until a frame of this source and filter shows. */
let shown: (ShownFrame & { width: number; height: number }) | null = null;

/** The stats view, refreshed twice a second (so a stall shows as one: fps falls to 0). */
function showStats(): void {
  if (!shown) return;
  const s = live.stats;
  $('fps').textContent = `${s.fpsIn.toFixed(0)} → ${s.fps.toFixed(1)}`;
  $('latency').textContent = `${s.latency(0.5).toFixed(0)} / ${s.latency(0.95).toFixed(0)} ms`;
  $('worker-ms').textContent = `${s.workerMedianMs.toFixed(0)} ms`;
  $('infer-ms').textContent = `${s.modelMedianMs.toFixed(0)} ms`;
  $('size').textContent = `${shown.source.width}×${shown.source.height} → ${shown.width}×${shown.height}`;
  $('dropped').textContent = String(live.loop.dropped);
  const tier = shown.tier;
  $('tier').textContent = tier ? t('pwaAutoTier', [tier.filterId, String(Math.round(tier.workScale * 100))]) : live.session.filterId ?? '–';
  // Why Auto's filter: the source's bitrate, when the file told it (host/source-quality.ts).
  const q = live.source;
  $('why').textContent = tier && q.kind !== 'unknown' ? t(q.kind === 'compressed' ? 'sourceCompressed' : 'sourceClean', q.bitsPerPixel.toFixed(3)) : '–';
}
setInterval(showStats, 500);

function clearStats(): void {
  shown = null;
  for (const id of ['fps', 'latency', 'worker-ms', 'infer-ms', 'size', 'tier', 'why']) $(id).textContent = '–';
  $('dropped').textContent = '0';
}

const live = new LiveFilter(video, $<HTMLCanvasElement>('view'), assetBase, {
  error: (msg) => showError(new Error(t('workerCrashed', msg))),
  stopped: (msg) => showError(new Error(t('workerStopped', msg))),
  recovered: clearError,
  backend: showBackend,
  frame: (out, frame) => {
    const first = !shown;
    shown = { ...frame, width: out.width, height: out.height };
    $('loading').hidden = true;
    if (first) showStats();
  },
  capped: (cap) => {
    const notice = $('notice');
    notice.hidden = !cap;
    notice.textContent = cap ? t('pwaCapped', [`${cap.from[0]}×${cap.from[1]}`, `${cap.to[0]}×${cap.to[1]}`]) : '';
  },
});

const filterName = (f: FilterEntry) => { const n = t(filterNameKey(f)); return n === filterNameKey(f) ? f.title : n; };

async function chooseFilter(choice: string): Promise<void> {
  const previous = live.session.filterId;
  clearStats();
  try {
    await live.chooseFilter(choice);
    clearError();
  } catch (e) {
    showError(e);
    if (previous && !live.auto) filterSelect.value = previous; // the worker still runs the previous filter
  }
}

async function startBackend(backend: BackendName | 'auto'): Promise<void> {
  try {
    await live.startBackend(backend);
    clearError();
  } catch (e) {
    showError(e);
  }
}

/** Counts sources picked: only the latest one plays (the demo clip still loading must not replace a file opened meanwhile). */
let latestSource = 0;

/**
 * Plays a source (resolving to its file, if any) and restarts the frames; an error from the
 * previous source clears once this one plays. Results of a source picked before the latest are dropped.
 */
async function play(start: (wanted: StillWanted) => Promise<{ blob: Blob; name: string } | null>): Promise<void> {
  const id = ++latestSource;
  const wanted = () => id === latestSource;
  live.stop(); // frames still in flight from the previous source are not shown
  clearStats();
  try {
    const file = await start(wanted);
    if (!wanted()) return;
    currentFile = file;
    exportButton.disabled = !file;
    clearError();
    await live.setSource(file ? await fileSourceQuality(file.blob) : UNKNOWN);
    if (!wanted()) return;
    live.restart();
  } catch (e) {
    if (!wanted()) return; // e.g. its play() interrupted by the newer source's load
    currentFile = null;
    exportButton.disabled = true;
    showError(e);
  }
}

function openFile(file: File): void {
  sourceSelect.value = 'file';
  void play(async () => {
    await startBlob(video, file, { noVideo: t('pwaNoVideo', file.name), cannotPlay: t('pwaCannotPlay') });
    return { blob: file, name: file.name };
  });
}

async function setSource(kind: SourceKind): Promise<void> {
  if (kind === 'file') {
    fileInput.value = ''; // picking the same file again still fires a change
    fileInput.click();
    return;
  }
  if (kind === 'webcam') return play(async (wanted) => { await startWebcam(video, wanted); return null; });
  return play(async (wanted) => ({ blob: await startDemo(video, wanted), name: 'demo.webm' }));
}

sourceSelect.addEventListener('change', () => void setSource(sourceSelect.value as SourceKind));
$('open-file').addEventListener('click', () => void setSource('file'));
fileInput.addEventListener('change', () => {
  const file = fileInput.files?.[0];
  if (file) openFile(file);
});
acceptFiles($('stage'), openFile, (on) => {
  $('drop').hidden = !on;
  $('stage').classList.toggle('dragging', on);
});
filterSelect.addEventListener('change', () => void chooseFilter(filterSelect.value));
backendSelect.addEventListener('change', () => void startBackend(backendSelect.value as BackendName | 'auto'));
split.addEventListener('input', () => { live.compositor.split = Number(split.value) / 100; });
strength.addEventListener('input', () => { live.compositor.strength = Number(strength.value) / 100; });
live.compositor.split = Number(split.value) / 100;
live.compositor.strength = Number(strength.value) / 100;

/** A downloaded file: a link clicked, then the object URL released. */
function download(blob: Blob, name: string): void {
  const a = Object.assign(document.createElement('a'), { href: URL.createObjectURL(blob), download: name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
}

const seconds = (s: number) => (s >= 60 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${Math.round(s)} s`);

function showExport(p: ExportProgress): void {
  $<HTMLProgressElement>('export-progress').value = p.fraction;
  $('export-status').textContent = t('pwaExportStatus', [String(Math.round(100 * p.fraction)), p.etaSeconds === null ? '…' : seconds(p.etaSeconds), p.fps.toFixed(1)]);
}

async function exportVideo(): Promise<void> {
  if (!currentFile || exporting || !live.session.filterId) return;
  const file = currentFile;
  const filter = live.filters.find((f) => f.id === live.session.filterId?.split('+').at(-1));
  exporting = new AbortController();
  exportPanel.hidden = false;
  exportPanel.scrollIntoView({ block: 'nearest' });
  exportButton.disabled = true;
  showExport({ fraction: 0, frames: 0, fps: 0, etaSeconds: null });
  live.pause(true);
  try {
    const { exportFiltered } = await import('./export.js');
    const blob = await exportFiltered(file.blob, live.session, filter?.scale ?? 1, showExport, exporting.signal, t('pwaNoVideo', file.name));
    download(blob, `${file.name.replace(/\.[^.]+$/, '')}-${live.session.filterId}.webm`);
    $('export-status').textContent = t('pwaExportDone');
  } catch (e) {
    if ((e as Error).name === 'ExportCanceled') $('export-status').textContent = t('pwaExportCanceled');
    else showError(e);
  } finally {
    exporting = null;
    exportButton.disabled = !currentFile;
    live.pause(false);
  }
}

exportButton.addEventListener('click', () => void exportVideo());
$('export-cancel').addEventListener('click', () => exporting?.abort());

recordButton.addEventListener('click', async () => {
  recorder ??= new (await import('./recorder.js')).Recorder();
  try {
    if (!recorder.recording) {
      await recorder.start($<HTMLCanvasElement>('view'), $<HTMLInputElement>('mic').checked);
      recordButton.textContent = t('pwaStopRecording');
      recordButton.setAttribute('aria-pressed', 'true');
      return;
    }
    recordButton.disabled = true;
    const blob = await recorder.stop();
    download(blob, `recording-${new Date().toISOString().replace(/[:.]/g, '-')}.webm`);
  } catch (e) {
    showError(e);
  } finally {
    if (!recorder.recording) {
      recordButton.textContent = t('pwaRecord');
      recordButton.setAttribute('aria-pressed', 'false');
      recordButton.disabled = false;
    }
  }
});

async function main(): Promise<void> {
  await startBackend('auto');
  let filters: FilterEntry[];
  try {
    filters = await live.listFilters();
  } catch (e) {
    showError(e);
    return;
  }
  filterSelect.replaceChildren(new Option(t('filterAuto'), AUTO), ...filterChoices(filters, filterName).map(([id, label]) => new Option(label, id)));
  filterSelect.disabled = filters.length === 0;
  if (!filters.length) showError('models/registry.json lists no filters');
  // ?filter=ID opens with that filter (or chain); otherwise Auto.
  const wanted = new URLSearchParams(location.search).get('filter') ?? AUTO;
  filterSelect.value = wanted;
  // The first picture comes sooner when the clip loads while the filter does.
  const shared = takeSharedFile();
  await Promise.all([chooseFilter(wanted), shared.then((file) => {
    if (file) openFile(file);
    else if (latestSource === 0) return setSource('demo'); // unless a file was opened while the app started
  })]);
}

installTestHook({
  stats: () => ({
    ...live.stats.snapshot(), errors: [...errors], dropped: live.loop.dropped, backend: live.session.choice, filterId: live.session.filterId,
    filters: live.filters, switching: live.switching, tier: live.tier, trackProcessor: live.loop.usesTrackProcessor,
    errorShown: errorBox.hidden ? null : errorBox.textContent, source: currentFile?.name ?? null, notice: $('notice').hidden ? null : $('notice').textContent,
  }),
  capture: () => live.captureNext(),
  memory: () => live.session.memory(),
  simulateCrash: () => { live.session.worker?.dispatchEvent(new ErrorEvent('error', { message: 'simulated crash' })); },
  dieMidFrame: (how, watchdogMs) => live.session.dieMidFrame(how, watchdogMs),
  assetBase,
});

if ('serviceWorker' in navigator && import.meta.env.PROD) {
  new Workbox('./sw.js').register().catch((e) => console.warn('service worker registration failed', e));
}

main().catch(showError);
