// One filtered camera: reads the real camera's frames, sends the newest one at a time to the
// compositor (as bytes at the working size it asks for; for a style, at the camera's own size
// with the fraction to run it at, so it comes back sharp), scales what comes back to the camera's
// size, blended over the camera by the strength setting, and writes it into the track the page
// holds, keeping each frame's timestamp. While no filter is on, or the compositor is not ready
// yet, frames pass through as they are, so a call never stalls.
import { FramePacer } from '../../host/frame-pacer';
import type { RgbaFrame, TierInfo } from '../protocol';
import { sendPlan } from './enhance-session';
import { PixelReader } from './pixel-reader';

/** Filters one frame (at `guide` of its size, for a style tier); rejects when the compositor is gone or failed the frame. */
export type FrameFilter = (frame: RgbaFrame, guide?: number) => Promise<RgbaFrame>;

/** Where the session gets its tier and strength (they change with the compositor's tier and the settings); null: no tier yet. */
export interface CameraTuning { tier(): Pick<TierInfo, 'workScale' | 'scale'> | null; strength(): number }

interface TrackProcessorCtor { new (init: { track: MediaStreamTrack }): { readable: ReadableStream<VideoFrame> } }
interface TrackGeneratorCtor { new (init: { kind: 'video' }): MediaStreamTrack & { writable: WritableStream<VideoFrame> } }

/** The real camera's frames: MediaStreamTrackProcessor where the browser has it, else a video element's frame callbacks. */
function readFrames(track: MediaStreamTrack, onFrame: (f: VideoFrame) => void, onEnd: () => void): () => void {
  const Processor = (globalThis as { MediaStreamTrackProcessor?: TrackProcessorCtor }).MediaStreamTrackProcessor;
  if (Processor) {
    const reader = new Processor({ track }).readable.getReader();
    void (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done || !value) break;
        onFrame(value);
      }
      onEnd();
    })();
    return () => { void reader.cancel().catch(() => {}); };
  }
  const video = document.createElement('video');
  video.muted = true;
  video.srcObject = new MediaStream([track]);
  let handle = 0;
  const tick = (_now: number, meta: VideoFrameCallbackMetadata) => {
    handle = video.requestVideoFrameCallback(tick);
    onFrame(new VideoFrame(video, { timestamp: Math.round(meta.mediaTime * 1e6) }));
  };
  handle = video.requestVideoFrameCallback(tick);
  track.addEventListener('ended', onEnd, { once: true });
  void video.play().catch(onEnd);
  return () => { video.cancelVideoFrameCallback(handle); video.srcObject = null; };
}

/** The page's track: MediaStreamTrackGenerator where the browser has it, else a canvas's captureStream. */
function makeOutput(): { track: MediaStreamTrack; write(frame: VideoFrame): void; close(): void } {
  const Generator = (globalThis as { MediaStreamTrackGenerator?: TrackGeneratorCtor }).MediaStreamTrackGenerator;
  if (Generator) {
    const track = new Generator({ kind: 'video' });
    const writer = track.writable.getWriter();
    return {
      track,
      // A sink that keeps up has room; one that does not loses this frame rather than queueing it.
      write: (frame) => { if ((writer.desiredSize ?? 1) > 0) writer.write(frame).catch(() => frame.close()); else frame.close(); },
      close: () => { void writer.close().catch(() => {}); },
    };
  }
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d')!;
  const track = canvas.captureStream().getVideoTracks()[0];
  return {
    track,
    write: (frame) => {
      if (canvas.width !== frame.displayWidth || canvas.height !== frame.displayHeight) {
        canvas.width = frame.displayWidth;
        canvas.height = frame.displayHeight;
      }
      ctx.drawImage(frame, 0, 0);
      frame.close();
    },
    close: () => track.stop(),
  };
}

