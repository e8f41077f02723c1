// The built extension (dist/extension, the same manifest as Chromium's) installed into Debian's
// Firefox ESR as a temporary add-on over WebDriver BiDi: Enhance on a strict-CSP page's video
// and the camera filter on a page that calls getUserMedia, each compositor's output matching
// the Node run of its filter.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Browser, Frame, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveFixtures, type FixtureServer } from '../browser/fixture-server';
import { REPO_ROOT, decode, diffStats, referenceFilter, type Pixels } from '../browser/helpers';
import { EXTENSION, EXTENSION_BASE, launchFirefox, openExtensionPage, poll } from './firefox';

const EXT_DIR = join(REPO_ROOT, 'dist/extension');
const VIDEO_FILTER = 'sr-x2-fast';
const CAMERA_FILTER = 'style-anime';
let browser: Browser;
let fixtures: FixtureServer;

/**
 * The compositor frames in `page`. Puppeteer reports "about:blank" for an extension iframe
 * (it moves to the extension's process), so each child frame is asked for its own location.
 */
async function compositors(page: Page): Promise<Frame[]> {
  const out: Frame[] = [];
  for (const f of page.frames()) {
    if (f === page.mainFrame()) continue;
    const href = (await f.evaluate('location.href').catch(() => '')) as string;
    if (href === `${EXTENSION_BASE}compositor/compositor.html`) out.push(f);
  }
  return out;
}

interface Debug { framesDone: number; error: string | null; filter: string | null; backend: string | null }
const debugOf = (f: Frame) => f.evaluate(`(() => { const d = globalThis.__gvfDebug; return d ? { framesDone: d.framesDone, error: d.error ?? null, filter: d.ready?.filter?.id ?? null, backend: d.ready?.backend?.backend ?? null } : null; })()`) as Promise<Debug | null>;

