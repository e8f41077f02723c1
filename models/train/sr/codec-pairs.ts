// Training pairs whose low-resolution side went through a real video codec: each training
// photo's bicubic downscale, panned by one pixel per frame into a 4-frame clip, encoded with
// H.264 or VP9 at a web bitrate (0.04-0.2 bits per pixel) and decoded; the last frame (a
// predicted frame, as most of a stream is) pairs with the same window of the photo. The JPEG
// of the web degradation (imaging/degrade.ts) only approximates these blocks, deblocking blur
// and mosquito noise.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crop, type Image } from '../imaging/image.js';
import { Rng, type Pair } from '../core/data.js';

const FRAMES = 4;

function codecArgs(codec: 'h264' | 'vp9', kbps: number): string[] {
  return codec === 'h264'
    ? ['-c:v', 'libx264', '-preset', 'medium', '-b:v', `${kbps}k`, '-maxrate', `${kbps}k`, '-bufsize', `${2 * kbps}k`, '-pix_fmt', 'yuv420p']
    : ['-c:v', 'libvpx-vp9', '-b:v', `${kbps}k`, '-deadline', 'good', '-cpu-used', '4', '-pix_fmt', 'yuv420p'];
}

/** The last frame of `frames` after encoding and decoding. */
function throughCodec(frames: Image[], codec: 'h264' | 'vp9', bitsPerPixel: number, dir: string): Image {
  const { width: w, height: h } = frames[0];
  const raw = Buffer.alloc(frames.length * w * h * 3);
  frames.forEach((f, i) => f.data.forEach((v, k) => { raw[i * w * h * 3 + k] = Math.round(Math.min(1, Math.max(0, v)) * 255); }));
  const input = join(dir, 'in.rgb'), video = join(dir, codec === 'h264' ? 'clip.mp4' : 'clip.webm');
  writeFileSync(input, raw);
  const kbps = Math.max(10, Math.round((bitsPerPixel * w * h * 24) / 1000));
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${w}x${h}`, '-r', '24', '-i', input, ...codecArgs(codec, kbps), video]);
  const out = execFileSync('ffmpeg', ['-v', 'error', '-i', video, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 1 << 30 });
  const last = out.subarray((frames.length - 1) * w * h * 3, frames.length * w * h * 3);
  return { width: w, height: h, data: Float32Array.from(last, (v) => v / 255) };
}

/** One codec pair per bicubic pair (codec and bitrate drawn from `seed`); sides trimmed to multiples of 16 for the codecs. */
export function codecPairs(pairs: Pair[], scale: number, seed: number): Pair[] {
  const rng = new Rng(seed);
  const dir = mkdtempSync(join(tmpdir(), 'codec-pairs-'));
  try {
    return pairs.map(({ hr, lr }) => {
      const w = (lr.width - FRAMES) & ~15, h = lr.height & ~15;
      const frames = Array.from({ length: FRAMES }, (_, f) => crop(lr, f, 0, w, h));
      const codec = rng.next() < 0.5 ? 'h264' : 'vp9';
      const decoded = throughCodec(frames, codec, 0.04 + 0.16 * rng.next(), dir);
      return { lr: decoded, hr: crop(hr, (FRAMES - 1) * scale, 0, w * scale, h * scale) };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
