// Content script (isolated world, document_start, every frame; built as one classic script).
// Wires the parts: the scanner finds videos, each gets an overlay view and an enhance session;
// the camera bridge serves the page-world camera hook; settings for this site (the tab's
// address) decide what shows, and changes from the popup or options page apply at once.
import type { RuntimeRequest, SiteAnswer, TabMessage } from '../protocol';
import { DEFAULTS, forSite, loadSettings, onSettingsChanged, type SiteSettings } from '../settings';
import { CameraBridge } from './camera-bridge';
import { EnhanceSession } from './enhance-session';
import { OverlayView } from './overlay-view';
import { VideoScanner } from './scanner';

interface Enhanced { view: OverlayView; session: EnhanceSession }

const enhanced = new Map<HTMLVideoElement, Enhanced>();
/** Last pointer position, viewport coordinates. */
const pointer = { x: -1, y: -1 };
let host = '';
let site: SiteSettings = DEFAULTS;

/** The tab's site: this frame's when it is the top one, else the top origin Chromium lists, else the background's answer. */
async function topHost(): Promise<string> {
  if (window.top === window) return location.hostname;
  const ancestors = location.ancestorOrigins;
  if (ancestors?.length) return new URL(ancestors[ancestors.length - 1]).hostname;
  const request: RuntimeRequest = { type: 'site' };
  const answer = (await chrome.runtime.sendMessage(request).catch(() => null)) as SiteAnswer | null;
  return answer?.host ?? location.hostname;
}

const siteReady: Promise<SiteSettings> = (async () => {
  host = await topHost();
  site = forSite(await loadSettings(), host);
  return site;
})();

const camera = new CameraBridge(() => siteReady);

function add(video: HTMLVideoElement): void {
  const view = new OverlayView(video, () => entry.session.toggle());
  const entry: Enhanced = { view, session: new EnhanceSession(video, view) };
  enhanced.set(video, entry);
  view.setButtonShown(site.enhance === 'button');
  if (site.enhance === 'always') enhanceLargest();
}

function remove(video: HTMLVideoElement): void {
  const entry = enhanced.get(video);
  entry?.session.stop();
  entry?.view.destroy();
  enhanced.delete(video);
}

/** The largest video on screen that has a picture. */
function largest(): Enhanced | undefined {
  let best: Enhanced | undefined;
  for (const [video, e] of enhanced) if (video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && e.view.area > (best?.view.area ?? 0)) best = e;
  return best;
}

/** Site set to "always": the largest video is enhanced, one at a time, so a page with many videos costs one session. */
function enhanceLargest(): void {
  const target = largest();
  if (!target || target.session.active) return;
  for (const e of enhanced.values()) if (e.session.active) e.session.stop();
  void target.session.start();
}

function applySettings(): void {
  for (const e of enhanced.values()) {
    e.view.setButtonShown(site.enhance === 'button');
    if (site.enhance === 'never' && e.session.active) e.session.stop();
  }
  if (site.enhance === 'always') enhanceLargest();
  camera.apply(site);
}

/** The keyboard command: the video under the pointer or holding the focus, else the largest. */
function toggleFocused(): void {
  if (!document.hasFocus() || site.enhance === 'never') return;
  const active = document.activeElement;
  const focused = [...enhanced].find(([video, e]) => e.view.rect && (video === active || video.parentElement?.contains(active) || isUnder(e.view)));
  (focused?.[1] ?? largest())?.session.toggle();
}

const isUnder = (view: OverlayView) => {
  const r = view.rect;
  return r !== null && pointer.x >= r.left && pointer.x < r.right && pointer.y >= r.top && pointer.y < r.bottom;
};

let syncQueued = false;
function syncAll(): void {
  if (syncQueued) return;
  syncQueued = true;
  requestAnimationFrame(() => {
    syncQueued = false;
    for (const e of enhanced.values()) {
      e.view.sync(pointer);
      e.session.relayout();
    }
  });
}

function main(): void {
  const w = window as unknown as { __gvfContentLoaded?: boolean };
  if (w.__gvfContentLoaded) return; // injected twice (extension reload)
  w.__gvfContentLoaded = true;
  camera.install();
  const scanner = new VideoScanner(add, remove);
  void siteReady.then(() => {
    scanner.start();
    applySettings();
  });
  onSettingsChanged((s) => {
    site = forSite(s, host);
    applySettings();
  });
  chrome.runtime.onMessage.addListener((msg: TabMessage, _sender, sendResponse) => {
    if (msg?.type === 'toggle-enhance') toggleFocused();
    if (msg?.type === 'which-site' && window.top === window) sendResponse({ host: location.hostname } satisfies SiteAnswer);
  });
  window.addEventListener('scroll', syncAll, { capture: true, passive: true });
  window.addEventListener('resize', syncAll, { passive: true });
  const onPointer = (e: PointerEvent): void => {
    pointer.x = e.clientX;
    pointer.y = e.clientY;
    for (const entry of enhanced.values()) entry.view.pointerAt(e.clientX, e.clientY);
  };
  window.addEventListener('pointermove', onPointer, { capture: true, passive: true });
  window.addEventListener('pointerdown', onPointer, { capture: true, passive: true });
  document.addEventListener('fullscreenchange', () => {
    for (const e of enhanced.values()) e.view.followFullscreen();
  });
  // Layout shifts that change no size and fire no event (content inserted above the video), an
  // overlay the page removed (put back; a picture whose compositor reloaded starts again), and
  // "always" picking up a video that started playing.
  setInterval(() => {
    for (const e of enhanced.values()) {
      if (!e.view.host.isConnected) e.view.followFullscreen();
      if (e.session.active && !e.view.placePicture()) {
        e.session.stop();
        void e.session.start();
      }
    }
    syncAll();
    if (site.enhance === 'always') enhanceLargest();
  }, 1000);
}

main();
