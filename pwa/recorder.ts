// Record: the stage as shown (filtered, composited), with the microphone if asked, into a WebM
// file. Chromium's MediaRecorder writes WebM with no duration and no cues (players show no
// length and cannot seek), so the recording is remuxed by mediabunny, without re-encoding,
// into a file that has both.
import { ALL_FORMATS, BlobSource, BufferTarget, Conversion, Input, Output, WebMOutputFormat } from 'mediabunny';

/** VP9 where the browser records it, else VP8; Opus for the microphone. */
const TYPES = ['video/webm;codecs=vp9,opus', 'video/webm;codecs=vp8,opus', 'video/webm'];

export class Recorder {
  private recorder: MediaRecorder | null = null;
  private chunks: Blob[] = [];
  private mic: MediaStream | null = null;

  get recording(): boolean {
    return this.recorder?.state === 'recording';
  }

  /** Starts recording `canvas` at up to 30 fps, with the microphone when `withMic` (rejects if it is refused). */
  async start(canvas: HTMLCanvasElement, withMic: boolean): Promise<void> {
    const stream = canvas.captureStream(30);
    if (withMic) {
      this.mic = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
      for (const track of this.mic.getAudioTracks()) stream.addTrack(track);
    }
    const mimeType = TYPES.find((t) => MediaRecorder.isTypeSupported(t)) ?? '';
    this.chunks = [];
    this.recorder = new MediaRecorder(stream, { mimeType, videoBitsPerSecond: 6_000_000 });
    this.recorder.ondataavailable = (e) => { if (e.data.size) this.chunks.push(e.data); };
    this.recorder.start(1000);
  }

  /** Stops and returns the recording as a WebM with duration and cues. */
  async stop(): Promise<Blob> {
    const recorder = this.recorder;
    if (!recorder) throw new Error('Not recording');
    await new Promise<void>((resolve) => {
      recorder.onstop = () => resolve();
      recorder.stop();
    });
    this.recorder = null;
    this.mic?.getTracks().forEach((t) => t.stop());
    this.mic = null;
    return seekable(new Blob(this.chunks, { type: 'video/webm' }));
  }
}

/** The same streams remuxed into a WebM that states its duration and indexes its clusters. */
export async function seekable(recording: Blob): Promise<Blob> {
  const input = new Input({ source: new BlobSource(recording), formats: ALL_FORMATS });
  const output = new Output({ format: new WebMOutputFormat(), target: new BufferTarget() });
  const conversion = await Conversion.init({ input, output });
  if (!conversion.isValid) throw new Error('The recording could not be written as a file');
  await conversion.execute();
  return new Blob([output.target.buffer!], { type: 'video/webm' });
}
