// The size a frame is filtered at, in both apps: the tier's fraction of the source, never so
// small that the style filters stop drawing, never over the app's pixel budget.
import { scaledSize } from '../workers/pixels.js';

/**
 * The shortest side Auto may scale a source down to. The filters draw in pixels (1-2 px
 * outlines, 4-px paint patches, tuned on 256-px crops): the 320x240 demo clip at 50% (160x120),
 * enlarged, turned cartoon into soft blobs and painting into square patches; at 75% (240x180)
 * both kept their drawing.
 */
export const MIN_WORK_SIDE = 180;
/**
 * The same for a style guided back up to the frame's size (workers/guided-work.ts), which takes
 * its edges from the frame and draws its outlines at the frame's size: a 640x480 camera's
 * cartoon at 3/16 (120x90) kept its lines on brows, eyes and glasses; a 1280x720 one can go to 1/8.
 */
export const MIN_GUIDED_SIDE = 90;

/** The fraction of a w x h source filtered at a tier's `tierScale`, within `maxPixels`; `guided`: a style guided back up. */
export function workScale(w: number, h: number, tierScale: number, maxPixels: number, guided = false): number {
  const floor = (guided ? MIN_GUIDED_SIDE : MIN_WORK_SIDE) / Math.min(w, h);
  return Math.min(1, Math.max(tierScale, floor), Math.sqrt(maxPixels / (w * h)));
}

export { scaledSize };

/**
 * What a host sends for a w x h source at a tier: the working size, or for a filter that keeps
 * the frame's size (a style) the source itself (within `maxPixels`) and `guide`, the fraction of
 * it the worker runs at before guiding the look back up to it (workers/guided-work.ts).
 */
export function framePlan(w: number, h: number, tierScale: number, maxPixels: number, keepsSize: boolean): { size: { width: number; height: number }; guide?: number } {
  const work = scaledSize(w, h, workScale(w, h, tierScale, maxPixels, keepsSize));
  if (!keepsSize) return { size: work };
  const full = scaledSize(w, h, workScale(w, h, 1, maxPixels));
  return work.width < full.width ? { size: full, guide: work.width / full.width } : { size: work };
}
