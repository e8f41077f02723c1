// Video files read through ffmpeg for training and evaluation: their size and length, and frames.
import { execFileSync } from 'node:child_process';
import type { Image } from './image.js';

/** A video's size (trimmed to multiples of `multiple`), frame rate and duration in seconds. */
export function probeVideo(path: string, multiple = 1): { width: number; height: number; fps: number; duration: number } {
  const out = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height,r_frame_rate:format=duration', '-of', 'json', path], { encoding: 'utf8' });
  const { streams: [s], format } = JSON.parse(out) as { streams: { width: number; height: number; r_frame_rate: string }[]; format: { duration: string } };
  const [num, den] = s.r_frame_rate.split('/').map(Number);
  return { width: s.width - (s.width % multiple), height: s.height - (s.height % multiple), fps: num / (den || 1), duration: Number(format.duration) };
}

/** Decodes `count` frames of a clip at width x height with ffmpeg, from `start` seconds in. */
export function readClip(path: string, width: number, height: number, count: number, start = 0): Image[] {
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-ss', String(start), '-i', path, '-frames:v', String(count), '-vf', `scale=${width}:${height}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 1 << 30 });
  const size = width * height * 3;
  return Array.from({ length: Math.floor(raw.length / size) }, (_, f) => ({
    width, height, data: Float32Array.from(raw.subarray(f * size, (f + 1) * size), (v) => v / 255),
  }));
}