/** Waits for `count` frames done in the compositor of `page`; a compositor error fails at once. */
async function compositorFrames(page: Page, count: number): Promise<{ frame: Frame; debug: Debug }> {
  const [frame] = await poll('the compositor iframe', async () => { const c = await compositors(page); return c.length ? c : null; }, 30_000);
  const end = Date.now() + 120_000;
  for (;;) {
    const d = await debugOf(frame);
    if (d?.error) throw new Error(`compositor: ${d.error}`);
    if (d && d.framesDone >= count) return { frame, debug: d };
    if (Date.now() > end) throw new Error(`compositor: ${d?.framesDone ?? 0} of ${count} frames in 120 s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The compositor's last input and output, as its worker got and returned them (the debug flag keeps them). */
const debugPixels = async (f: Frame) => (await f.evaluate(`(() => {
  const b64 = (a) => { let s = ''; for (let i = 0; i < a.length; i += 0x8000) s += String.fromCharCode(...a.subarray(i, i + 0x8000)); return btoa(s); };
  const px = (p) => ({ width: p.width, height: p.height, rgba: b64(p.data) });
  const d = globalThis.__gvfDebug;
  return { input: px(d.lastInput), output: px(d.lastOutput) };
})()`)) as { input: Pixels; output: Pixels };

/** The worker's output for its input against the Node run of `filter` (0-255 levels). */
async function checkAgainstNode(frame: Frame, filter: string, what: string): Promise<void> {
  const px = await debugPixels(frame);
  const input = decode(px.input), output = decode(px.output);
  const vsRef = diffStats(output, await referenceFilter(filter, input));
  console.log(`Firefox ${what}: ${filter}, ${input.width}x${input.height} -> ${output.width}x${output.height}, vs Node mean ${vsRef.mean.toFixed(3)}, p99 ${vsRef.p99}`);
  expect(vsRef.mean).toBeLessThanOrEqual(1);
  expect(vsRef.p99).toBeLessThanOrEqual(3);
}

beforeAll(async () => {
  if (!existsSync(join(EXT_DIR, 'manifest.json'))) execFileSync('npm', ['run', 'build:extension'], { cwd: REPO_ROOT, stdio: 'inherit' });
  fixtures = await serveFixtures();
  browser = await launchFirefox({ extensionPages: true });
  expect(await browser.installExtension(EXT_DIR)).toBe(EXTENSION.id);
  // Settings and the debug flag, written from the extension's options page as a user's choices would be.
  const options = await browser.newPage();
  await openExtensionPage(options, 'options/options.html');
  await poll('the first settings', () => options.evaluate(`chrome.storage.sync.get('version').then((v) => v.version)`), 10_000);
  await options.evaluate(`(async () => {
    await chrome.storage.local.set({ debug: true });
    const { defaults } = await chrome.storage.sync.get('defaults');
    await chrome.storage.sync.set({ version: 1, defaults: { ...defaults, videoFilter: '${VIDEO_FILTER}', cameraFilter: '${CAMERA_FILTER}', cameraDefault: false } });
  })()`);
  await options.close();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await fixtures?.close();
});

describe('the extension in Firefox ESR', () => {
  it('Enhance on a strict-CSP page: a real click starts it, and the output matches the Node run', async () => {
    const page = await browser.newPage();
    await page.setViewport({ width: 720, height: 480 });
    await page.goto(fixtures.url('video-page.html', { foreign: fixtures.foreignOrigin }));
    await poll('the video playing', () => page.evaluate(() => (document.getElementById('main') as HTMLVideoElement).readyState >= 2), 20_000);
    // The button sits at the top left of the video's content box (overlay-view.ts), shown on hover; its shadow root is closed.
    const at = await page.evaluate(() => { const r = document.getElementById('main')!.getBoundingClientRect(); return { x: r.left + 5, y: r.top + 5 }; });
    await page.mouse.move(at.x + 100, at.y + 100);
    await page.mouse.move(at.x + 20, at.y + 16);
    await page.mouse.click(at.x + 20, at.y + 16);
    const { frame, debug } = await compositorFrames(page, 4);
    console.log(`Firefox Enhance: ${debug.filter} on ${debug.backend}, ${debug.framesDone} frames`);
    expect(debug.filter).toBe(VIDEO_FILTER);
    await page.evaluate(() => (document.getElementById('main') as HTMLVideoElement).pause());
    await new Promise((r) => setTimeout(r, 1000));
    await checkAgainstNode(frame, VIDEO_FILTER, 'Enhance');
    await page.close();
  }, 180_000);

  it('the camera filter: a call on the "(filtered)" camera gets the styled picture', async () => {
    const page = await browser.newPage();
    await page.goto(fixtures.url('call-page.html'));
    // Firefox lists cameras without labels until the page has used one: the filtered camera is found by its id.
    const virtual = await poll('the filtered camera listed', async () => {
      const ids = (await page.evaluate(`window.call.devices.filter((d) => d.kind === 'videoinput').map((d) => d.deviceId)`)) as string[];
      return ids.find((id) => id.startsWith('gvf-filtered:'));
    }, 15_000);
    await page.select('#camera', virtual);
    await page.click('#start');
    const { frame, debug } = await compositorFrames(page, 12);
    expect(debug.filter).toBe(CAMERA_FILTER);
    const track = (await page.evaluate(`(() => { const t = window.call.stream.getVideoTracks()[0]; return { label: t.label, state: t.readyState, error: window.call.error }; })()`)) as { label: string; state: string; error: string | null };
    console.log(`Firefox camera: "${track.label}", ${debug.framesDone} frames filtered`);
    expect(track).toMatchObject({ state: 'live', error: null });
    expect(track.label).toMatch(/\(filtered\)$/);
    await checkAgainstNode(frame, CAMERA_FILTER, 'camera filter');
    await page.evaluate('window.hangUp()');
    await page.close();
  }, 180_000);
});
