// One frame through a loaded filter, in the worker: on the GPU end to end (gpu-frame.ts) or
// through one readback (ReadbackPath below), whose RGBA bytes the host draws.
import * as tf from '@tensorflow/tfjs';
import type { InputFrame, ProcessOptions, ProcessedFrame, RgbaPixels } from './types.js';
import type { RunSpec } from './chain.js';
import { frameRun, guidesUp, type FrameModel, type FrameRun } from './execute.js';
import { TILE_ABOVE_PIXELS } from './tile-plan.js';
import { executeTiled, tilesFrame } from './tiling.js';
import { GpuFramePath } from './gpu-frame.js';
import { checkFrameSize, frameSize, rgbaToRgbFloats, type ByteOrder } from './pixels.js';
import { readRgba } from './read-rgba.js';
import { WasmPixels } from './wasm-pixels.js';
import { nv12ToRgba } from './yuv.js';

/**
 * The pixels the network itself sees: a style run at a working size sees that size (its guided
 * stage back up is elementwise), so a large frame guided up stays on the GPU path while its
 * working size does.
 */
const modelPixels = (w: number, h: number, spec: RunSpec, workScale = 1): number => (guidesUp(spec, workScale) ? w * h * workScale * workScale : w * h);

/** Frame formats whose bytes are already 8-bit RGB in one plane: copied as they are. */
const AS_IS: Partial<Record<VideoPixelFormat, ByteOrder>> = { RGBA: 'rgba', RGBX: 'rgba', BGRA: 'bgra', BGRX: 'bgra' };

/** sRGB or unstated: no colour conversion needed. */
const isSrgb = (c: VideoColorSpace) => (c.primaries ?? 'bt709') === 'bt709' && (c.transfer ?? 'iec61966-2-1') === 'iec61966-2-1';

/** A buffer reused while the frame size stays the same (the JS conversion path, a decoded frame's planes). */
class Reused<T extends Float32Array<ArrayBuffer> | Uint8ClampedArray<ArrayBuffer>> {
  private buf: T | null = null;
  constructor(private make: (n: number) => T) {}
  get(n: number): T {
    if (this.buf?.length !== n) this.buf = this.make(n);
    return this.buf;
  }
}

/**
 * Writes a frame's pixels into a caller's buffer and closes the frame. VideoFrame.copyTo
 * copies straight into the WASM heap if asked; a frame that already holds 8-bit sRGB in one
 * plane (bitmaps and canvases: BGRA in Chromium here) is copied as it is when the caller can
 * take either byte order (0.01 ms for 320x180 vs 0.07-0.25 ms converted to RGBA; decoded video
 * in YUV is converted either way).
 * A reused 2D canvas does it where copyTo cannot (no RGBA conversion, or a frame with
 * non-square pixels). Resolves to the byte order written.
 */
class FrameReader {
  private canvas = new OffscreenCanvas(1, 1);
  private ctx = this.canvas.getContext('2d', { willReadFrequently: true, alpha: false })!;
  private copyToWorks: boolean | undefined = typeof VideoFrame === 'undefined' ? false : undefined;
  /** A decoded frame's own planes (yuv.ts). */
  private planes = new Reused((n) => new Uint8ClampedArray(n));

  async read(frame: InputFrame, dst: Uint8Array | Uint8ClampedArray, anyOrder = false): Promise<ByteOrder> {
    try {
      const copied = await this.copy(frame, dst, anyOrder);
      if (copied) return copied;
      const { width, height } = frameSize(frame);
      if (this.canvas.width !== width || this.canvas.height !== height) {
        this.canvas.width = width;
        this.canvas.height = height;
      }
      this.ctx.drawImage(frame, 0, 0);
      dst.set(this.ctx.getImageData(0, 0, width, height).data);
      return 'rgba';
    } finally {
      frame.close();
    }
  }

  private async copy(frame: InputFrame, dst: Uint8Array | Uint8ClampedArray, anyOrder: boolean): Promise<ByteOrder | null> {
    if (this.copyToWorks === false) return null;
    const square = !(frame instanceof VideoFrame) || (frame.visibleRect?.width === frame.displayWidth && frame.visibleRect?.height === frame.displayHeight);
    if (!square) return null;
    const vf = frame instanceof VideoFrame ? frame : new VideoFrame(frame, { timestamp: 0 });
    try {
      const asIs = anyOrder && vf.format ? AS_IS[vf.format] : undefined;
      if (asIs && isSrgb(vf.colorSpace) && vf.allocationSize() === dst.length) {
        await vf.copyTo(dst);
        return asIs;
      }
      if (vf.format === 'NV12' && vf.displayWidth * vf.displayHeight * 4 === dst.length) {
        const planes = this.planes.get(vf.allocationSize());
        nv12ToRgba(planes, await vf.copyTo(planes), vf.displayWidth, vf.displayHeight, vf.colorSpace, dst);
        return 'rgba';
      }
      await vf.copyTo(dst, { format: 'RGBA', colorSpace: 'srgb' });
      this.copyToWorks = true;
      return 'rgba';
    } catch (e) {
      if (this.copyToWorks) throw e;
      this.copyToWorks = false; // this browser's copyTo cannot convert: use the canvas from now on
      return null;
    } finally {
      if (vf !== frame) vf.close();
    }
  }
}

/** The readback path's output buffers: the hosts hand them back (recycle) to spare a fresh one per frame. */
class PixelPool {
  private free: Uint8ClampedArray<ArrayBuffer>[] = [];
  private size = 0;

  take(n: number): Uint8ClampedArray<ArrayBuffer> {
    if (n !== this.size) {
      this.free = [];
      this.size = n;
    }
    return this.free.pop() ?? new Uint8ClampedArray(n);
  }

