// Main-thread compositing: shows each filtered ImageBitmap on the visible canvas, with the
// unfiltered frame (browser-scaled to the same size) left of a before/after split line.
export class Compositor {
  private ctx: CanvasRenderingContext2D;
  /** Fraction of the width, from the left, that shows the unfiltered frame (0 = all filtered). */
  split = 0.5;

  constructor(readonly canvas: HTMLCanvasElement) {
    this.ctx = canvas.getContext('2d', { alpha: false })!;
  }

  /** Draws one result; `before` is the matching source frame (closed here), if kept. */
  draw(after: ImageBitmap, before?: ImageBitmap): void {
    const { canvas, ctx } = this;
    if (canvas.width !== after.width || canvas.height !== after.height) {
      canvas.width = after.width;
      canvas.height = after.height;
    }
    ctx.drawImage(after, 0, 0);
    after.close();
    if (!before) return;
    const x = Math.round(this.split * canvas.width);
    if (x > 0) {
      ctx.save();
      ctx.beginPath();
      ctx.rect(0, 0, x, canvas.height);
      ctx.clip();
      ctx.imageSmoothingQuality = 'high';
      ctx.drawImage(before, 0, 0, canvas.width, canvas.height);
      ctx.restore();
      ctx.fillStyle = 'rgba(255,255,255,0.85)';
      ctx.fillRect(x - 1, 0, 2, canvas.height);
    }
    before.close();
  }

  /** The displayed pixels (tests compare them with a reference run). */
  pixels(): ImageData {
    return this.ctx.getImageData(0, 0, this.canvas.width, this.canvas.height);
  }
}
