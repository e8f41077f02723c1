import { describe, expect, it } from 'vitest';
import { Rng } from '../../models/train/core/data';
import { degradeWeb } from '../../models/train/imaging/degrade';
import type { Image } from '../../models/train/imaging/image';
import { psnrY } from '../../models/train/imaging/metrics';
import { resizeBicubic } from '../../models/train/imaging/resample';

function card(w: number, h: number): Image {
  const data = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) {
    data[(y * w + x) * 3 + c] = 0.5 + 0.4 * Math.sin(x * 0.4 + c) * Math.cos(y * 0.3) * (x > w / 2 ? 1 : 0.3);
  }
  return { width: w, height: h, data };
}

describe('web-video degradation', () => {
  it('gives a low-res crop that is the same picture, not the bicubic one, repeatably per seed', () => {
    const hr = card(64, 48);
    const bic = resizeBicubic(hr, 32, 24);
    const outs = Array.from({ length: 12 }, (_, i) => degradeWeb(hr, 2, new Rng(i)));
    for (const lr of outs) {
      expect([lr.width, lr.height]).toEqual([32, 24]);
      const p = psnrY(lr, bic, 0);
      expect(p).toBeGreaterThan(18); // still the same picture
    }
    expect(outs.some((lr) => psnrY(lr, bic, 0) < 40)).toBe(true); // and really degraded
    const again = degradeWeb(hr, 2, new Rng(3));
    expect(Array.from(again.data)).toEqual(Array.from(outs[3].data));
  });
});
