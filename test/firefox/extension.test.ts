// The built extension (dist/extension, the same manifest as Chromium's) installed into Debian's
// Firefox ESR as a temporary add-on over WebDriver BiDi: Enhance on a strict-CSP page's video
// and the camera filter on a page that calls getUserMedia, each compositor's output matching
// the Node run of its filter.
import type { Browser, Frame, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveFixtures, type FixtureServer } from '../browser/fixture-server';
import { PNG } from 'pngjs';
import { clip640x360, decode, diffStats } from '../browser/helpers';
import { EXTENSION_BASE, clickEnhanceButton, compositorFrames, compositors, debugOf, debugPixels, expectNodeMatch, installExtension, launchFirefox, openExtensionPage, poll } from './firefox';

const VIDEO_FILTER = 'sr-x2-fast';
const CAMERA_FILTER = 'style-anime';
let browser: Browser;
let fixtures: FixtureServer;

/** The worker's output for its input against the Node run of `filter` (0-255 levels). */
async function checkAgainstNode(frame: Frame, filter: string, what: string): Promise<void> {
  const px = await debugPixels(frame);
  await expectNodeMatch(filter, decode(px.input), decode(px.output), what);
}

/** The default video filter, set from the options page as a user's choice would be. */
async function setVideoFilter(id: string): Promise<void> {
  const options = await browser.newPage();
  await openExtensionPage(options, 'options/options.html');
  await options.evaluate(`chrome.storage.sync.get('defaults').then(({ defaults }) => chrome.storage.sync.set({ version: 1, defaults: { ...defaults, videoFilter: ${JSON.stringify(id)} } }))`);
  await options.close();
}

beforeAll(async () => {
  fixtures = await serveFixtures();
  browser = await launchFirefox({ extensionPages: true });
  await installExtension(browser, { videoFilter: VIDEO_FILTER, cameraFilter: CAMERA_FILTER, cameraDefault: false });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await fixtures?.close();
});

