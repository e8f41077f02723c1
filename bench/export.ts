// npm run bench:export [-- --filters sr-x2-fast,style-anime --seconds 4]: the PWA's Export
// (dist/pwa in Debian's Chromium, its own backend choice) on a 640x360 30 fps clip with sound:
// frames exported per second beside the clip's own frame rate (above 1: faster than real time),
// from the click to the downloaded file, whose frames ffprobe counts.
// Writes bench/results-export.json.
import { chromium } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { basename, join } from 'node:path';
import { preview } from 'vite';
import { chromiumLaunchOptions } from '../test/browser/chromium.js';
import { DEMO_CLIP, REPO_ROOT, ffprobe, made } from '../test/browser/helpers.js';

const argv = process.argv.slice(2);
const arg = (k: string, d: string) => { const i = argv.indexOf(`--${k}`); return i >= 0 ? argv[i + 1] : d; };
const FILTERS = arg('filters', 'sr-x2-fast,style-anime').split(',');
const SECONDS = Number(arg('seconds', '4'));
const FPS = 30;

async function main(): Promise<void> {
  const clip = made(`bench-640x360-${SECONDS}s.webm`, (out) => [
    '-stream_loop', '-1', '-i', DEMO_CLIP, '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', String(SECONDS),
    '-map', '0:v', '-map', '1:a', '-vf', `scale=640:360,setsar=1,fps=${FPS}`,
    '-c:v', 'libvpx-vp9', '-b:v', '1M', '-deadline', 'realtime', '-cpu-used', '8', '-c:a', 'libopus', out,
  ]);
  const frames = ffprobe(clip).streams.find((s) => s.type === 'video')!.frames!;
  const server = await preview({ configFile: `${REPO_ROOT}pwa/vite.config.ts`, preview: { port: 4191, strictPort: false } });
  const url = server.resolvedUrls!.local[0];
  const browser = await chromium.launch(await chromiumLaunchOptions());
  const results: Record<string, unknown>[] = [];
  try {
    for (const filter of FILTERS) {
      const page = await browser.newPage({ acceptDownloads: true });
      await page.goto(`${url}?filter=${filter}`);
      const chooser = page.waitForEvent('filechooser');
      await page.getByRole('button', { name: 'Open a video file…' }).click();
      await (await chooser).setFiles(clip);
      // Frames of this clip (not the demo clip the app opened with) through this filter.
      await page.waitForFunction(([id, name]) => {
        const s = (window as unknown as { __filterApp?: { stats(): { filterId: string | null; frames: number; source: string | null } } }).__filterApp?.stats();
        return s?.filterId === id && s.source === name && s.frames > 2;
      }, [filter, basename(clip)], { timeout: 180_000 });
      const backend = await page.locator('#backend').textContent();
      const download = page.waitForEvent('download', { timeout: 1_800_000 });
      const t0 = Date.now();
      await page.getByRole('button', { name: 'Export video' }).click();
      const file = join(tmpdir(), `bench-export-${filter}.webm`);
      await (await download).saveAs(file);
      const seconds = (Date.now() - t0) / 1000;
      const out = ffprobe(file).streams.find((s) => s.type === 'video')!;
      const fps = out.frames! / seconds;
      const row = {
        filter, backend, input: `640x360 ${FPS} fps, ${frames} frames, ${SECONDS} s`, output: `${out.width}x${out.height}, ${out.frames} frames`,
        seconds: Number(seconds.toFixed(1)), exportFps: Number(fps.toFixed(1)), vsRealTime: Number((fps / FPS).toFixed(2)),
      };
      console.log(JSON.stringify(row));
      results.push(row);
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const machine = { cpu: cpus()[0]?.model, cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), date: new Date().toISOString() };
  writeFileSync(`${REPO_ROOT}bench/results-export.json`, `${JSON.stringify({ machine, results }, null, 2)}\n`);
}

main().catch((e) => { console.error(e); process.exit(1); });
