// Filters chained in one pass, e.g. a style then super-resolution ("style-anime+sr-x2-fast"):
// each stage's output tensor feeds the next on the backend, with one readback at the end.
import type { FrameModel } from './execute.js';
import { executeFilter } from './execute.js';
import { CHAIN_SEPARATOR, type FilterEntry } from './types.js';
import { lcm } from './tile-plan.js';
/**
 * How the frame pipeline runs a model: its scale, padding need (executeFilter pads to
 * inputMultiple), and tile alignment (tileAlign, defaults to inputMultiple). A single stage's spec
 * is its entry, with the stages its worker draws (outlines, bands, brushwork, cel palette); a
 * chain's stages each draw their own in executeFilter.
 */
export type RunSpec = Pick<FilterEntry, 'scale' | 'inputMultiple' | 'lines' | 'bands' | 'paint' | 'tone'> & { tileAlign?: number };

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
