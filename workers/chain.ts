// Filters chained in one pass, e.g. a style then super-resolution ("style-anime+sr-x2-fast"):
// each stage's output tensor feeds the next on the backend, with one readback at the end.
import type { FrameModel } from './execute.js';
import { executeFilter } from './execute.js';
import { CHAIN_SEPARATOR, type FilterEntry } from './types.js';
import { lcm } from './tile-plan.js';
import type { BandParams, LineParams, PaintParams } from './outlines.js';
import type { ToneParams } from './cel-tone.js';

/** How the frame pipeline runs a model: its scale, padding need, and tile alignment. */
export interface RunSpec {
  scale: number;
  /** Frame sides must be a multiple of this (executeFilter pads). */
  inputMultiple?: number;
  /** Tile origins must be a multiple of this (defaults to inputMultiple). */
  tileAlign?: number;
  /** A style's outlines, drawn again at the frame's size when it runs at a working size (a single stage's; FilterEntry.lines). */
  lines?: LineParams;
  /** A style's flat bands of luma (a single stage's; FilterEntry.bands). */
  bands?: BandParams;
  /** A painting's brushwork (a single stage's; FilterEntry.paint). */
  paint?: PaintParams;
  /** The anime's cel palette (a single stage's, FilterEntry.tone; a chain's stages each draw their own in executeFilter). */
  tone?: ToneParams;
}

/** One model and spec for the stages in order; each stage pads for itself. */
export function chainStages(stages: { entry: FilterEntry; model: FrameModel }[]): { entry: FilterEntry; spec: RunSpec; model: FrameModel } {
  if (stages.length === 1) return { entry: stages[0].entry, spec: stages[0].entry, model: stages[0].model };
  let scale = 1, align = 1, macs = 0;
  for (const { entry } of stages) {
    // A stage after upscaling by `scale` needs input tiles aligned to its multiple / scale.
    const need = Math.max(1, Math.ceil((entry.inputMultiple ?? 1) / scale));
    align = lcm(align, need);
    macs += entry.macsPerInputPixel * scale * scale;
    scale *= entry.scale;
  }
  const last = stages[stages.length - 1].entry;
  const entry: FilterEntry = {
    id: stages.map((s) => s.entry.id).join(CHAIN_SEPARATOR), kind: last.kind, scale,
    title: stages.map((s) => s.entry.title).join(' → '), modelUrl: stages.map((s) => s.entry.modelUrl).join(' '),
    macsPerInputPixel: macs, macsPerOutputPixel: Math.round(macs / (scale * scale)), quantization: stages[0].entry.quantization,
  };
  const model: FrameModel = { execute: (x) => stages.reduce((t, s) => executeFilter(s.model, s.entry, t), x) };
  return { entry, spec: { scale, tileAlign: align }, model };
}
