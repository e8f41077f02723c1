// A file's video bitrate per pixel (host/source-quality.ts), from its packets as mediabunny reads
// them from the container (no decoding): Auto runs the filters trained for compressed video on a
// low-bitrate file. Loaded on first use, like export.
import { ALL_FORMATS, BlobSource, Input } from 'mediabunny';
import { UNKNOWN, fileQuality, type SourceQuality } from '../host/source-quality.js';

/** Packets read for the average: about 10 s at 24 fps, key frames included. */
const PACKETS = 240;

export async function fileSourceQuality(blob: Blob): Promise<SourceQuality> {
  const input = new Input({ source: new BlobSource(blob), formats: ALL_FORMATS });
  try {
    const track = await input.getPrimaryVideoTrack();
    if (!track) return UNKNOWN;
    const { averageBitrate, averagePacketRate } = await track.computePacketStats(PACKETS);
    return fileQuality(averageBitrate, averagePacketRate, track.displayWidth, track.displayHeight);
  } catch {
    return UNKNOWN; // a container mediabunny does not read: Auto keeps its ladder for clean video
  } finally {
    input.dispose();
  }
}
