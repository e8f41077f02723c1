// Video sources for the filter: webcam, a local file, or the bundled demo clip.
export type SourceKind = 'demo' | 'webcam' | 'file';

export const DEMO_CLIP = 'demo.webm';

/** Stops whatever the video element is showing and releases camera or object URLs. */
export function stopSource(video: HTMLVideoElement): void {
  video.pause();
  if (video.srcObject instanceof MediaStream) video.srcObject.getTracks().forEach((t) => t.stop());
  video.srcObject = null;
  if (video.src.startsWith('blob:')) URL.revokeObjectURL(video.src);
  video.removeAttribute('src');
  video.load();
}

async function play(video: HTMLVideoElement): Promise<void> {
  await video.play();
  if (!video.videoWidth) await new Promise((r) => video.addEventListener('loadedmetadata', r, { once: true }));
}

export async function startWebcam(video: HTMLVideoElement): Promise<void> {
  if (!navigator.mediaDevices?.getUserMedia) throw new Error('This browser has no camera access (getUserMedia missing; is the page served over https?)');
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 320 }, height: { ideal: 240 } }, audio: false });
  } catch (e) {
    const err = e as DOMException;
    const why = err.name === 'NotAllowedError' ? 'permission denied' : err.name === 'NotFoundError' ? 'no camera found' : err.message;
    throw new Error(`Camera unavailable: ${why}`);
  }
  stopSource(video);
  video.srcObject = stream;
  await play(video);
}

/** Plays a Blob (a picked file or the demo clip) in a loop. */
export async function startBlob(video: HTMLVideoElement, blob: Blob): Promise<void> {
  stopSource(video);
  video.src = URL.createObjectURL(blob);
  video.loop = true;
  try {
    await play(video);
  } catch (e) {
    throw new Error(`Cannot play this video (${(e as Error).message}); WebM (VP8/VP9) plays everywhere`);
  }
}

/** The demo clip is fetched whole, not streamed: a cached copy then plays offline without range requests. */
export async function startDemo(video: HTMLVideoElement): Promise<void> {
  const res = await fetch(DEMO_CLIP);
  if (!res.ok) throw new Error(`${DEMO_CLIP}: HTTP ${res.status}`);
  await startBlob(video, await res.blob());
}
