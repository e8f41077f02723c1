// Makes the fake camera's clip: a few small frames of the demo clip as y4m, which Chromium
// plays (looped) as the webcam when started with --use-file-for-fake-video-capture.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FAKE_CAMERA_Y4M, REPO_ROOT } from './helpers';

export default function globalSetup(): void {
  mkdirSync(dirname(FAKE_CAMERA_Y4M), { recursive: true });
  execFileSync('ffmpeg', [
    '-v', 'error', '-y', '-i', join(REPO_ROOT, 'pwa/public/demo.webm'),
    '-vf', 'scale=160:120', '-frames:v', '20', '-pix_fmt', 'yuv420p', FAKE_CAMERA_Y4M,
  ]);
}
