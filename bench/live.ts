// npm run bench:live [-- --filters auto,style-anime --sources camera-640x480,file-1280x720,file-640x360-150k --seconds 10 --compositing software|gpu]:
// the PWA's live path as a user meets it (dist/pwa in Debian's Chromium, its own backend and Auto):
// a fake camera playing a clip at its size, or a file opened with the picker, through each
// filter; frames per second in and shown, latency, and the working size the app shows. The page
// is composited in software (default), as on a machine without a GPU, or by the probed GPU flags
// (test/browser/chromium.ts Compositing).
// Writes bench/results-live.json. Figures, not pass/fail: these machines are shared and noisy.
import { chromium, type Page } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { basename } from 'node:path';
import { preview } from 'vite';
import { launchOptionsFor, type Compositing } from '../test/browser/chromium.js';
import { DEMO_CLIP, REPO_ROOT, made } from '../test/browser/helpers.js';

const argv = process.argv.slice(2);
const arg = (k: string, d: string) => { const i = argv.indexOf(`--${k}`); return i >= 0 ? argv[i + 1] : d; };
const FILTERS = arg('filters', 'auto,style-anime,style-cartoon,style-painting,sr-x2-fast').split(',');
const SOURCES = arg('sources', 'camera-640x480,file-1280x720,file-3840x2160').split(',');
const SECONDS = Number(arg('seconds', '10'));
const COMPOSITING = arg('compositing', 'software') as Compositing;
/** Auto measures and settles before the measured window. */
const SETTLE_MS = 6000;

interface Stats { frames: number; fps: number; fpsIn: number; latencyP50: number; latencyP95: number; workerP50: number; modelP50: number; errors: string[]; filterId: string | null; source: string | null; switching: boolean }
const stats = (page: Page) => page.evaluate(() => (window as unknown as { __filterApp: { stats(): Stats } }).__filterApp.stats());

/**
 * The demo clip at w x h and 30 fps (a camera's rate; the clip's own 15 could never show the 24
 * the live bar asks for): a y4m for the fake camera (it plays the file looped, scaled to what the
 * page asks for: the PWA asks 640x480), or a WebM to open (at 4 Mbps, or `kbps`: "file-640x360-150k"
 * is low-bitrate web video, which Auto gives its filters for compressed video).
 */
function clip(kind: 'camera' | 'file', w: number, h: number, kbps = 4000): string {
  const vf = `scale=${w}:${h},setsar=1,fps=30`;
  if (kind === 'camera') return made(`bench-camera-${w}x${h}-30.y4m`, (out) => ['-i', DEMO_CLIP, '-vf', vf, '-frames:v', '120', '-pix_fmt', 'yuv420p', out]);
  return made(`bench-${w}x${h}-30${kbps === 4000 ? '' : `-${kbps}k`}.webm`, (out) => ['-stream_loop', '-1', '-i', DEMO_CLIP, '-t', '4', '-vf', vf, '-c:v', 'libvpx-vp9', '-b:v', `${kbps}k`, '-deadline', 'realtime', '-cpu-used', '8', out]);
}

/** `source`: the file's name, null for the camera (what the test hook reports). */
async function measure(page: Page, filter: string, source: string | null): Promise<Record<string, unknown>> {
  const start = Date.now();
  // Frames of this source through this filter (Auto may switch filters: any filter counts then).
  await page.waitForFunction(([id, name]) => {
    const s = (window as unknown as { __filterApp?: { stats(): Stats } }).__filterApp?.stats();
    return !!s && (id === 'auto' || s.filterId === id) && s.source === name && !s.switching && s.frames > 2;
  }, [filter, source], { timeout: 300_000, polling: 250 });
  await page.waitForTimeout(SETTLE_MS);
  const a = await stats(page), t0 = Date.now();
  await page.waitForTimeout(SECONDS * 1000);
  const b = await stats(page), seconds = (Date.now() - t0) / 1000;
  const lines = await page.evaluate(() => ({ size: document.getElementById('size')!.textContent, tier: document.getElementById('tier')!.textContent, why: document.getElementById('why')!.textContent, backend: document.getElementById('backend')!.textContent }));
  return {
    filter, ...lines, fpsIn: Number(b.fpsIn.toFixed(1)),
    // Over the whole window, not the meter's last 2 s (a filter switch by Auto resets the count: then the meter).
    fpsShown: Number((b.frames >= a.frames ? (b.frames - a.frames) / seconds : b.fps).toFixed(1)),
    latencyP50: Math.round(b.latencyP50), latencyP95: Math.round(b.latencyP95),
    // The worker's median time per frame (frame read to RGBA out), and its part after the frame read.
    workerP50: Math.round(b.workerP50), modelP50: Math.round(b.modelP50), errors: b.errors, startSeconds: Math.round((t0 - start) / 1000),
  };
}

async function main(): Promise<void> {
  const server = await preview({ configFile: `${REPO_ROOT}pwa/vite.config.ts`, preview: { port: 4192, strictPort: false } });
  const url = server.resolvedUrls!.local[0];
  const results: Record<string, unknown>[] = [];
  try {
    for (const source of SOURCES) {
      const [kind, size, rate] = source.split('-') as ['camera' | 'file', string, string?];
      const [w, h] = size.split('x').map(Number);
      const file = clip(kind, w, h, rate ? parseInt(rate, 10) : undefined);
      const fake = kind === 'camera' ? ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${file}`] : [];
      const browser = await chromium.launch(await launchOptionsFor(COMPOSITING, fake));
      try {
        for (const filter of FILTERS) {
          const page = await browser.newPage();
          await page.goto(`${url}?filter=${filter}`);
          if (kind === 'camera') {
            await page.waitForFunction(() => (window as unknown as { __filterApp?: unknown }).__filterApp !== undefined);
            await page.selectOption('#source', 'webcam');
          } else {
            const chooser = page.waitForEvent('filechooser');
            await page.getByRole('button', { name: 'Open a video file…' }).click();
            await (await chooser).setFiles(file);
          }
          const row = { source, compositing: COMPOSITING, ...(await measure(page, filter, kind === 'camera' ? null : basename(file))) };
          console.log(JSON.stringify(row));
          results.push(row);
          await page.close();
        }
      } finally {
        await browser.close();
      }
    }
  } finally {
    await server.close();
  }
  const machine = { cpu: cpus()[0]?.model, cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), date: new Date().toISOString() };
  writeFileSync(`${REPO_ROOT}bench/results-live.json`, `${JSON.stringify({ machine, seconds: SECONDS, results }, null, 2)}\n`);
}

main().catch((e) => { console.error(e); process.exit(1); });
