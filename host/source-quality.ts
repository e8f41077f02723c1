// Whether a video source is low-bitrate web video (full of the codec's blocks), in both apps:
// its bits per pixel per frame, from what the browser decoded (a page's video) or from the file
// (the PWA). Auto then runs the super-resolution filters trained for compressed video
// (registry `source: "compressed"`, host/adaptive.ts tierLadder), and the badge says why.

/**
 * Below this many bits per pixel per frame a source counts as compressed. H.264 at CRF 32 / 36 /
 * 40 took 0.068 / 0.046 / 0.032 on two real clips (models/README.md), a 640x360 VP9 clip at
 * 150 kbps 0.05-0.09 and at 800 kbps 0.22; sites send 360p and 480p at about 0.05-0.1. Below it
 * the filters for compressed video gain more than the clean ones on every codec measured.
 */
export const COMPRESSED_BELOW = 0.1;
/** Decoded frames needed before a page video's rate is judged (a key frame alone is many times the average). */
const MIN_FRAMES = 48;

export type SourceQuality =
  | { kind: 'compressed' | 'clean'; bitsPerPixel: number }
  /** Not known (yet): no byte count in this browser, too few frames, a camera. */
  | { kind: 'unknown' };

export const UNKNOWN: SourceQuality = { kind: 'unknown' };

export function judgeSource(bitsPerPixel: number): SourceQuality {
  if (!(bitsPerPixel > 0) || !Number.isFinite(bitsPerPixel)) return UNKNOWN;
  return { kind: bitsPerPixel < COMPRESSED_BELOW ? 'compressed' : 'clean', bitsPerPixel };
}

/**
 * A page video's rate from Chromium's count of bytes handed to the decoder over the frames it
 * decoded (both since the source loaded); unknown in other browsers or before MIN_FRAMES frames.
 */
export function decodedQuality(v: HTMLVideoElement): SourceQuality {
  const bytes = (v as HTMLVideoElement & { webkitVideoDecodedByteCount?: number }).webkitVideoDecodedByteCount;
  const frames = v.getVideoPlaybackQuality?.().totalVideoFrames ?? 0;
  if (typeof bytes !== 'number' || frames < MIN_FRAMES || !v.videoWidth) return UNKNOWN;
  return judgeSource((8 * bytes) / (frames * v.videoWidth * v.videoHeight));
}

/** A file's video track: its average bitrate over its frame rate and size. */
export function fileQuality(bitsPerSecond: number, framesPerSecond: number, width: number, height: number): SourceQuality {
  return judgeSource(bitsPerSecond / (framesPerSecond * width * height));
}
