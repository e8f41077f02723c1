import { describe, expect, it } from 'vitest';
import { encodeAtRate, encodeDecode } from '../../models/train/sr/codecs';
import type { Image } from '../../models/train/imaging/image';

/** A textured 96x64 picture (luma texture: 4:2:0 keeps it) panning a pixel per frame: something for a codec to spend bits on. */
const frames: Image[] = Array.from({ length: 4 }, (_, f) => {
  const w = 96, h = 64, data = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) {
    data[(y * w + x) * 3 + c] = 0.45 + 0.05 * c + 0.4 * Math.sin((x + f) * 0.3) * Math.cos(y * 0.45);
  }
  return { width: w, height: h, data };
});

const meanError = (a: Image, b: Image) => a.data.reduce((s, v, i) => s + Math.abs(v - b.data[i]), 0) / a.data.length;

describe('codecs for the compressed-video pairs and evaluation', () => {
  it('round-trips frames through H.264, VP9 and AV1: fewer bits and more error as the CRF rises', () => {
    for (const codec of ['h264', 'vp9', 'av1'] as const) {
      const [good, bad] = [20, 50].map((crf) => encodeDecode(frames, { codec, crf }, 24));
      expect(good.decoded).toHaveLength(4);
      expect(bad.bitsPerPixel, codec).toBeLessThan(good.bitsPerPixel);
      expect(meanError(bad.decoded[3], frames[3]), codec).toBeGreaterThan(meanError(good.decoded[3], frames[3]));
      expect(meanError(good.decoded[3], frames[3]), codec).toBeLessThan(0.05);
    }
  });

  it('pads frames under 64 pixels for SVT-AV1 and crops them back', () => {
    const small = frames.map((f) => ({ width: 32, height: 32, data: f.data.slice(0, 32 * 32 * 3) }));
    const { decoded } = encodeDecode(small, { codec: 'av1', crf: 30 }, 24);
    expect([decoded[0].width, decoded[0].height]).toEqual([32, 32]);
    expect(meanError(decoded[0], small[0])).toBeLessThan(0.1);
  });

  it("finds the CRF that takes another codec's bitrate", () => {
    const target = encodeDecode(frames, { codec: 'h264', crf: 36 }, 24).bitsPerPixel;
    for (const codec of ['vp9', 'av1'] as const) {
      const r = encodeAtRate(frames, codec, target, 24);
      expect(r.bitsPerPixel / target, `${codec} at CRF ${r.crf}`).toBeGreaterThan(0.6);
      expect(r.bitsPerPixel / target, `${codec} at CRF ${r.crf}`).toBeLessThan(1.6);
    }
  });
});
