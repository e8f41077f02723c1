// Real video codecs through ffmpeg, for training pairs (codec-pairs.ts) and the compressed-video
// evaluation (compressed.ts): frames in, the decoded frames and the stream's bits per pixel out.
// An encoding is a codec at a constant-quality level (CRF); `encodeAtRate` finds the level that
// gives a bitrate (rate control misses by 2-3x on clips this short: VP9 asked for 0.10 bits per
// pixel took 0.27 on 8-frame pans).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Image } from '../imaging/image.js';

export type Codec = 'h264' | 'vp9' | 'av1';

export interface Encoding { codec: Codec; crf: number }

/** Each codec's CRF scale (x264 and libvpx 0-63 where x264 stops at 51, SVT-AV1 1-63). */
const CRF_RANGE: Record<Codec, [number, number]> = { h264: [0, 51], vp9: [0, 63], av1: [1, 63] };

/** ffmpeg's arguments: x264 medium (sites' usual), libvpx-vp9 "good" at speed 4, SVT-AV1 preset 10 (libaom takes minutes a clip here). */
function codecArgs({ codec, crf }: Encoding): string[] {
  switch (codec) {
    case 'h264':
      return ['-c:v', 'libx264', '-preset', 'medium', '-crf', String(crf)];
    case 'vp9':
      return ['-c:v', 'libvpx-vp9', '-deadline', 'good', '-cpu-used', '4', '-crf', String(crf), '-b:v', '0'];
    case 'av1':
      return ['-c:v', 'libsvtav1', '-preset', '10', '-crf', String(crf)];
  }
}

export const CODEC_LABELS: Record<Codec, string> = { h264: 'H.264', vp9: 'VP9', av1: 'AV1' };

/** Encodes `frames` (even sides) at `fps` and decodes them again, 4:2:0 as the web streams it, in a scratch folder of its own. */
export function encodeDecode(frames: Image[], e: Encoding, fps: number): { decoded: Image[]; bitsPerPixel: number } {
  const dir = mkdtempSync(join(tmpdir(), 'codec-'));
  try {
    return roundTrip(frames, e, fps, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function roundTrip(frames: Image[], e: Encoding, fps: number, dir: string): { decoded: Image[]; bitsPerPixel: number } {
  const { width: w, height: h } = frames[0];
  const raw = Buffer.alloc(frames.length * w * h * 3);
  frames.forEach((f, i) => f.data.forEach((v, k) => { raw[i * w * h * 3 + k] = Math.round(Math.min(1, Math.max(0, v)) * 255); }));
  const input = join(dir, 'frames.rgb'), video = join(dir, e.codec === 'vp9' ? 'clip.webm' : 'clip.mp4');
  writeFileSync(input, raw);
  // SVT-AV1 takes no side under 64: a smaller frame is padded for it, and cropped back after.
  const pad = e.codec === 'av1' && (w < 64 || h < 64);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${w}x${h}`, '-r', String(fps), '-i', input, ...(pad ? ['-vf', `pad=${Math.max(w, 64)}:${Math.max(h, 64)}`] : []), ...codecArgs(e), '-pix_fmt', 'yuv420p', video], { stdio: ['ignore', 'ignore', 'pipe'] });
  const bitsPerPixel = (8 * statSync(video).size) / (w * h * frames.length);
  const out = execFileSync('ffmpeg', ['-v', 'error', '-i', video, ...(pad ? ['-vf', `crop=${w}:${h}:0:0`] : []), '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 1 << 30 });
  const decoded = frames.map((_, i) => ({ width: w, height: h, data: Float32Array.from(out.subarray(i * w * h * 3, (i + 1) * w * h * 3), (v) => v / 255) }));
  return { decoded, bitsPerPixel };
}

/** The encoding of `codec` whose bits per pixel come nearest `target` (bisection on its CRF; bits fall as the CRF rises). */
export function encodeAtRate(frames: Image[], codec: Codec, target: number, fps: number): { decoded: Image[]; bitsPerPixel: number; crf: number } {
  let [lo, hi] = CRF_RANGE[codec];
  let best: { decoded: Image[]; bitsPerPixel: number; crf: number } | null = null;
  while (lo <= hi) {
    const crf = (lo + hi) >> 1;
    const r = { ...encodeDecode(frames, { codec, crf }, fps), crf };
    if (!best || Math.abs(Math.log(r.bitsPerPixel / target)) < Math.abs(Math.log(best.bitsPerPixel / target))) best = r;
    if (r.bitsPerPixel > target) lo = crf + 1;
    else hi = crf - 1;
  }
  return best!;
}
