// Page world (MAIN), document_start, every frame: puts the filtered camera where call apps look
// for cameras. getUserMedia answers with the filtered camera when the user chose a camera filter
// for this site (on every call, or only when the page picks it, as the settings say), and
// enumerateDevices lists it as "<camera> (filtered)" beside each real camera.
//
// This script lives in the page's world, so it holds nothing the page may not have: it opens
// the real camera with the page's own constraints (the page could do that itself), hands that
// track to the content script, and gets back a track of filtered frames. The content script
// checks the track is a real camera before filtering anything, so a page cannot use the
// extension to filter pictures of its choosing. Everything a track reports (settings,
// capabilities, constraints) comes from the real camera behind it.
import { CAMERA_REPLY, CAMERA_REQUEST, type CameraReply, type CameraRequest } from './protocol';

const VIRTUAL_PREFIX = 'gvf-filtered:';
/** The content script answers within milliseconds; a page without it (extension being updated) keeps its real camera. */
const REPLY_TIMEOUT_MS = 5000;

type State = Extract<CameraReply, { type: 'state' }> & { filter: string };

(() => {
  const md = navigator.mediaDevices;
  if (!md || (globalThis as { __gvfCameraHook?: true }).__gvfCameraHook) return;
  Object.defineProperty(globalThis, '__gvfCameraHook', { value: true });
  const realGetUserMedia = md.getUserMedia.bind(md);
  const realEnumerateDevices = md.enumerateDevices.bind(md);

  /** One request to the content script: DOM events on a private element, which also carries a stream each way. */
  function request(req: CameraRequest, stream?: MediaStream, el = document.createElement('audio')): Promise<{ reply: CameraReply | null; stream: MediaStream | null; el: HTMLMediaElement }> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ reply: null, stream: null, el }), REPLY_TIMEOUT_MS);
      el.addEventListener(CAMERA_REPLY, (e) => {
        clearTimeout(timer);
        let reply: CameraReply | null = null;
        try { reply = JSON.parse(String((e as CustomEvent).detail)) as CameraReply; } catch { /* not ours */ }
        resolve({ reply, stream: el.srcObject instanceof MediaStream ? el.srcObject : null, el });
      }, { once: true });
      if (stream) el.srcObject = stream;
      // Attached only while the event is dispatched (synchronously), so the content script's listener sees it.
      (document.documentElement ?? document).appendChild(el);
      el.dispatchEvent(new CustomEvent(CAMERA_REQUEST, { bubbles: true, composed: true, detail: JSON.stringify(req) }));
      el.remove();
    });
  }

  async function state(): Promise<State | null> {
    const { reply } = await request({ type: 'query' });
    return reply?.type === 'state' && reply.filter ? (reply as State) : null;
  }

  /** The deviceId constraint's value(s), whatever form the page used. */
  function deviceIds(video: MediaTrackConstraints): string[] {
    const d = video.deviceId;
    if (d === undefined) return [];
    if (typeof d === 'string' || Array.isArray(d)) return ([] as string[]).concat(d);
    return ([] as string[]).concat(d.exact ?? [], d.ideal ?? []);
  }

  /** The same constraints with virtual device ids replaced by the real camera's. */
  function realConstraints(video: MediaTrackConstraints): MediaTrackConstraints {
    const real = (id: string) => (id.startsWith(VIRTUAL_PREFIX) ? id.slice(VIRTUAL_PREFIX.length) : id);
    const map = (v: string | string[]) => (Array.isArray(v) ? v.map(real).filter(Boolean) : real(v) || undefined);
    const d = video.deviceId;
    if (d === undefined) return video;
    const deviceId = typeof d === 'string' || Array.isArray(d) ? map(d) : { ...(d.exact ? { exact: map(d.exact) } : {}), ...(d.ideal ? { ideal: map(d.ideal) } : {}) };
    const out = { ...video, deviceId } as MediaTrackConstraints;
    if (deviceId === undefined || (typeof deviceId === 'object' && !Array.isArray(deviceId) && !('exact' in deviceId) && !('ideal' in deviceId))) delete out.deviceId;
    return out;
  }

  /** Makes the filtered track report the real camera behind it, and stop that camera once every clone has stopped. */
  function present(filtered: MediaStreamTrack, real: MediaStreamTrack, el: HTMLMediaElement, suffix: string): MediaStreamTrack {
    const virtualId = VIRTUAL_PREFIX + (real.getSettings().deviceId ?? '');
    let live = 0;
    const wrap = (track: MediaStreamTrack): MediaStreamTrack => {
      live++;
      let stopped = false;
      const stop = track.stop.bind(track);
      Object.defineProperties(track, {
        label: { get: () => `${real.label}${suffix}`, configurable: true },
        getSettings: { value: () => ({ ...real.getSettings(), deviceId: virtualId }), configurable: true },
        getCapabilities: { value: () => ({ ...real.getCapabilities(), deviceId: virtualId }), configurable: true },
        getConstraints: { value: () => real.getConstraints(), configurable: true },
        applyConstraints: { value: (c?: MediaTrackConstraints) => real.applyConstraints(c ? realConstraints(c) : c), configurable: true },
        clone: { value: () => wrap(MediaStreamTrack.prototype.clone.call(track)), configurable: true },
        stop: {
          value: () => {
            stop();
            if (stopped) return;
            stopped = true;
            if (--live === 0) {
              real.stop();
              void request({ type: 'close' }, undefined, el);
            }
          },
          configurable: true,
        },
      });
      return track;
    };
    return wrap(filtered);
  }

  md.getUserMedia = async function getUserMedia(constraints?: MediaStreamConstraints): Promise<MediaStream> {
    if (!constraints?.video) return realGetUserMedia(constraints);
    const video: MediaTrackConstraints = constraints.video === true ? {} : constraints.video;
    const picked = deviceIds(video).some((id) => id.startsWith(VIRTUAL_PREFIX));
    const s = await state();
    const wanted = s !== null && (picked || s.isDefault);
    const raw = await realGetUserMedia({ ...constraints, video: realConstraints(video) });
    if (!wanted) return raw;
    const [realTrack] = raw.getVideoTracks();
    const opened = await request({ type: 'open' }, new MediaStream([realTrack]));
    const filtered = opened.reply?.type === 'opened' ? opened.stream?.getVideoTracks()[0] : undefined;
    if (!filtered) {
      console.warn(`Camera filter not applied: ${opened.reply?.type === 'refused' ? opened.reply.message : 'no answer from the extension'}`);
      return raw;
    }
    return new MediaStream([present(filtered, realTrack, opened.el, s.suffix), ...raw.getAudioTracks()]);
  };

  md.enumerateDevices = async function enumerateDevices(): Promise<MediaDeviceInfo[]> {
    const [devices, s] = await Promise.all([realEnumerateDevices(), state()]);
    if (!s) return devices;
    const virtual = devices.filter((d) => d.kind === 'videoinput').map((d) => {
      const fields = { deviceId: VIRTUAL_PREFIX + d.deviceId, groupId: d.groupId, kind: d.kind, label: d.label ? `${d.label}${s.suffix}` : '' };
      const info = Object.create(Object.getPrototypeOf(d) as object) as MediaDeviceInfo;
      for (const [k, value] of Object.entries(fields)) Object.defineProperty(info, k, { value, enumerable: true });
      Object.defineProperty(info, 'toJSON', { value: () => ({ ...fields }) });
      const caps = (d as InputDeviceInfo).getCapabilities?.bind(d);
      if (caps) Object.defineProperty(info, 'getCapabilities', { value: () => ({ ...caps(), deviceId: fields.deviceId }) });
      return info;
    });
    // Listed first when it is the default camera, as apps take the first camera by default.
    return s.isDefault ? [...virtual, ...devices] : [...devices, ...virtual];
  };
})();
