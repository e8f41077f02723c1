// Opening files the ways apps do: dropped on the stage, picked, handed over by the system to the
// installed app (file_handlers, read from launchQueue), or shared to it (share_target: the
// service worker keeps the POSTed file, the page takes it once).
import { SHARE_CACHE, SHARE_KEY, SHARED_PARAM } from './share.js';

interface LaunchParams { files: FileSystemFileHandle[] }
interface LaunchQueue { setConsumer(consumer: (params: LaunchParams) => void): void }

const hasFiles = (e: DragEvent) => [...(e.dataTransfer?.types ?? [])].includes('Files');

/** Calls `open` with each file dropped on `stage` or launched with the installed app; `dragging` shows the drop target. */
export function acceptFiles(stage: HTMLElement, open: (file: File) => void, dragging: (on: boolean) => void): void {
  let depth = 0;
  stage.addEventListener('dragenter', (e) => { if (hasFiles(e)) { depth++; dragging(true); } });
  stage.addEventListener('dragleave', () => { if (--depth <= 0) { depth = 0; dragging(false); } });
  stage.addEventListener('dragover', (e) => { if (hasFiles(e)) e.preventDefault(); });
  stage.addEventListener('drop', (e) => {
    e.preventDefault();
    depth = 0;
    dragging(false);
    const file = e.dataTransfer?.files[0];
    if (file) open(file);
  });
  const queue = (window as Window & { launchQueue?: LaunchQueue }).launchQueue;
  queue?.setConsumer(async ({ files }) => {
    if (files[0]) open(await files[0].getFile());
  });
}

/** The file shared to the app, when the page was opened for it (?shared); null otherwise. */
export async function takeSharedFile(): Promise<File | null> {
  const url = new URL(location.href);
  if (!url.searchParams.has(SHARED_PARAM) || !('caches' in window)) return null;
  url.searchParams.delete(SHARED_PARAM);
  history.replaceState(null, '', url);
  const cache = await caches.open(SHARE_CACHE);
  const res = await cache.match(SHARE_KEY);
  if (!res) return null;
  await cache.delete(SHARE_KEY);
  const name = decodeURIComponent(res.headers.get('X-File-Name') ?? 'shared-video');
  return new File([await res.blob()], name, { type: res.headers.get('Content-Type') ?? '' });
}
