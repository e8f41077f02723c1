// Pulls frames from the source and paces them with the shared latest-frame-wins FramePacer: a
// frame in each worker (`depth`), the newest one next. A camera stream is read as VideoFrames with a
// MediaStreamTrackProcessor where the browser has one (no copy to get a frame); files and the
// demo clip (and cameras elsewhere) use requestVideoFrameCallback on the video element.
import { FramePacer } from '../host/frame-pacer.js';

/** `frame`: the camera's VideoFrame (owned by the handler, which must close or transfer it); absent: read the video element. */
export type FrameHandler = (video: HTMLVideoElement, frame?: VideoFrame) => Promise<void>;

interface TrackProcessor { readable: ReadableStream<VideoFrame> }
type TrackProcessorCtor = new (init: { track: MediaStreamTrack }) => TrackProcessor;

export class FrameLoop {
  private running = false;
  private handle = 0;
  private readonly pacer: FramePacer;
  private reader: ReadableStreamDefaultReader<VideoFrame> | null = null;
  /** The newest camera frame not yet taken (an older one is closed when a newer arrives). */
  private latest: VideoFrame | null = null;

  /** `onSource` hears of every source frame, taken or not (for the input frame rate). */
  constructor(private video: HTMLVideoElement, onFrame: FrameHandler, private onSource: () => void = () => {}) {
    this.pacer = new FramePacer(() => {
      const frame = this.latest ?? undefined;
      this.latest = null;
      onFrame(this.video, frame).finally(() => this.pacer.done());
    });
  }

  /** Frames in flight at most: one per worker of the session. */
  set depth(n: number) {
    this.pacer.depth = n;
  }

  get dropped(): number {
    return this.pacer.dropped;
  }

  /** Dropped frames count from now (a new source or filter). */
  resetDropped(): void {
    this.pacer.dropped = 0;
  }

  /** Whether frames come from a MediaStreamTrackProcessor (camera) rather than the video element. */
  get usesTrackProcessor(): boolean {
    return this.reader !== null;
  }

  /** (Re)starts pacing; call after each source change, since reloading the video drops pending callbacks. */
  start(): void {
    this.stop();
    this.running = true;
    const track = this.video.srcObject instanceof MediaStream ? this.video.srcObject.getVideoTracks()[0] : undefined;
    const Processor = (globalThis as { MediaStreamTrackProcessor?: TrackProcessorCtor }).MediaStreamTrackProcessor;
    if (track && Processor) void this.pump(new Processor({ track }).readable.getReader());
    else this.handle = this.video.requestVideoFrameCallback(this.tick);
  }

  stop(): void {
    this.running = false;
    this.video.cancelVideoFrameCallback(this.handle);
    void this.reader?.cancel().catch(() => {});
    this.reader = null;
    this.latest?.close();
    this.latest = null;
    this.pacer.reset();
  }

  private async pump(reader: ReadableStreamDefaultReader<VideoFrame>): Promise<void> {
    this.reader = reader;
    while (this.running && this.reader === reader) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done || !value) break;
      if (this.reader !== reader) { value.close(); break; }
      this.latest?.close(); // superseded before it was taken
      this.latest = value;
      this.onSource();
      this.pacer.offer();
    }
  }

  private tick = (): void => {
    if (!this.running) return;
    this.handle = this.video.requestVideoFrameCallback(this.tick);
    this.onSource();
    this.pacer.offer();
  };
}