export class CameraSession {
  private readonly output = makeOutput();
  private readonly stopReading: () => void;
  private latest: VideoFrame | null = null;
  /** Two frames in flight: the compositor's workers filter one each, whole, at a small working size (host/filter-session.ts). */
  private readonly pacer = new FramePacer(() => { void this.filterLatest(); }, 2);
  /** Frames taken, and the newest one written: one that finishes after a newer one is dropped, never shown out of order. */
  private taken = 0;
  private written = 0;
  private readonly reader = new PixelReader();
  /**
   * The filtered frame at the working size, then at the camera's size. CPU-backed canvases
   * (willReadFrequently): frames made from GPU-backed ones cost the encoder and the page a
   * readback each, 15.9 -> 23 fps for style-anime on a 640x480 camera here (12 -> 15 during a call).
   */
  private readonly small = new OffscreenCanvas(1, 1);
  private readonly out = new OffscreenCanvas(1, 1);
  private ended = false;

  /** `filter` null: frames pass through. */
  constructor(real: MediaStreamTrack, private filter: FrameFilter | null, private readonly tuning: CameraTuning, onEnd: () => void) {
    this.stopReading = readFrames(real, (f) => this.onFrame(f), () => { this.stop(); onEnd(); });
  }

  /** The track handed to the page. */
  get track(): MediaStreamTrack {
    return this.output.track;
  }

  setFilter(filter: FrameFilter | null): void {
    this.filter = filter;
  }

  stop(): void {
    if (this.ended) return;
    this.ended = true;
    this.stopReading();
    this.latest?.close();
    this.latest = null;
    this.pacer.reset();
    this.output.close();
  }

  private onFrame(frame: VideoFrame): void {
    if (this.ended) return frame.close();
    if (!this.filter) return this.output.write(frame);
    this.latest?.close(); // superseded before it was taken
    this.latest = frame;
    this.pacer.offer();
  }

  private async filterLatest(): Promise<void> {
    const frame = this.latest;
    this.latest = null;
    const seq = ++this.taken;
    const filter = this.filter;
    if (!frame) return this.pacer.done();
    if (!filter) {
      this.output.write(frame);
      return this.pacer.done();
    }
    try {
      const { displayWidth: w, displayHeight: h } = frame;
      const { size, guide } = sendPlan(w, h, this.tuning.tier());
      const filtered = await filter(await this.reader.read(frame, size.width, size.height), guide);
      if (this.ended || seq < this.written) return frame.close();
      this.written = seq;
      this.output.write(this.compose(frame, filtered));
      frame.close();
    } catch {
      // The compositor went away or failed this frame: show the camera as it is.
      if (this.ended) frame.close();
      else this.output.write(frame);
    } finally {
      this.pacer.done();
    }
  }

  /** The filtered picture at the camera's size over the camera frame itself (strength), as a frame with its timestamp. */
  private compose(camera: VideoFrame, filtered: RgbaFrame): VideoFrame {
    const { displayWidth: w, displayHeight: h } = camera;
    const strength = this.tuning.strength();
    // At the camera's size and full strength the bytes are the frame: no canvas upload, draw and
    // readback of 640x480 on the page's thread (three back-to-back pairs of runs, 640x480:
    // anime / cartoon / painting 28.1 / 26.7 / 27.9 fps on average against 25.3 / 24.5 / 27.8).
    if (strength >= 1 && filtered.width === w && filtered.height === h) {
      return new VideoFrame(new Uint8Array(filtered.rgba), { format: 'RGBX', codedWidth: w, codedHeight: h, timestamp: camera.timestamp });
    }
    if (this.small.width !== filtered.width || this.small.height !== filtered.height) {
      this.small.width = filtered.width;
      this.small.height = filtered.height;
    }
    this.small.getContext('2d', { willReadFrequently: true })!.putImageData(new ImageData(new Uint8ClampedArray(filtered.rgba), filtered.width, filtered.height), 0, 0);
    if (this.out.width !== w || this.out.height !== h) {
      this.out.width = w;
      this.out.height = h;
    }
    const ctx = this.out.getContext('2d', { willReadFrequently: true })!;
    ctx.globalAlpha = 1;
    if (strength < 1) ctx.drawImage(camera, 0, 0, w, h);
    ctx.globalAlpha = strength;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(this.small, 0, 0, w, h);
    return new VideoFrame(this.out, { timestamp: camera.timestamp });
  }
}
