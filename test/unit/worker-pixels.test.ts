// RGBA <-> float RGB conversions of the frame pipeline, and the minimum frame size.
import { describe, expect, it } from 'vitest';
import { checkFrameSize, rgbFloatsToRgba, rgbaToRgbFloats } from '../../workers/pixels';
import { nv12ToRgba } from '../../workers/yuv';

describe('pixel conversions', () => {
  it('drops alpha and scales bytes to [0,1]', () => {
    const rgb = rgbaToRgbFloats(new Uint8ClampedArray([0, 51, 255, 7, 255, 0, 102, 255]));
    expect(Array.from(rgb)).toEqual([0, 0.2, 1, 1, 0, 0.4].map((v) => Math.fround(v)));
  });

  it('clamps model overshoot, rounds, and writes opaque alpha', () => {
    const rgba = rgbFloatsToRgba(new Float32Array([-0.5, 1.7, 0.5, 0.2, 0.999, 0.001]));
    expect(Array.from(rgba)).toEqual([0, 255, 128, 255, 51, 255, 0, 255]);
  });

  it('round-trips every byte value exactly', () => {
    const bytes = new Uint8ClampedArray(256 * 4).map((_, i) => (i % 4 === 3 ? 255 : i >> 2));
    expect(rgbFloatsToRgba(rgbaToRgbFloats(bytes))).toEqual(bytes);
  });

  it('rejects frames smaller than 16x16 with the size in the message', () => {
    expect(() => checkFrameSize(15, 100)).toThrow('Frame is 15x100; filters need at least 16x16 pixels');
    expect(() => checkFrameSize(16, 16)).not.toThrow();
  });
});

describe('decoded NV12 frames to RGBA (workers/yuv.ts)', () => {
  /** A 4x2 NV12 frame whose two 2x2 blocks are the given Y'CbCr, rows padded to a stride of 6. */
  const frame = (blocks: [number, number, number][]) => {
    const stride = 6, src = new Uint8Array(stride * 2 + stride);
    blocks.forEach(([y, u, v], b) => {
      for (let r = 0; r < 2; r++) src[r * stride + 2 * b] = src[r * stride + 2 * b + 1] = y;
      src[2 * stride + 2 * b] = u;
      src[2 * stride + 2 * b + 1] = v;
    });
    return { src, layout: [{ offset: 0, stride }, { offset: 2 * stride, stride }] };
  };
  const pixel = (dst: Uint8ClampedArray, i: number) => Array.from(dst.subarray(i * 4, i * 4 + 4));

  it('converts BT.709 limited range: white, black and the primaries, each 2x2 block from its own chroma', () => {
    // BT.709 limited-range codes of white, black, red and blue.
    for (const [yuv, rgb] of [[[235, 128, 128], [255, 255, 255]], [[16, 128, 128], [0, 0, 0]], [[63, 102, 240], [255, 0, 0]], [[32, 240, 118], [0, 0, 255]]] as [[number, number, number], number[]][]) {
      const { src, layout } = frame([yuv, [16, 128, 128]]);
      const dst = new Uint8ClampedArray(4 * 2 * 4);
      nv12ToRgba(src, layout, 4, 2, { matrix: 'bt709', fullRange: false }, dst);
      for (const i of [0, 1, 4, 5]) pixel(dst, i).slice(0, 3).forEach((v, c) => expect(Math.abs(v - rgb[c]), `${yuv} -> ${rgb}`).toBeLessThanOrEqual(2));
      for (const i of [2, 3, 6, 7]) expect(pixel(dst, i)).toEqual([0, 0, 0, 255]);
      expect(pixel(dst, 0)[3]).toBe(255);
    }
  });

  it('takes a full range and BT.601 when the frame says so, and clamps what falls outside', () => {
    const { src, layout } = frame([[255, 128, 128], [128, 128, 255]]);
    const dst = new Uint8Array(4 * 2 * 4);
    nv12ToRgba(src, layout, 4, 2, { matrix: 'smpte170m', fullRange: true }, dst);
    expect(pixel(new Uint8ClampedArray(dst.buffer), 0)).toEqual([255, 255, 255, 255]);
    // Full-range BT.601 Cr 127: R = 128 + 1.402 x 127 (clamped), G = 128 - 0.714 x 127.
    expect(pixel(new Uint8ClampedArray(dst.buffer), 2)).toEqual([255, 37, 128, 255]);
  });
});
