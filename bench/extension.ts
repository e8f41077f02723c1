// npm run bench:extension [-- --seconds 10 --camera-filters style-anime,style-cartoon --camera-sizes 640x480,1280x720 --compositing software|gpu]: frame rates of the real extension (dist/extension,
// loaded unpacked in Debian's Chromium, debug copies off) as a user sees them:
//  - Enhance with Auto on a 640x360 24 fps video, --enhance-runs times (4): frames the overlay
//    shows per second, beside the video's own frame rate in the same run; at 800 kbps (clean) and
//    at 150 kbps (compressed: Auto's filters for compressed video, host/source-quality.ts);
//  - the camera filter (each style filter) on a 30 fps camera of each size: frames per second of
//    the filtered track in the page's preview, alone, and at the first size the first filter during
//    a peer-connection call on the same machine, beside the same camera unfiltered in the same run.
// Pages are composited in software (default) as on a machine without a GPU, or by the probed GPU
// flags (test/browser/chromium.ts Compositing).
// Writes bench/results-extension.json. Shared, noisy machines: read the rates beside their references.
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import type { Page } from '@playwright/test';
import { clickOverlayButton, compositorFrames, debugState, launchExtensionForScript, overlayOver, setDefaults, stillCamera } from '../test/browser/extension-helpers.js';
import { DEMO_CLIP, REPO_ROOT, made } from '../test/browser/helpers.js';
import { readFlags } from '../models/train/cli/flags.js';
import type { Compositing } from '../test/browser/chromium.js';

const flags = readFlags(process.argv.slice(2));
const SECONDS = Number(flags.seconds ?? 10);
/** Enhance runs (a fresh browser each: Auto measures again), since one run's rate moves with the machine's load. */
const ENHANCE_RUNS = Number(flags['enhance-runs'] ?? 4);
const CAMERA_FILTERS = (flags['camera-filters'] ?? 'style-anime,style-cartoon,style-painting').split(',').filter(Boolean);
const COMPOSITING = (flags.compositing ?? 'software') as Compositing;
const CAMERA_SIZES = (flags['camera-sizes'] ?? '640x480,1280x720').split(',').map((s) => s.split('x').map(Number) as [number, number]);

/** Frames a video element presents in the measuring window (requestVideoFrameCallback). */
const presented = (page: Page, id: string, seconds: number) => page.evaluate(([vid, s]) => new Promise<number>((resolve) => {
  const v = document.getElementById(vid as string) as HTMLVideoElement;
  let n = 0;
  const tick = () => { n++; v.requestVideoFrameCallback(tick); };
  v.requestVideoFrameCallback(tick);
  setTimeout(() => resolve(n / (s as number)), (s as number) * 1000);
}), [id, seconds] as const);

/** The demo clip at 640x360 and 24 fps, as films and many web videos are, at a bitrate. */
const CLIPS = {
  clean: { kbps: 800, name: 'clip-640x360-24fps.webm' },
  compressed: { kbps: 150, name: 'clip-640x360-24fps-150k.webm' },
};
const clip24 = ({ kbps, name }: { kbps: number; name: string }) => made(name, (out) => ['-stream_loop', '-1', '-i', DEMO_CLIP, '-t', '10', '-vf', 'scale=640:360,setsar=1,fps=24', '-c:v', 'libvpx-vp9', '-b:v', `${kbps}k`, '-deadline', 'realtime', '-cpu-used', '8', out]);

