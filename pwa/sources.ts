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
  if (!video.videoWidth && video.readyState < HTMLMediaElement.HAVE_METADATA) await new Promise((r) => video.addEventListener('loadedmetadata', r, { once: true }));
}

/**
 * Sources that take a while to get (a camera's permission, the demo clip's download) check
 * `wanted` before taking the video element: a source the user picked meanwhile stays.
 */
export type StillWanted = () => boolean;

export async function startWebcam(video: HTMLVideoElement, wanted: StillWanted = () => true): Promise<void> {
  if (!navigator.mediaDevices?.getUserMedia) throw new Error('This browser has no camera access (getUserMedia missing; is the page served over https?)');
  let stream: MediaStream;
  try {
    // A call's camera size: the style filters draw their look at half of it and bring it back
    // with the camera's own edges, so the picture keeps its resolution (320x240 was shown 3.4x enlarged).
    stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 } }, audio: false });
  } catch (e) {
    const err = e as DOMException;
    const why = err.name === 'NotAllowedError' ? 'permission denied' : err.name === 'NotFoundError' ? 'no camera found' : err.message;
    throw new Error(`Camera unavailable: ${why}`);
  }
  if (!wanted()) {
    stream.getTracks().forEach((t) => t.stop());
    return;
  }
  stopSource(video);
  video.srcObject = stream;
  await play(video);
}

/** Messages for a file that cannot be filtered, in the user's language. */
export interface BlobMessages { noVideo: string; cannotPlay: string }

const DEFAULT_MESSAGES: BlobMessages = { noVideo: 'This file has no video track', cannotPlay: 'Cannot play this video; WebM (VP8/VP9) plays everywhere' };

/** Plays a Blob (a picked file or the demo clip) in a loop; rejects for a file with no video track. */
export async function startBlob(video: HTMLVideoElement, blob: Blob, messages: BlobMessages = DEFAULT_MESSAGES): Promise<void> {
  stopSource(video);
  const url = URL.createObjectURL(blob);
  video.src = url;
  video.loop = true;
  // A newer source may have taken the element meanwhile (its load interrupts this play()): leave it playing.
  const stopIfOurs = () => { if (video.src === url) stopSource(video); };
  try {
    await play(video);
  } catch (e) {
    stopIfOurs();
    throw new Error(`${messages.cannotPlay} (${(e as Error).message})`);
  }
  if (!video.videoWidth) {
    stopIfOurs();
    throw new Error(messages.noVideo);
  }
}

/** The demo clip is fetched whole, not streamed: a cached copy then plays offline without range requests. Resolves to the clip. */
export async function startDemo(video: HTMLVideoElement, wanted: StillWanted = () => true): Promise<Blob> {
  const res = await fetch(DEMO_CLIP);
  if (!res.ok) throw new Error(`${DEMO_CLIP}: HTTP ${res.status}`);
  const blob = await res.blob();
  if (wanted()) await startBlob(video, blob);
  return blob;
}
