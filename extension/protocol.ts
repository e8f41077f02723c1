// Messages between the content script (page side) and the extension-origin compositor iframe
// (extension/enhance.html). The content script posts one `connect` message to the iframe window,
// carrying a MessagePort; everything else goes over that port, so page scripts never see it.
//
// Frames cross the page -> extension process boundary as transferred ImageBitmaps (postMessage on
// a MessagePort with a transfer list). A non-origin-clean bitmap (cross-origin video without CORS)
// cannot be transferred: postMessage throws DataCloneError, and the content script checks for
// taint before it starts.

import type { BackendChoice, FrameTiming } from '../workers/types';

/** `type` of the single window.postMessage that hands the iframe its port. */
export const CONNECT = 'gvf-connect';

export interface ConnectMessage {
  type: typeof CONNECT;
  /** The video's CSS object-fit, so the output canvas is laid out like the video's picture. */
  objectFit: string;
  /** Keep the last input/output pixels on `globalThis.__gvfDebug` in the iframe (tests). */
  debug: boolean;
  /** Filter id wanted; the iframe falls back to the first super-resolution filter. */
  filterId?: string;
}

/** Content script -> iframe, over the port. */
export type HostToFrame =
  | { type: 'frame'; seq: number; bitmap: ImageBitmap }
  | { type: 'layout'; objectFit: string }
  | { type: 'stop' };

export interface ReadyInfo {
  backend: BackendChoice;
  filter: { id: string; title: string; scale: number };
  loadMs: number;
}

/** Iframe -> content script, over the port. */
export type FrameToHost =
  | ({ type: 'ready' } & ReadyInfo)
  | { type: 'frame-done'; seq: number; width: number; height: number; timing: FrameTiming }
  | { type: 'status'; text: string }
  | { type: 'error'; message: string };

/** What the iframe keeps for tests when `debug` is set (read with Playwright's frame.evaluate). */
export interface DebugPixels {
  width: number;
  height: number;
  /** RGBA, row-major. */
  data: Uint8ClampedArray;
}

export interface DebugHook {
  ready: ReadyInfo | null;
  framesDone: number;
  error: string | null;
  /** The last input frame exactly as the worker got it, and the output the worker returned for it. */
  lastInput: DebugPixels | null;
  lastOutput: DebugPixels | null;
}