  give(buf: Uint8ClampedArray<ArrayBuffer>): void {
    if (buf.length === this.size && this.free.length < 3) this.free.push(buf);
  }
}

/**
 * The readback path (WASM, WebGL, CPU, and tiled WebGPU): frame -> RGBA -> float RGB tensor ->
 * model -> one readback (one per tile above TILE_ABOVE_PIXELS) -> RGBA bytes for the host.
 * On WASM the conversions run as SIMD in the backend's memory (wasm-pixels.ts) and a filter
 * that ends in DepthToSpace stops before it: the packing does the rearrangement.
 */
export class ReadbackPath {
  private reader = new FrameReader();
  private bytes = new Reused((n) => new Uint8ClampedArray(n));
  private floats = new Reused((n) => new Float32Array(n));
  private pool = new PixelPool();

  recycle(buf: Uint8ClampedArray<ArrayBuffer>): void {
    this.pool.give(buf);
  }

  /** The JS counterpart of WasmPixels.toTensor: bytes and floats in reused buffers, then uploaded. */
  async toTensor(width: number, height: number, write: (rgba: Uint8ClampedArray) => Promise<ByteOrder>): Promise<tf.Tensor4D> {
    const bytes = this.bytes.get(width * height * 4);
    await write(bytes);
    return tf.tensor4d(rgbaToRgbFloats(bytes, this.floats.get(width * height * 3)), [1, height, width, 3]);
  }

  /** A guided run's parts (the network at the working size), applied over the frame's bytes in one SIMD pass. */
  private guideInPlace(simd: WasmPixels, run: FrameRun, x: tf.Tensor4D, image: RgbaPixels): void {
    const kept = tf.tidy(() => {
      const p = run.parts!(x, (fit, xs) => simd.guidedLuma(fit, xs));
      return p.keep ? [p.a, p.b, p.keep] : [p.a, p.b];
    });
    try {
      image.data.set(simd.guide({ a: kept[0], b: kept[1], keep: kept[2] ?? null }, image.width, image.height));
    } finally {
      tf.dispose(kept);
    }
  }

  /** The run's output read back once into the image. */
  private async readOnce(run: FrameRun, x: tf.Tensor4D, image: RgbaPixels): Promise<void> {
    const out = tf.tidy(() => run.execute(x));
    try {
      const [, oh, ow] = out.shape;
      if (oh * run.block !== image.height || ow * run.block !== image.width) throw new Error(`model returned ${ow * run.block}x${oh * run.block} pixels, expected ${image.width}x${image.height}`);
      await readRgba(out, run.block, image);
    } finally {
      out.dispose();
    }
  }

  async filter(model: FrameModel, spec: RunSpec, frame: InputFrame, opts: ProcessOptions = {}): Promise<ProcessedFrame> {
    const t0 = performance.now();
    const { width, height } = frameSize(frame);
    try {
      checkFrameSize(width, height);
    } catch (e) {
      frame.close();
      throw e;
    }
    const w = width * spec.scale, h = height * spec.scale;
    const simd = WasmPixels.current();
    const run = frameRun(model, spec, simd !== null, opts.workScale, opts.wholeRows);
    const tiled = tilesFrame(run, width * height);
    // A guided run's full-size pass works on the frame's bytes in place (WasmPixels.guide).
    const guidesInPlace = simd?.guides === true && run.parts !== undefined && !tiled;
    let inputPixels: Uint8ClampedArray<ArrayBuffer> | undefined;
    // The SIMD unpacker takes either byte order; the JS loop, the guided pass and the host's copy want RGBA.
    const anyOrder = simd !== null && !opts.returnInputPixels && !guidesInPlace;
    const read = async (dst: Uint8Array | Uint8ClampedArray) => {
      const order = await this.reader.read(frame, dst, anyOrder);
      if (opts.returnInputPixels) inputPixels = new Uint8ClampedArray(dst);
      return order;
    };
    const x = await (simd ?? this).toTensor(width, height, read);
    const t1 = performance.now();
    const image = { data: this.pool.take(w * h * 4), width: w, height: h };
    try {
      if (tiled) await executeTiled(run, spec, x, image);
      else if (guidesInPlace) this.guideInPlace(simd, run, x, image);
      else await this.readOnce(run, x, image);
    } finally {
      x.dispose();
    }
    return {
      image, width: w, height: h,
      timing: { inferMs: performance.now() - t1, totalMs: performance.now() - t0 },
      ...(inputPixels ? { inputPixels } : {}),
    };
  }
}

/**
 * The one place that picks a frame's path: WebGPU keeps frames on the GPU end to end, except
 * when the caller wants the input pixels and for frames large enough to need tiling (those
 * read back per tile); other backends read back once.
 */
export class FramePipeline {
  private readback = new ReadbackPath();
  private gpu = new GpuFramePath();

  /** Takes back a frame's RGBA buffer from the host, for reuse. */
  recycle(buf: Uint8ClampedArray<ArrayBuffer>): void {
    this.readback.recycle(buf);
  }

  filter(model: FrameModel, spec: RunSpec, frame: InputFrame, opts: ProcessOptions = {}): Promise<ProcessedFrame> {
    const { width, height } = frameSize(frame);
    const onGpu = tf.getBackend() === 'webgpu' && !opts.returnInputPixels && modelPixels(width, height, spec, opts.workScale) <= TILE_ABOVE_PIXELS;
    return onGpu ? this.gpu.filter(model, spec, frame, opts) : this.readback.filter(model, spec, frame, opts);
  }
}
