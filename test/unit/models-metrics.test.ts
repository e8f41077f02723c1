import { describe, expect, it } from 'vitest';
import type { Image } from '../../models/train/imaging/image';
import { detail, psnrY, ssimY } from '../../models/train/imaging/metrics';
import { blockiness, ringing, speckles } from '../../models/train/sr/compressed';
import { resizeBicubic } from '../../models/train/imaging/resample';

function card(w: number, h: number): Image {
  const data = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) {
    data[(y * w + x) * 3 + c] = 0.5 + 0.35 * Math.sin(x * 0.9 + c) * Math.cos(y * 0.7);
  }
  return { width: w, height: h, data };
}

describe('metrics', () => {
  const hr = card(48, 40);
  const blurred = resizeBicubic(resizeBicubic(hr, 24, 20), 48, 40);

  it('SSIM is 1 for identical images and lower for a blurred copy', () => {
    expect(ssimY(hr, hr, 2)).toBeCloseTo(1, 10);
    const s = ssimY(hr, blurred, 2);
    expect(s).toBeGreaterThan(0);
    expect(s).toBeLessThan(0.99);
  });

  it('PSNR is infinite only for identical images', () => {
    expect(psnrY(hr, hr, 2)).toBe(Infinity);
    expect(psnrY(hr, blurred, 2)).toBeLessThan(40);
  });

  it('detail drops when fine texture is lost', () => {
    expect(detail(blurred, 2) / detail(hr, 2)).toBeLessThan(0.8);
    expect(detail({ ...hr, data: new Float32Array(hr.data.length).fill(0.5) }, 2)).toBeCloseTo(0, 9);
  });
});

describe('compressed-video artefacts', () => {
  const flat = (w: number, h: number, f: (x: number, y: number) => number): Image => {
    const data = new Float32Array(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.fill(f(x, y), (y * w + x) * 3, (y * w + x) * 3 + 3);
    return { width: w, height: h, data };
  };

  it('blockiness rises when luma steps sit on the 16-pixel grid', () => {
    const smooth = flat(64, 64, (x, y) => 0.3 + 0.004 * (x + y));
    const blocky = flat(64, 64, (x, y) => 0.3 + 0.004 * (16 * Math.floor(x / 16) + 16 * Math.floor(y / 16)));
    expect(blockiness(smooth)).toBeLessThan(1.5);
    expect(blockiness(blocky)).toBeGreaterThan(5);
  });

  it('ringing is the error beside strong edges, not on them or far from them', () => {
    const truth = flat(40, 40, (x) => (x < 20 ? 0.2 : 0.8));
    expect(ringing(truth, truth)).toBe(0);
    // Overshoot on both sides of the edge, as sharpening and codecs do: 0.1 is about 22 levels of luma.
    const rung = flat(40, 40, (x) => (x < 20 ? 0.2 : 0.8) + (x === 18 ? -0.1 : x === 21 ? 0.1 : 0));
    expect(ringing(truth, rung)).toBeGreaterThan(5);
    // The same error far from any edge, or only on the edge's own pixels, is not ringing.
    expect(ringing(truth, flat(40, 40, (x) => (x < 20 ? 0.2 : 0.8) + (x === 5 ? 0.1 : 0)))).toBe(0);
    expect(ringing(truth, flat(40, 40, (x) => (x < 20 ? 0.2 : 0.8) + (x === 19 ? 0.1 : 0)))).toBe(0);
  });

  it('speckles counts lone bright pixels, not bright regions', () => {
    const base = flat(50, 50, () => 0.4);
    expect(speckles(base)).toBe(0);
    base.data.fill(0.9, (25 * 50 + 25) * 3, (25 * 50 + 25) * 3 + 3);
    expect(speckles(base)).toBeCloseTo(1e6 / 2500, 5);
    const region = flat(50, 50, (x, y) => (x > 20 && y > 20 ? 0.9 : 0.4));
    expect(speckles(region)).toBe(0);
  });
});
