// One filtered camera: reads the real camera's frames, sends the newest one at a time to the
// compositor (at the working size it asks for) and writes what comes back into the track the
// page holds, keeping each frame's timestamp. While no filter is on, or the compositor is not
// ready yet, frames pass through as they are, so a call never stalls.
import { FramePacer } from '../../host/frame-pacer';
import { workSize } from './enhance-session';

/** Filters one frame (at the working size) back to the camera's size; rejects when the compositor is gone. */
export type FrameFilter = (bitmap: ImageBitmap, outWidth: number, outHeight: number) => Promise<ImageBitmap>;

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
  private readonly pacer = new FramePacer(() => { void this.filterLatest(); });
  private ended = false;

  /** `filter` null: frames pass through; `workScale()`: the compositor's working size. */
  constructor(real: MediaStreamTrack, private filter: FrameFilter | null, private readonly workScale: () => number, onEnd: () => void) {
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
    const filter = this.filter;
    if (!frame) return this.pacer.done();
    if (!filter) {
      this.output.write(frame);
      return this.pacer.done();
    }
    try {
      const { displayWidth: w, displayHeight: h } = frame;
      const size = workSize(w, h, this.workScale());
      const input = await createImageBitmap(frame, size.width !== w || size.height !== h ? { resizeWidth: size.width, resizeHeight: size.height, resizeQuality: 'high' } : {});
      const out = await filter(input, w, h);
      if (this.ended) {
        out.close();
      } else {
        this.output.write(new VideoFrame(out, { timestamp: frame.timestamp }));
        out.close();
      }
      frame.close();
    } catch {
      // The compositor went away or failed this frame: show the camera as it is.
      if (this.ended) frame.close();
      else this.output.write(frame);
    } finally {
      this.pacer.done();
    }
  }
}
