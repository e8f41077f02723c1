// The trainers' default options: what `npm run train` uses for any option a command line or a
// recipe (models/recipes/<id>.json) does not set.
import { resolve } from 'node:path';
import type { Quantization } from '../core/quantize.js';
import type { TrainConfig } from '../sr/train.js';
import type { StyleTrainConfig } from '../style/train.js';

/** Options every filter's training takes besides its trainer's: the registry id and title, and how weights are stored. */
export type Common = { id: string; title: string; quantization: Quantization };

export function trainDefaults(repoRoot: string) {
  const shared = (p: string) => resolve(repoRoot, '../shared/data', p);
  return {
    sr: {
      id: 'sr-x2-quality', title: 'Super-resolution x2 (quality)', quantization: 'float16',
      data: shared('photos'), run: resolve(repoRoot, 'models/runs/sr-x2-quality'),
      scale: 2, channels: 32, blocks: 3, skip: 'bicubic', l1Steps: 3000, ganSteps: 500, batch: 16, lrCrop: 48,
      lrG: 1e-3, lrGanG: 1e-4, lrD: 2e-4, advWeight: 2e-3, ganLoss: 'ns', gradWeight: 0, pixelLoss: 'l1', dView: 'image', emaDecay: 0, spectralNorm: false, r1Weight: 0, gpWeight: 10, seed: 1, holdOutEvery: 12, webMix: 0, codecMix: 0, codecVariants: 1, source: '', blockWeight: 0, init: '', threads: 1, checkpointEvery: 100, sampleEvery: 500, evalSize: 256,
    } as TrainConfig & Common,
    style: {
      id: 'style-anime', title: 'Anime', quantization: 'float16',
      data: shared('photos'), style: shared('style/anime'), run: resolve(repoRoot, 'models/runs/style-anime'),
      clip: shared('videos/panzoom_valendas_720p.mp4'),
      channels: 48, blocks: 4, fine: 0, head: 0, smoothSkip: false, guided: 0, look: '', dScales: 1, steps: 2500, batch: 4, crop: 96, lrG: 1e-3, lrD: 2e-4, ganLoss: 'lsgan',
      advWeight: 10, structureWeight: 10, structureScale: 2, colorWeight: 2, shiftWeight: 100, shiftSubpixel: false, softFakesWeight: 0, flatWeight: 0, webMix: 0, emaDecay: 0.995, spectralNorm: true, r1Weight: 0, gpWeight: 10,
      greyFakesWeight: 0, textureWeight: 0, chromaWeight: 0, neutralWeight: 0, teacher: '', teacherWeight: 0, teacherScales: 1, pairs: '', lookScale: 1, liveWork: 0, liveWeight: 0,
      seed: 1, holdOutEvery: 12, checkpointEvery: 100, sampleEvery: 100,
    } as StyleTrainConfig & Common & { clip: string },
  };
}
