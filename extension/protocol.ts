// Every message that crosses a boundary of the extension, as typed unions:
//  - runtime messages (JSON, chrome.runtime / chrome.tabs) between content scripts, compositor
//    pages and the background;
//  - the compositor port (a MessagePort, so frames can be transferred) between a content script
//    and the compositor page it laid into the page;
//  - the camera requests between the page-world camera hook and the content script (DOM events).
//
// Trust: the page can post to any frame and dispatch any DOM event, so a compositor page
// starts only for a one-time secret that the background issued to a content script of the same
// tab (the secret crosses from the content script to the compositor in one postMessage to that
// frame, which page scripts cannot read), and everything received is validated before use.

import type { BackendChoice, FrameTiming } from '../workers/types';
import type { SourceQuality } from '../host/source-quality';

export type SessionKind = 'video' | 'camera';

/** Content script / compositor -> background (chrome.runtime.sendMessage). */
export type RuntimeRequest =
  /** A content script asks which site (the tab's top-level host) its settings are for. */
  | { type: 'site' }
  /** A content script opens a compositor session: the background returns a one-time secret. */
  | { type: 'open-session'; kind: SessionKind }
  /** A compositor page redeems the secret it was handed; valid once, from the same tab only. */
  | { type: 'claim-session'; secret: string };

export interface SiteAnswer { host: string }
export type OpenAnswer = { secret: string };
export type ClaimAnswer = { ok: true; kind: SessionKind; host: string; debug: boolean } | { ok: false };

/** Background or popup -> content scripts of a tab (chrome.tabs.sendMessage); `which-site` is answered by the top frame with a SiteAnswer. */
export type TabMessage = { type: 'toggle-enhance' } | { type: 'which-site' };

/** `type` of the single window.postMessage that hands the compositor its port and secret. */
export const CONNECT = 'gvf-connect';

export interface ConnectMessage {
  type: typeof CONNECT;
  secret: string;
}

/** Largest frame a compositor accepts (pixels); content scripts scale larger sources down first. */
export const MAX_FRAME_PIXELS = 3840 * 2160;

/**
 * A frame as it crosses between a content script and a compositor. On the readback backends
 * (WASM) it crosses as RGBA bytes read in the content script's process: an ImageBitmap that
 * crosses processes is GPU-backed here, and reading it back in the worker took 17 ms of a
 * 240x180 frame (under 1 ms for the bytes). On WebGPU a bitmap stays on the GPU all the way.
 */
export type FramePayload = ImageBitmap | RgbaFrame;
export interface RgbaFrame { width: number; height: number; rgba: ArrayBuffer }
export type Transport = 'bitmap' | 'rgba';

/** Content script -> compositor, over the port. */
export type HostToFrame =
  /**
   * Video: a frame of the video, at the working size the compositor asked for, drawn in place.
   * `cycleMs`: the previous frame's whole time in the content script, from reading its pixels to
   * its answer (what paces the video, more than the worker's part of it: Auto steps by it).
   */
  | { type: 'frame'; seq: number; frame: FramePayload; cycleMs?: number; guide?: number }
  | { type: 'layout'; objectFit: string }
  /**
   * Camera: a camera frame at the working size, to come back filtered (the content script scales
   * it to the camera's size). `guide`, on either kind: a style tier's frame comes at the source's
   * size, to run at this fraction of it and be guided back up (host/working-size.ts framePlan).
   */
  | { type: 'camera-frame'; seq: number; frame: RgbaFrame; guide?: number }
  /** Video: its bits per pixel per frame as the browser decoded it (host/source-quality.ts), sent when it is first known and when its judgement changes. */
  | { type: 'source'; bitsPerPixel: number }
  | { type: 'stop' };

export interface ReadyInfo {
  backend: BackendChoice;
  /** How the compositor wants frames: bitmaps where its backend is on the GPU, else bytes. */
  transport: Transport;
  filter: { id: string; title: string; scale: number };
  loadMs: number;
}

/** What the compositor asks the content script to send: frames scaled by `workScale`. */
export interface TierInfo {
  filterId: string;
  workScale: number;
  /** The filter's output scale: 1 (a style) keeps the frame's size, so its frames are sent whole with a guide. */
  scale: number;
  /** Whether Auto chose it (shown on the badge). */
  auto: boolean;
  /** The source as Auto judged it (its ladder for compressed video or not), shown on the badge with the reason. */
  source: SourceQuality;
}

/** Compositor -> content script, over the port. */
export type FrameToHost =
  | ({ type: 'ready' } & ReadyInfo)
  | ({ type: 'tier' } & TierInfo)
  | { type: 'frame-done'; seq: number; width: number; height: number; timing: FrameTiming }
  | { type: 'camera-frame-done'; seq: number; frame: RgbaFrame; timing: FrameTiming }
  | { type: 'status'; text: string }
  /** With `seq`: that frame failed (a camera frame is shown unfiltered, a video keeps its last picture; the host sends the next); without: the session failed. */
  | { type: 'error'; message: string; seq?: number };

/** Page-world camera hook <-> content script: DOM events on a private <video> element. */
export const CAMERA_REQUEST = 'gvf-camera-request';
export const CAMERA_REPLY = 'gvf-camera-reply';

/** In the request event's detail (JSON); an `open` carries the real camera track in the element's srcObject. */
export type CameraRequest = { type: 'query' } | { type: 'open' } | { type: 'close' };

/** In the reply event's detail (JSON); an `opened` carries the filtered track in the element's srcObject. */
export type CameraReply =
  /** `filter`: the site's camera filter (null: off); `suffix`: appended to camera names, in the user's language. */
  | { type: 'state'; filter: string | null; isDefault: boolean; suffix: string }
  | { type: 'opened' }
  | { type: 'refused'; message: string };

/**
 * What a started compositor keeps for tests and benchmarks (read with Playwright's frame.evaluate):
 * counts, tier and timing always; the last frame's pixels only when the background says debug.
 */
export interface DebugPixels {
  width: number;
  height: number;
  /** RGBA, row-major. */
  data: Uint8ClampedArray;
}

export interface DebugHook {
  ready: ReadyInfo | null;
  tier: TierInfo | null;
  framesDone: number;
  /** The worker's time for the last frame. */
  timing: FrameTiming | null;
  error: string | null;
  /** The last input frame exactly as the worker got it (with the fraction it ran at, for a style tier), and the output the worker returned for it. */
  lastInput: (DebugPixels & { guide?: number }) | null;
  lastOutput: DebugPixels | null;
  /** Tests: the compositor's worker fails as if it crashed (set only for a debug session). */
  crashWorker?(): void;
  /** Tests: the compositor's worker dies during its next frame (workers/types.ts dieMidFrame; debug sessions only). */
  dieMidFrame?(how: 'crash' | 'silent', watchdogMs?: number): Promise<void>;
}
