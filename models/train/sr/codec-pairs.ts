// Training pairs whose low-resolution side went through a real video codec: each training
// photo's bicubic downscale, panned by one pixel per frame into a 4-frame clip, encoded and
// decoded (codecs.ts); the last frame (a predicted frame, as most of a stream is) pairs with the
// same window of the photo. Codec and quality are drawn per pair over the range of low-bitrate
// web video: H.264 (half the pairs: sites' most common codec, and the hardest to gain on) at CRF
// 30-44, and VP9 and AV1 at the CRFs that give the same bitrates (measured on a 384x288 clip: VP9
// CRF 56 and AV1 CRF 56 take about what H.264 CRF 36-40 does). The JPEG
// of the web degradation (imaging/degrade.ts) only approximates these blocks, deblocking blur
// and mosquito noise.
import { crop } from '../imaging/image.js';
import { Rng, type Pair } from '../core/data.js';
import { encodeDecode, type Codec } from './codecs.js';

const FRAMES = 4;
const CRF_RANGES = { h264: [30, 44], vp9: [48, 63], av1: [46, 63] } as const;


/** `variants` codec pairs per bicubic pair (codec and CRF drawn from `seed`); sides trimmed to multiples of 16 for the codecs. */
export function codecPairs(pairs: Pair[], scale: number, seed: number, variants = 1): Pair[] {
  const rng = new Rng(seed);
  return pairs.flatMap(({ hr, lr }) => {
    const w = (lr.width - FRAMES) & ~15, h = lr.height & ~15;
    const frames = Array.from({ length: FRAMES }, (_, f) => crop(lr, f, 0, w, h));
    // The last frame's window of the photo, shared by every encoding of it.
    const truth = crop(hr, (FRAMES - 1) * scale, 0, w * scale, h * scale);
    return Array.from({ length: variants }, () => {
      const u = rng.next();
      const codec: Codec = u < 0.5 ? 'h264' : u < 0.75 ? 'vp9' : 'av1';
      const [lo, hi] = CRF_RANGES[codec];
      const { decoded } = encodeDecode(frames, { codec, crf: lo + rng.int(hi - lo + 1) }, 24);
      return { lr: decoded[FRAMES - 1], hr: truth };
    });
  });
}
