// Main-thread compositing (the PWA's stage and the extension's overlay): shows each filtered frame on a canvas, blended with
// the unfiltered frame (browser-scaled to the same size, high quality: the bicubic-like upscale
// users compare with) by the strength slider, and that frame alone left of a before/after split.
import { putImage } from './bridge.js';
import type { FrameImage } from '../workers/types.js';

export class Compositor {
  private ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;
  /** Holds RGBA output that must be blended (putImageData cannot be). */
  private scratch = new OffscreenCanvas(1, 1);
  /** Fraction of the width, from the left, that shows the unfiltered frame (0 = all filtered). */
  split = 0.5;
  /** How much of the filter's output shows over the scaled source (1 = the filter's output only). */
  strength = 1;

  /** Whether draw() needs the source frame as well as the filter's output. */
  get needsBefore(): boolean {
    return this.split > 0 || this.strength < 1;
  }

  constructor(readonly canvas: HTMLCanvasElement | OffscreenCanvas) {
    this.ctx = canvas.getContext('2d', { alpha: false })!;
  }

  /**
   * Draws one result (the caller releases it); `before` is the matching source frame (closed
   * here), if kept. The canvas takes the larger of the two: a style filter run at a working size
   * below the camera's is compared with the camera's own picture, and drawn up to its size.
   */
  draw(after: FrameImage, before?: ImageBitmap): void {
    const { canvas, ctx } = this;
    const larger = before && before.width > after.width && before.height > after.height;
    const [width, height] = larger ? [before.width, before.height] : [after.width, after.height];
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    ctx.imageSmoothingQuality = 'high';
    if (before && this.strength < 1) {
      ctx.drawImage(before, 0, 0, width, height);
      ctx.globalAlpha = this.strength;
      ctx.drawImage(this.drawable(after), 0, 0, width, height);
      ctx.globalAlpha = 1;
    } else if (larger) {
      ctx.drawImage(this.drawable(after), 0, 0, width, height);
    } else {
      putImage(ctx, after);
    }
    if (!before) return;
    const x = Math.round(this.split * canvas.width);
    if (x > 0) {
      ctx.save();
      ctx.beginPath();
      ctx.rect(0, 0, x, canvas.height);
      ctx.clip();
      ctx.drawImage(before, 0, 0, canvas.width, canvas.height);
      ctx.restore();
      ctx.fillStyle = 'rgba(255,255,255,0.85)';
      ctx.fillRect(x - 1, 0, 2, canvas.height);
    }
    before.close();
  }

  private drawable(image: FrameImage): CanvasImageSource {
    if (image instanceof ImageBitmap) return image;
    if (this.scratch.width !== image.width || this.scratch.height !== image.height) {
      this.scratch.width = image.width;
      this.scratch.height = image.height;
    }
    putImage(this.scratch.getContext('2d')!, image);
    return this.scratch;
  }

  /** The displayed pixels (tests compare them with a reference run). */
  pixels(): ImageData {
    return this.ctx.getImageData(0, 0, this.canvas.width, this.canvas.height);
  }
}
