// RGBA <-> float RGB conversions of the frame pipeline, and the minimum frame size.
import { describe, expect, it } from 'vitest';
import { checkFrameSize, rgbFloatsToRgba, rgbaToRgbFloats } from '../../workers/pixels';

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
