// Opens a compositor page (extension origin) for a content script: asks the background for a
// one-time secret, lays the iframe where `mount` puts it, and hands the iframe a private
// MessagePort together with the secret in one postMessage to that frame. The compositor starts
// only after the background confirms the secret (protocol.ts), so a page that posts its own
// "connect" to the frame, or embeds the page itself, gets nothing.
import { t } from '../i18n';
import { CONNECT, type ConnectMessage, type FrameToHost, type HostToFrame, type OpenAnswer, type RuntimeRequest, type SessionKind } from '../protocol';

const FRAME_URL = chrome.runtime.getURL('compositor/compositor.html');
const EXT_ORIGIN = new URL(chrome.runtime.getURL('')).origin;
/** The compositor answers at once with a status; silence this long means the connection never happened. */
const ANSWER_TIMEOUT_MS = 10_000;

export class CompositorLink {
  private watchdog: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  private constructor(readonly iframe: HTMLIFrameElement, private readonly port: MessagePort) {}

  /** Resolves once the iframe has its port; `onMessage` then hears everything it says, `onSilent` if it says nothing. */
  static async open(kind: SessionKind, mount: (iframe: HTMLIFrameElement) => void, onMessage: (msg: FrameToHost) => void, onSilent: () => void): Promise<CompositorLink> {
    const request: RuntimeRequest = { type: 'open-session', kind };
    const answer = (await chrome.runtime.sendMessage(request)) as OpenAnswer | null;
    if (!answer?.secret) throw new Error(t('errorNoBackground'));
    const iframe = document.createElement('iframe');
    iframe.src = FRAME_URL;
    iframe.title = t(kind === 'video' ? 'enhancedVideo' : 'cameraFilter');
    iframe.setAttribute('aria-hidden', 'true');
    iframe.tabIndex = -1;
    mount(iframe);
    await new Promise<void>((resolve) => iframe.addEventListener('load', () => resolve(), { once: true }));
    if (!iframe.contentWindow) throw new Error(t('errorNoAnswer'));
    const channel = new MessageChannel();
    const link = new CompositorLink(iframe, channel.port1);
    channel.port1.onmessage = (e: MessageEvent<FrameToHost>) => {
      if (link.closed) return;
      clearTimeout(link.watchdog);
      onMessage(e.data);
    };
    link.watchdog = setTimeout(() => { if (!link.closed) onSilent(); }, ANSWER_TIMEOUT_MS);
    const connect: ConnectMessage = { type: CONNECT, secret: answer.secret };
    iframe.contentWindow.postMessage(connect, EXT_ORIGIN, [channel.port2]);
    return link;
  }

  post(msg: HostToFrame, transfer: Transferable[] = []): void {
    if (!this.closed) this.port.postMessage(msg, transfer);
  }

  /** Stops the compositor and removes its iframe (its document, worker and model go with it). */
  close(): void {
    if (this.closed) return;
    this.post({ type: 'stop' });
    this.closed = true;
    clearTimeout(this.watchdog);
    this.port.close();
    this.iframe.remove();
  }
}
