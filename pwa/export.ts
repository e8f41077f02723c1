// Export: a video file through the filter, every frame (none dropped, as fast as the device
// goes), into a new WebM file with the input's frames, timestamps and duration, the filter's
// size, and the input's audio. Decoding, encoding and muxing are mediabunny's (WebCodecs
// underneath); frames above 1280x720 go through the worker in tiles (bounded memory).
import { ALL_FORMATS, BlobSource, BufferTarget, Conversion, ConversionCanceledError, Input, Output, QUALITY_HIGH, VideoSample, WebMOutputFormat } from 'mediabunny';
import type { FilterSession } from '../host/filter-session.js';
import type { FrameImage } from '../workers/types.js';

export interface ExportProgress {
  /** 0-1 of the input's duration. */
  fraction: number;
  frames: number;
  /** Frames filtered per second so far. */
  fps: number;
  /** Seconds left at that pace (null until there is a pace). */
  etaSeconds: number | null;
}

export class ExportCanceled extends Error {
  constructor() {
    super('Export canceled');
    this.name = 'ExportCanceled';
  }
}

/** The filter's output as a frame with the input frame's timing. */
function outputFrame(image: FrameImage, timestamp: number, duration: number): VideoFrame {
  const timing = { timestamp: Math.round(timestamp * 1e6), duration: Math.round(duration * 1e6) };
  if (image instanceof ImageBitmap) return new VideoFrame(image, timing);
  return new VideoFrame(image.data, { format: 'RGBA', codedWidth: image.width, codedHeight: image.height, ...timing });
}

/**
 * Filters `file` into a WebM blob. `scale` is the loaded filter's; `noVideo` is the message for
 * a file without a video track. Rejects with ExportCanceled when `signal` aborts.
 */
export async function exportFiltered(
  file: Blob, session: FilterSession, scale: number, onProgress: (p: ExportProgress) => void, signal: AbortSignal, noVideo: string,
): Promise<Blob> {
  const input = new Input({ source: new BlobSource(file), formats: ALL_FORMATS });
  const track = await input.getPrimaryVideoTrack();
  if (!track) throw new Error(noVideo);
  const output = new Output({ format: new WebMOutputFormat(), target: new BufferTarget() });
  let frames = 0;
  const t0 = performance.now();
  const conversion = await Conversion.init({
    input, output,
    video: {
      codec: 'vp9', quality: QUALITY_HIGH, forceTranscode: true,
      processedWidth: track.displayWidth * scale, processedHeight: track.displayHeight * scale,
      process: async (sample) => {
        const out = await session.process(sample.toVideoFrame());
        const frame = outputFrame(out.image, sample.timestamp, sample.duration);
        session.release(out.image);
        frames++;
        return new VideoSample(frame);
      },
    },
    // Audio as it is where WebM takes its codec, else re-encoded (Opus).
    audio: {},
  });
  if (!conversion.isValid) throw new Error(`Cannot export this file: ${conversion.discardedTracks.map((d) => `${d.track.type} track ${d.reason}`).join(', ')}`);
  conversion.onProgress = (fraction) => {
    const seconds = (performance.now() - t0) / 1000;
    onProgress({ fraction, frames, fps: frames / Math.max(seconds, 1e-3), etaSeconds: fraction > 0.01 ? (seconds * (1 - fraction)) / fraction : null });
  };
  const cancel = () => { void conversion.cancel(); };
  signal.addEventListener('abort', cancel, { once: true });
  try {
    await conversion.execute();
  } catch (e) {
    if (e instanceof ConversionCanceledError || signal.aborted) throw new ExportCanceled();
    throw e;
  } finally {
    signal.removeEventListener('abort', cancel);
  }
  return new Blob([output.target.buffer!], { type: 'video/webm' });
}