async function enhanceAuto(run: number, clip: { kbps: number; name: string }): Promise<Record<string, unknown>> {
  clip24(clip);
  const env = await launchExtensionForScript({ compositing: COMPOSITING });
  try {
    await setDefaults(env, { videoFilter: 'auto' });
    const page = await env.context.newPage();
    await page.goto(env.url('video-page.html', { clip: clip.name }));
    await page.waitForFunction(() => (document.getElementById('main') as HTMLVideoElement).readyState >= 2);
    const videoFps = await presented(page, 'main', 3);
    await clickOverlayButton(page, '#main');
    await page.waitForTimeout(8000); // Auto measures, picks and settles
    const samples: number[] = [];
    let badge = '';
    for (let i = 0; i < SECONDS; i++) {
      await page.waitForTimeout(1000);
      badge = (await overlayOver(page, '#main'))?.badge.text ?? '';
      const fps = Number(badge.match(/([\d.]+) fps/)?.[1]);
      if (Number.isFinite(fps)) samples.push(fps);
    }
    samples.sort((a, b) => a - b);
    const shownFps = samples[samples.length >> 1];
    return { case: `enhance Auto, 640x360 24 fps video at ${clip.kbps} kbps, run ${run}`, videoFps, shownFps, ofVideo: Number((shownFps / videoFps).toFixed(2)), badge: badge.replace(/\n/g, ' | ') };
  } finally {
    await env.close();
  }
}

async function camera([width, height]: [number, number], withCall: boolean): Promise<Record<string, unknown>[]> {
  const env = await launchExtensionForScript({ camera: stillCamera(width, height), compositing: COMPOSITING });
  const rows: Record<string, unknown>[] = [];
  try {
    const open = async (filter: string, call: boolean) => {
      await setDefaults(env, { cameraFilter: filter, cameraDefault: true });
      const page = await env.context.newPage();
      await page.goto(env.url('call-page.html'));
      await page.evaluate(async ([inCall, w, h]) => {
        const win = window as unknown as { call: { stream: MediaStream }; startCall(id?: string): Promise<void> };
        if (inCall) return win.startCall();
        const s = await navigator.mediaDevices.getUserMedia({ video: { width: w, height: h, frameRate: 30 } });
        win.call.stream = s;
        (document.getElementById('local') as HTMLVideoElement).srcObject = s;
      }, [call, width, height] as const);
      await page.waitForTimeout(filter === 'off' ? 2000 : 10_000); // model load, Auto's measuring frames
      const fps = await presented(page, 'local', SECONDS);
      const shown = await page.evaluate(() => { const v = document.getElementById('local') as HTMLVideoElement; return `${v.videoWidth}x${v.videoHeight}`; });
      const label = await page.evaluate(() => (window as unknown as { call: { stream: MediaStream } }).call.stream.getVideoTracks()[0].label);
      const remoteFps = call ? await presented(page, 'remote', 3) : undefined;
      const compositor = compositorFrames(page)[0];
      const state = compositor ? await debugState(compositor) : null;
      rows.push({
        case: `camera ${width}x${height} 30 fps, filter ${filter}${call ? ', during a peer-connection call on this machine (the page asks 15 fps)' : ''}`,
        fps, remoteFps, shown, track: label, tier: state?.tier ?? null, workerMs: state?.timing?.totalMs ?? null,
      });
      await page.evaluate(() => (window as unknown as { hangUp(): void }).hangUp());
      await page.close();
    };
    await open('off', false);
    for (const filter of CAMERA_FILTERS) await open(filter, false);
    if (withCall) await open(CAMERA_FILTERS[0], true);
  } finally {
    await env.close();
  }
  return rows;
}

async function main(): Promise<void> {
  const results: Record<string, unknown>[] = [];
  for (let run = 1; run <= ENHANCE_RUNS; run++) for (const clip of Object.values(CLIPS)) results.push(await enhanceAuto(run, clip));
  if (CAMERA_FILTERS.length) for (const [i, size] of CAMERA_SIZES.entries()) results.push(...(await camera(size, i === 0)));
  const machine = { cpu: cpus()[0]?.model, cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), date: new Date().toISOString() };
  writeFileSync(`${REPO_ROOT}bench/results-extension.json`, `${JSON.stringify({ machine, seconds: SECONDS, compositing: COMPOSITING, results }, null, 2)}\n`);
  for (const r of results) console.log(JSON.stringify(r));
}

main().catch((e) => { console.error(e); process.exit(1); });
