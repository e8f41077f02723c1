// Probes how to launch Chromium once for the whole run (chromium.ts; the workers inherit the
// result), failing at once with one message if no known flag set presents WebGPU, and makes the
// fake camera's clip: a few small frames of the demo clip as y4m, which Chromium plays (looped)
// as the webcam when started with --use-file-for-fake-video-capture.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chromiumSetup, describeSetup } from './chromium';
import { FAKE_CAMERA_Y4M, REPO_ROOT } from './helpers';

export default async function globalSetup(): Promise<void> {
  const setup = await chromiumSetup();
  console.log(describeSetup(setup));
  // For the closing summary line of `npm test` (test/summary.mjs).
  mkdirSync(join(REPO_ROOT, 'test/reports'), { recursive: true });
  writeFileSync(join(REPO_ROOT, 'test/reports/chromium.json'), JSON.stringify(setup, null, 2));

  mkdirSync(dirname(FAKE_CAMERA_Y4M), { recursive: true });
  execFileSync('ffmpeg', [
    '-v', 'error', '-y', '-i', join(REPO_ROOT, 'pwa/public/demo.webm'),
    '-vf', 'scale=160:120', '-frames:v', '20', '-pix_fmt', 'yuv420p', FAKE_CAMERA_Y4M,
  ]);
}