describe('the extension in Firefox ESR', () => {
  it('Enhance on a strict-CSP page: a real click starts it, and the output matches the Node run', async () => {
    const page = await browser.newPage();
    await page.goto(fixtures.url('video-page.html', { foreign: fixtures.foreignOrigin }));
    await poll('the video playing', () => page.evaluate(() => (document.getElementById('main') as HTMLVideoElement).readyState >= 2), 20_000);
    await clickEnhanceButton(page);
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

  it('the options page and the popup show their labelled controls, and a change is stored', async () => {
    const labels = (page: Page) => page.evaluate(`[...document.querySelectorAll('select, input')].map((c) => c.labels?.[0]?.textContent?.trim() || c.getAttribute('aria-label') || '').filter(Boolean)`) as Promise<string[]>;
    const options = await browser.newPage();
    await openExtensionPage(options, 'options/options.html');
    await poll('the form', async () => (await labels(options)).length > 0, 10_000);
    const names = await labels(options);
    expect(names.some((n) => n.includes('Camera filter'))).toBe(true);
    expect(names.some((n) => n.includes('Video filter'))).toBe(true);
    // Change the default camera filter as a user would: the select's change event writes storage.
    const cameraSelect = (await options.evaluate(`[...document.querySelectorAll('select')].find((c) => c.labels?.[0]?.textContent?.includes('Camera filter'))?.id`)) as string;
    await options.select(`#${cameraSelect}`, 'style-cartoon');
    await poll('the stored camera filter', () => options.evaluate(`chrome.storage.sync.get('defaults').then((v) => v.defaults.cameraFilter === 'style-cartoon')`), 10_000);
    await options.select(`#${cameraSelect}`, CAMERA_FILTER);
    await options.close();
    const popup = await browser.newPage();
    await openExtensionPage(popup, 'popup/popup.html');
    const text = (await poll('the popup', () => popup.evaluate(`document.body.innerText.trim().length > 40 && document.body.innerText`), 10_000)) as string;
    console.log(`Firefox options controls: ${names.join(', ')}; popup: ${text.replace(/\s+/g, ' ').slice(0, 120)}`);
    expect(text).toContain('All settings');
    await popup.close();
  }, 120_000);

  it('a page built like a real site: every video gets its button, and video.js keeps its controls over the enhanced picture', async () => {
    clip640x360();
    await setVideoFilter('style-cartoon'); // a picture that differs from the video's own, so what lies on top shows
    const page = await browser.newPage();
    await page.goto(fixtures.url('site-page.html'));
    // Native, video.js and the lazy player (in a closed shadow tree, after 1.5 s); the iframe's in its own document.
    await poll('the overlays', async () => (await page.evaluate(`document.querySelectorAll('gvf-enhance-overlay').length`)) === 3, 20_000);
    const embedded = page.frames().find((f) => f.url().includes('site-frame.html'))!;
    await poll('the iframe\'s overlay', async () => (await embedded.evaluate(`document.querySelectorAll('gvf-enhance-overlay').length`)) === 1, 20_000);
    // Firefox leaves video.js's muted autoplay paused: the user starts it, and the control bar shows once it has.
    await poll('video.js ready', () => page.evaluate(`document.querySelector('#vjs .vjs-big-play-button') !== null && document.getElementById('vjs_html5_api').readyState >= 2`), 20_000);
    if (await page.evaluate(`document.getElementById('vjs_html5_api').paused`)) await page.click('#vjs .vjs-big-play-button');
    await poll('video.js playing', () => page.evaluate(`document.getElementById('vjs_html5_api').readyState >= 2 && document.querySelector('#vjs .vjs-control-bar').getBoundingClientRect().width > 0`), 20_000);
    await page.evaluate(`document.getElementById('vjs_html5_api').pause()`);
    const box = (sel: string) => page.evaluate(`(() => { const r = document.querySelector(${JSON.stringify(sel)}).getBoundingClientRect(); return { x: r.left, y: r.top, width: r.width, height: r.height }; })()`) as Promise<{ x: number; y: number; width: number; height: number }>;
    const v = await box('#vjs_html5_api');
    const strip = await box('#vjs .vjs-control-bar'), picture = { x: v.x + v.width * 0.3, y: v.y + v.height * 0.25, width: v.width * 0.4, height: v.height * 0.35 };
    const shot = async (clip: typeof v) => { const png = PNG.sync.read(Buffer.from(await page.screenshot({ clip }))); return { width: png.width, height: png.height, data: new Uint8Array(png.data) }; };
    await page.mouse.move(1, 1);
    const before = [await shot(strip), await shot(picture)];
    await clickEnhanceButton(page, 'vjs_html5_api');
    await compositorFrames(page, 1);
    await page.mouse.move(1, 1);
    await new Promise((r) => setTimeout(r, 1000));
    const [stripChange, pictureChange] = [diffStats(before[0], await shot(strip)).mean, diffStats(before[1], await shot(picture)).mean];
    console.log(`Firefox video.js: Enhance changed the picture by ${pictureChange.toFixed(1)} levels, the control strip by ${stripChange.toFixed(1)}`);
    expect(pictureChange, 'the enhanced picture shows').toBeGreaterThan(5);
    expect(stripChange, 'the controls stay over the enhanced picture').toBeLessThan(pictureChange * 0.5);
    await page.close();
    await setVideoFilter(VIDEO_FILTER);
  }, 180_000);

  it('a hostile page cannot start, drive or read the extension, and a real click still works', async () => {
    const page = await browser.newPage();
    await page.goto(fixtures.url('hostile-page.html', { ext: `${EXTENSION_BASE}compositor/compositor.html` }));
    await poll('the attack', () => page.evaluate('window.attack.done'), 30_000);
    type Attack = { answers: string[]; shadowRoots: string[]; extUrls: string[]; cameraReply: string | null };
    const attack = (await page.evaluate('window.attack')) as Attack;
    const sessions = async () => { let n = 0; for (const f of await compositors(page)) if (await debugOf(f)) n++; return n; };
    expect(attack.answers, 'answers to the page\'s own connect messages').toEqual([]);
    expect(attack.shadowRoots).toEqual(['null']);
    expect(attack.extUrls).toEqual([]);
    expect(JSON.parse(attack.cameraReply ?? '{}')).toMatchObject({ type: 'refused' });
    expect(await sessions(), 'sessions started by script clicks or the page\'s own embed').toBe(0);
    // The user's real click starts a session; the page attacks it again and gets nothing.
    await clickEnhanceButton(page);
    await poll('a real session', async () => (await sessions()) === 1, 30_000);
    await page.evaluate('window.attackAgain()');
    await new Promise((r) => setTimeout(r, 1000));
    const again = (await page.evaluate('window.attack')) as Attack;
    console.log(`Firefox hostile page: ${again.answers.length} answers, shadow roots ${JSON.stringify(again.shadowRoots)}, extension URLs seen ${again.extUrls.length}, camera request ${attack.cameraReply}`);
    expect(again.answers).toEqual([]);
    expect(again.extUrls).toEqual([]);
    await page.close();
  }, 120_000);
});
