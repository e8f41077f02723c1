// Background (service worker in Chromium): issues the one-time secrets that let a compositor
// page start (protocol.ts says why), answers content scripts which site they are on, brings the
// settings to the current schema on install and update, and forwards the keyboard command.
// No network, no frames: everything here is small JSON.
import type { ClaimAnswer, OpenAnswer, RuntimeRequest, SessionKind, SiteAnswer, TabMessage } from './protocol';
import { migrateSettings } from './settings';

const COMPOSITOR_PATH = '/compositor/compositor.html';
/** A secret not claimed within this time is void (a compositor claims within a second of loading). */
const SECRET_TTL_MS = 30_000;

interface Pending { tabId: number; kind: SessionKind; host: string; expires: number }

/** Secrets live in storage.session (never written to disk, not readable by content scripts), so they outlive a service worker restart. */
const key = (secret: string) => `secret:${secret}`;

function newSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The tab's top-level host: settings are per site as the address bar shows it, also inside embedded frames. */
function siteOf(sender: chrome.runtime.MessageSender): string {
  const url = sender.tab?.url ?? sender.url ?? '';
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

async function handle(msg: RuntimeRequest, sender: chrome.runtime.MessageSender): Promise<SiteAnswer | OpenAnswer | ClaimAnswer | null> {
  if (sender.id !== chrome.runtime.id) return null;
  switch (msg?.type) {
    case 'site':
      return { host: siteOf(sender) };
    case 'open-session': {
      if (sender.tab?.id === undefined || (msg.kind !== 'video' && msg.kind !== 'camera')) return null;
      const secret = newSecret();
      const pending: Pending = { tabId: sender.tab.id, kind: msg.kind, host: siteOf(sender), expires: Date.now() + SECRET_TTL_MS };
      await chrome.storage.session.set({ [key(secret)]: pending });
      return { secret };
    }
    case 'claim-session': {
      if (typeof msg.secret !== 'string' || !/^[0-9a-f]{32}$/.test(msg.secret)) return { ok: false };
      const k = key(msg.secret);
      const pending = (await chrome.storage.session.get(k))[k] as Pending | undefined;
      await chrome.storage.session.remove(k); // one use, whatever the outcome
      // Only a compositor page of this extension, loaded in the tab whose content script asked.
      // (getURL would give the compositor's per-session dynamic URL; the document itself has the real origin.)
      const from = new URL(sender.url ?? 'about:blank');
      const fromCompositor = from.origin === self.location.origin && from.pathname === COMPOSITOR_PATH;
      if (!pending || pending.expires < Date.now() || sender.tab?.id !== pending.tabId || !fromCompositor) return { ok: false };
      const { debug } = await chrome.storage.local.get('debug');
      return { ok: true, kind: pending.kind, host: pending.host, debug: debug === true };
    }
    default:
      return null;
  }
}

chrome.runtime.onMessage.addListener((msg: RuntimeRequest, sender, sendResponse) => {
  handle(msg, sender).then(sendResponse, () => sendResponse(null));
  return true; // answered asynchronously
});

chrome.runtime.onInstalled.addListener(() => {
  void migrateSettings();
});

chrome.commands.onCommand.addListener((command, tab) => {
  if (command !== 'toggle-enhance' || tab?.id === undefined) return;
  const msg: TabMessage = { type: 'toggle-enhance' };
  // Every frame hears it; the one holding the focus acts (content.ts).
  chrome.tabs.sendMessage(tab.id, msg).catch(() => {}); // a tab without our content script
});
