// Decoded video's own NV12 planes to RGBA bytes. Chromium hands out a video's frames as NV12,
// whose copyTo({ format: 'RGBA' }) is slow here (no GPU): in a worker, 53-72 ms for a 1280x720
// VP9 frame, against 7-17 ms to copy its planes as they are and 7-15 for this loop (a camera's
// I420 frames convert in about 2 ms for 640x480, so they keep copyTo). In the PWA's live path the
// frame's read went from about 107 ms to 84. Chroma is taken at its own sample, as libyuv's
// default conversion does.

/** Luma weights of the colour matrices a decoder reports; anything else is taken as BT.601. */
const MATRICES: Record<string, { kr: number; kb: number }> = {
  bt709: { kr: 0.2126, kb: 0.0722 },
  bt470bg: { kr: 0.299, kb: 0.114 },
  smpte170m: { kr: 0.299, kb: 0.114 },
};

const byte = (v: number): number => (v <= 0 ? 0 : v >= 255 ? 255 : (v + 0.5) | 0);

/**
 * Writes an NV12 frame (one luma plane, then half-size chroma interleaved U, V), laid out in
 * `src` as VideoFrame.copyTo reports (`layout`), into `dst` as opaque RGBA, with the frame's
 * matrix and range (an unstated matrix: BT.709, an unstated range: limited).
 */
export function nv12ToRgba(
  src: Uint8Array | Uint8ClampedArray, layout: readonly PlaneLayout[], width: number, height: number,
  colorSpace: { matrix?: string | null; fullRange?: boolean | null }, dst: Uint8Array | Uint8ClampedArray,
): void {
  const { kr, kb } = MATRICES[colorSpace.matrix ?? 'bt709'] ?? MATRICES.bt470bg;
  const kg = 1 - kr - kb;
  // Limited range: Y' 16..235 and chroma 16..240, stretched to the full scale.
  const full = colorSpace.fullRange ?? false;
  const ys = full ? 1 : 255 / 219, cs = full ? 1 : 255 / 224, y0 = full ? 0 : 16;
  const rv = 2 * (1 - kr) * cs, bu = 2 * (1 - kb) * cs, gu = ((2 * kb * (1 - kb)) / kg) * cs, gv = ((2 * kr * (1 - kr)) / kg) * cs;
  const [yp, uvp] = layout;
  for (let y = 0; y < height; y++) {
    const yRow = yp.offset + y * yp.stride, uvRow = uvp.offset + (y >> 1) * uvp.stride;
    for (let x = 0, o = y * width * 4; x < width; x++, o += 4) {
      const l = (src[yRow + x] - y0) * ys, c = uvRow + (x & ~1);
      const u = src[c] - 128, v = src[c + 1] - 128;
      dst[o] = byte(l + rv * v);
      dst[o + 1] = byte(l - gu * u - gv * v);
      dst[o + 2] = byte(l + bu * u);
      dst[o + 3] = 255;
    }
  }
}
