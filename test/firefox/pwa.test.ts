// The PWA in Debian's Firefox ESR (no WebGPU on Linux, no MediaStreamTrackProcessor): the demo
// clip, a file and the fake webcam filtered on WASM, matching the Node run of the same filter, and an
// offline reload that still filters. Firefox is driven over WebDriver BiDi (firefox.ts).
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clip640x360, decode, meanLevel, type Pixels, type Rgba } from '../browser/helpers';
import { appStats, expectNodeMatch, firefoxVersion, launchFirefox, poll, servePwa, waitForFrames } from './firefox';

const FILTER = 'sr-x2-fast';
let browser: Browser;
let server: Awaited<ReturnType<typeof servePwa>>;
let page: Page;

/** The last frame the app filtered, and its output, from the test hook. */
async function capture(): Promise<{ input: Rgba; output: Rgba }> {
  const next = page.evaluate(() => (window as unknown as { __filterApp: { capture(): Promise<unknown> } }).__filterApp.capture()) as Promise<{ input: Pixels; output: Pixels }>;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stalled = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('no frame filtered in 90 s')), 90_000); });
  const cap = await Promise.race([next, stalled]).catch(async (e: Error) => { throw new Error(`${e.message}: ${JSON.stringify(await appStats(page))}`); }).finally(() => clearTimeout(timer));
  return { input: decode(cap.input), output: decode(cap.output) };
}

/** The app's output for its input against the Node run of the filter (0-255 levels). */
async function checkAgainstNode(what: string): Promise<void> {
  const { input, output } = await capture();
  expect([output.width, output.height]).toEqual([input.width * 2, input.height * 2]);
  expect(meanLevel(output), `${what}: output is a picture, not black`).toBeGreaterThan(20);
  await expectNodeMatch(FILTER, input, output, what);
}

beforeAll(async () => {
  console.log(`Firefox: ${firefoxVersion()}`);
  server = await servePwa(4191);
  browser = await launchFirefox();
  page = await browser.newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the PWA in Firefox ESR', () => {
  it('filters the demo clip on WASM (one thread), as the Node run of the filter does', async () => {
    await page.goto(`${server.url}?filter=${FILTER}`);
    const s = await waitForFrames(page, 3, FILTER);
    console.log(`Firefox backend: ${s.backend?.backend}: ${s.backend?.reason}`);
    expect(s.backend?.backend).toBe('wasm');
    await checkAgainstNode('demo clip');
  }, 180_000);

  it('filters the webcam (frames read without MediaStreamTrackProcessor)', async () => {
    await page.select('#source', 'webcam');
    await poll('the camera', () => page.evaluate(() => (document.getElementById('video') as HTMLVideoElement).srcObject instanceof MediaStream), 30_000);
    const s = await waitForFrames(page, 3, FILTER);
    expect(await page.evaluate(() => ((document.getElementById('video') as HTMLVideoElement).srcObject as MediaStream).getVideoTracks()[0].readyState)).toBe('live');
    expect(s.trackProcessor).toBe(false);
    await checkAgainstNode('fake webcam');
  }, 180_000);

  it('filters a video file picked with the file input', async () => {
    const input = await page.$('input#file');
    await input!.uploadFile(clip640x360());
    await poll('the file playing', async () => (await appStats(page)).source === 'clip-640x360.webm', 30_000);
    await waitForFrames(page, 3, FILTER);
    const { input: frame } = await capture();
    expect([frame.width, frame.height]).toEqual([640, 360]);
    await checkAgainstNode('a file');
  }, 180_000);

  it('reloads offline from the service worker and still filters', async () => {
    await page.goto(`${server.url}?filter=${FILTER}`);
    await waitForFrames(page, 1, FILTER);
    const controlled = await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller) await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
      return Boolean(navigator.serviceWorker.controller);
    });
    expect(controlled).toBe(true);
    await page.setOfflineMode(true);
    await server.stop(); // nothing can come from the network either way
    await page.reload();
    await waitForFrames(page, 2, FILTER);
    expect(await page.evaluate(() => navigator.onLine)).toBe(false);
    expect((await appStats(page)).errors).toEqual([]);
    await checkAgainstNode('offline reload');
  }, 180_000);
});
