import { describe, expect, it } from 'vitest';
import type { Image } from '../../models/train/imaging/image';
import { detail, psnrY, ssimY } from '../../models/train/imaging/metrics';
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
