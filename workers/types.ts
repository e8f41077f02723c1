// Types at the boundaries between the registry, the filter worker and its hosts (PWA, extension).
import type { BandParams, LineParams, PaintParams } from './outlines.js';
import type { ToneParams } from './cel-tone.js';

export type FilterKind = 'super-resolution' | 'style';

/** Joins filter ids into a chain run in one pass ("style-anime+sr-x2-fast"). */
export const CHAIN_SEPARATOR = '+';

/** One entry of models/registry.json. A filter is this entry plus its weights. */
export interface FilterEntry {
  id: string;
  kind: FilterKind;
  /** Output size / input size: 2 or 4 for super-resolution, 1 for style. */
  scale: number;
  /** Repo-relative path of a TensorFlow.js graph model (model.json). Served at the same path by the apps. */
  modelUrl: string;
  macsPerInputPixel: number;
  /** The same cost per pixel of the output: macsPerInputPixel / scale², rounded (what a frame of a given output size costs). */
  macsPerOutputPixel: number;
  title: string;
  /** How the weights are stored in the weights manifest. */
  quantization: 'float16' | 'uint8';
  /**
   * Frame sides must be a multiple of this (networks that downsample inside); the pipeline pads
   * by mirroring and crops the output back. Absent means any size.
   */
  inputMultiple?: number;
  /**
   * A style's outlines (its look's, outlines.ts): drawn again at the frame's own size when the
   * style runs at a smaller working size (guided-work.ts). Absent: none.
   */
  lines?: LineParams;
  /**
   * A style's flat bands of luma (outlines.ts), drawn with its outlines at the frame's own size
   * when it runs at a smaller working size (guided-work.ts). Absent: none.
   */
  bands?: BandParams;
  /**
   * A painting's brushwork from the frame's own luma (outlines.ts), drawn at the frame's own size
   * when it runs at a smaller working size (guided-work.ts). Absent: none.
   */
  paint?: PaintParams;
  /**
   * The anime's cel palette (cel-tone.ts), drawn on the network's picture at the size it runs at
   * (execute.ts executeFilter), so a live style's guided stage carries it to the frame. Absent: none.
   */
  tone?: ToneParams;
  /**
   * The source it was trained for: "compressed" (low-bitrate H.264, VP9 and AV1; Auto takes it
   * in place of the clean filter of its tier when the source is compressed, host/source-quality.ts).
   * Absent: clean sources.
   */
  source?: 'compressed';
}

export interface Registry {
  version: 1;
  filters: FilterEntry[];
}

export type BackendName = 'webgpu' | 'wasm' | 'webgl' | 'cpu';

/** Which backend the worker runs and why, shown to the user. */
export interface BackendChoice {
  backend: BackendName;
  reason: string;
}

export interface WorkerInit {
  /** Absolute URL under which `models/` and `tfjs-wasm/` are served (the app's or extension's root). */
  assetBase: string;
  /** 'auto' (default) picks by device; anything else forces that backend. */
  backend?: BackendName | 'auto';
  /** WASM threads, where the page allows them (default: one per logical core). */
  threads?: number;
}

/** A frame handed to the worker; it is transferred and closed by the worker. */
export type InputFrame = ImageBitmap | VideoFrame;

export interface FrameTiming {
  /** Model execution including the readback of its output. */
  inferMs: number;
  /** Everything in the worker for this frame: upload, model, readback, encode. */
  totalMs: number;
}

/** RGBA bytes of a frame, `width` x `height`. */
export interface RgbaPixels {
  data: Uint8ClampedArray<ArrayBuffer>;
  width: number;
  height: number;
}

/**
 * A filtered frame's pixels: an ImageBitmap from the GPU path, RGBA bytes from the readback
 * path. Hosts put the bytes straight on their canvas (0.2 ms for 1280x720 here, where making
 * a bitmap in the worker cost 1.6 ms) and hand them back with `recycle` (bridge.ts releaseImage).
 */
export type FrameImage = ImageBitmap | RgbaPixels;

export interface FilteredFrame {
  image: FrameImage;
  width: number;
  height: number;
  timing: FrameTiming;
}

export interface LoadedFilter {
  entry: FilterEntry;
  /** Where a tile or band of a frame may start (multiples of this), for output equal to the whole frame's. */
  tileAlign: number;
  /** Time to fetch, build and warm the model. */
  loadMs: number;
}

/** Options for one `process` call. */
export interface ProcessOptions {
  /** Also return the RGBA pixels the model saw (tests compare them with a reference run). */
  returnInputPixels?: boolean;
  /**
   * A style filter (scale 1) run at this fraction of the frame's size and guided back up to the
   * frame's own size with its own edges (guided-work.ts). Absent or 1: at the frame's size.
   */
  workScale?: number;
  /** The whole frame's rows when this frame is a band of it: its outlines are drawn at the whole frame's scale (guided-work.ts lineAlign). */
  wholeRows?: number;
}

/** A filtered frame plus, when asked for, the input pixels the worker read from the frame. */
export interface ProcessedFrame extends FilteredFrame {
  inputPixels?: Uint8ClampedArray;
}

/** Tensor bookkeeping of the worker's TensorFlow.js engine (for leak checks), and its frame counters. */
export interface WorkerMemory {
  numTensors: number;
  numBytes: number;
  /** Frames processed since the worker started. */
  frames: number;
  /** Backend-to-JS readbacks (data()/dataSync()) since the backend started: one per frame on WASM, none on WebGPU. */
  readbacks: number;
  /** Times a lost WebGPU device was replaced and the filter reloaded. */
  deviceRecoveries: number;
}

export type WorkerDeath = 'crash' | 'silent';

/** What the filter worker exposes through Comlink. Every method is async across the boundary. */
export interface FilterWorkerApi {
  /** Picks (or forces) a backend and remembers where assets are served. Call once, first. */
  init(opts: WorkerInit): Promise<BackendChoice>;
  /** Filters listed in `models/registry.json` under the asset base. */
  listFilters(): Promise<FilterEntry[]>;
  /**
   * Fetches, validates, builds and warms a filter, or a chain of filters run in one pass
   * ("style-anime+sr-x2-fast"). On failure the previous filter stays loaded.
   */
  loadFilter(id: string): Promise<LoadedFilter>;
  /** Filters one frame with the loaded filter. The frame must be transferred; the worker closes it. */
  process(frame: InputFrame, opts?: ProcessOptions): Promise<ProcessedFrame>;
  /**
   * Gives a drawn frame's RGBA buffer back (transferred) for a later frame to reuse: a fresh
   * 1280x720 buffer costs about 1 ms of page faults.
   */
  recycle(pixels: Uint8ClampedArray<ArrayBuffer>): Promise<void>;
  memory(): Promise<WorkerMemory>;
  /** Test hook: destroys the WebGPU device as a driver reset would; the next frame recovers. */
  simulateDeviceLoss(): Promise<void>;
  /**
   * Test hook: the next frame dies half way, read but never answered: `crash` throws out of the
   * worker as a crash does (an `error` event), `silent` closes it without a word, as a hung or
   * killed worker would.
   */
  dieMidFrame(how: WorkerDeath): Promise<void>;
  /** Frees the model and the backend's memory. */
  dispose(): Promise<void>;
}
