// The extension on a page built like a real video site (fixtures/site-page.html: SVG sprites,
// foreignObject, custom elements, a lazy player, an iframe, native controls and a real video.js
// player): every video gets its button; the player's controls stay over the enhanced picture and
// take clicks; a fullscreen <video> keeps the enhanced picture; the badge keeps out of the way.
import type { Frame, Page } from '@playwright/test';
import { PNG } from 'pngjs';
import {
  clickOverlayButton, compositorFrames, debugPixels, debugState, launchExtension, overlayOver, setDefaults,
  type ExtensionEnv,
} from './extension-helpers';
import { clip640x360, decode, diffStats, type Rgba } from './helpers';
import { expect, test } from './test';

/** A style filter: its picture differs from the video's own by about 16 levels, so what lies on top shows. */
const FILTER = 'style-cartoon';
const SHOTS = '/tmp/extension-sites';

let env: ExtensionEnv;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  clip640x360();
  env = await launchExtension({ viewport: { width: 800, height: 600 } });
  await setDefaults(env, { videoFilter: FILTER });
});

test.afterAll(async () => {
  await env?.close();
});

interface Box { x: number; y: number; width: number; height: number }

const boxOf = (page: Page, selector: string): Promise<Box> => page.evaluate((sel) => {
  const r = document.querySelector(sel)!.getBoundingClientRect();
  return { x: r.left, y: r.top, width: r.width, height: r.height };
}, selector);

/** A screenshot of `clip`; with a name, the whole page is kept under SHOTS too (to look at). */
async function shot(page: Page, clip: Box, name?: string): Promise<Rgba> {
  const png = PNG.sync.read(await page.screenshot({ clip }));
  if (name) await page.screenshot({ path: `${SHOTS}/${name}.png` });
  return { width: png.width, height: png.height, data: new Uint8Array(png.data) };
}

/** Mean colour per cell of a cols x rows grid over `img` (or its `part`, in its own pixels): compares pictures drawn at different scales. */
function cells(img: Rgba, cols: number, rows: number, part: Box = { x: 0, y: 0, width: img.width, height: img.height }): number[] {
  const out: number[] = [];
  for (let cy = 0; cy < rows; cy++) for (let cx = 0; cx < cols; cx++) {
    const x0 = Math.round(part.x + (cx * part.width) / cols), x1 = Math.round(part.x + ((cx + 1) * part.width) / cols);
    const y0 = Math.round(part.y + (cy * part.height) / rows), y1 = Math.round(part.y + ((cy + 1) * part.height) / rows);
    const sum = [0, 0, 0];
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) for (let c = 0; c < 3; c++) sum[c] += img.data[(y * img.width + x) * 4 + c];
    out.push(...sum.map((v) => v / ((x1 - x0) * (y1 - y0))));
  }
  return out;
}
const meanAbs = (a: number[], b: number[]) => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;

async function enhancedFrame(page: Page, selector: string, frames = 1): Promise<Frame> {
  const before = compositorFrames(page).length;
  await clickOverlayButton(page, selector);
  await expect.poll(() => compositorFrames(page).length, { timeout: 30_000 }).toBe(before + 1);
  const frame = compositorFrames(page).at(-1)!;
  await expect.poll(async () => {
    const s = await debugState(frame);
    if (s.error) throw new Error(`compositor: ${s.error}`);
    return s.framesDone;
  }, { timeout: 90_000 }).toBeGreaterThanOrEqual(frames);
  return frame;
}

const pauseVideo = (page: Page, selector: string) => page.evaluate((sel) => {
  const v = document.querySelector(sel) as HTMLVideoElement;
  v.pause();
  return new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
}, selector);

test('a page built like a real site: SVG icons, custom elements, a lazy player and an iframe; every video gets its Enhance button', async () => {
  const page = await env.context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(env.url('site-page.html'));
  // Native, video.js, and the lazy player (built after 1.5 s in a closed shadow tree).
  await expect.poll(() => page.locator('gvf-enhance-overlay').count(), { timeout: 15_000 }).toBe(3);
  const embedded = page.frame({ url: /site-frame\.html/ })!;
  await expect.poll(() => embedded.locator('gvf-enhance-overlay').count(), { timeout: 15_000 }).toBe(1);
  for (const sel of ['#native', '#vjs_html5_api']) expect(await overlayOver(page, sel), sel).not.toBeNull();
  expect(errors.filter((e) => /openOrClosedShadowRoot|invocation/.test(e)), 'the scanner never fails on an element').toEqual([]);
  await page.close();
});

/**
 * Screenshots of a paused player before and after Enhance (pointer away from it): the control
 * strip must change much less than the picture, as it does when the controls are on top (a
 * translucent bar lets a third of the picture through); an enhanced picture laid over the
 * controls changed them as much as the picture.
 */
async function controlsStayOnTop(page: Page, video: string, strip: Box, name: string): Promise<Frame> {
  const vbox = await boxOf(page, video);
  const picture = { x: vbox.x + vbox.width * 0.3, y: vbox.y + vbox.height * 0.25, width: vbox.width * 0.4, height: vbox.height * 0.35 };
  await pauseVideo(page, video);
  await page.mouse.move(1, 1);
  await page.waitForTimeout(300);
  const [stripBefore, pictureBefore] = [await shot(page, strip), await shot(page, picture)];
  const frame = await enhancedFrame(page, video);
  await page.mouse.move(1, 1);
  await page.waitForTimeout(500);
  const [stripAfter, pictureAfter] = [await shot(page, strip, name), await shot(page, picture)];
  const stripChange = diffStats(stripBefore, stripAfter).mean, pictureChange = diffStats(pictureBefore, pictureAfter).mean;
  console.log(`${name}: Enhance changed the picture by ${pictureChange.toFixed(1)} levels, the player's control strip by ${stripChange.toFixed(1)}`);
  expect(pictureChange, 'the enhanced picture shows').toBeGreaterThan(5);
  expect(stripChange, 'the controls stay over the enhanced picture').toBeLessThan(pictureChange * 0.5);
  return frame;
}

test('the player\'s controls stay over the enhanced picture, and clicks reach them: video.js and native controls', async () => {
  test.setTimeout(180_000);
  const page = await env.context.newPage();
  await page.goto(env.url('site-page.html'));
  await page.waitForFunction(() => (document.getElementById('vjs_html5_api') as HTMLVideoElement | null)?.readyState! >= 2 && (document.getElementById('native') as HTMLVideoElement).readyState >= 2);

  // video.js: its control bar is a later sibling of its <video>, laid over it.
  await controlsStayOnTop(page, '#vjs_html5_api', await boxOf(page, '#vjs .vjs-control-bar'), 'videojs-controls');
  await page.locator('#vjs .vjs-play-control').click();
  await expect.poll(() => page.evaluate(() => (window as unknown as { player: { paused(): boolean } }).player.paused())).toBe(false);
  await page.locator('#vjs .vjs-play-control').click();
  await expect.poll(() => page.evaluate(() => (window as unknown as { player: { paused(): boolean } }).player.paused())).toBe(true);

  // Native controls: painted by the <video> itself, shown while paused; the bottom strip stays the video's own.
  const n = await boxOf(page, '#native');
  await controlsStayOnTop(page, '#native', { x: n.x, y: n.y + n.height - 40, width: n.width, height: 40 }, 'native-controls');
  // The play button: the left end of the buttons' row, above the timeline.
  await page.mouse.click(n.x + 24, n.y + n.height - 48);
  await expect.poll(() => page.evaluate(() => (document.getElementById('native') as HTMLVideoElement).paused)).toBe(false);
  await page.close();
});

test('a <video> in fullscreen keeps its enhanced picture on screen', async () => {
  test.setTimeout(180_000);
  const page = await env.context.newPage();
  await page.goto(env.url('site-page.html'));
  await page.waitForFunction(() => (document.getElementById('native') as HTMLVideoElement).readyState >= 2);
  const frame = await enhancedFrame(page, '#native', 2);
  await pauseVideo(page, '#native');
  await page.locator('#fs-native').click(); // the page's own button: video.requestFullscreen()
  await page.waitForFunction(() => document.fullscreenElement?.id === 'native');
  await page.mouse.move(1, 1);
  await page.waitForTimeout(800);
  const screen = await shot(page, { x: 0, y: 0, width: 800, height: 600 }, 'video-fullscreen');
  // The paused frame as the video shows it, and as the compositor filtered it.
  const { output } = await debugPixels(frame);
  const raw = decode(await page.evaluate(() => {
    const v = document.getElementById('native') as HTMLVideoElement;
    const ctx = new OffscreenCanvas(v.videoWidth, v.videoHeight).getContext('2d')!;
    ctx.drawImage(v, 0, 0);
    const d = ctx.getImageData(0, 0, v.videoWidth, v.videoHeight);
    let s = '';
    for (let i = 0; i < d.data.length; i += 0x8000) s += String.fromCharCode(...d.data.subarray(i, i + 0x8000));
    return { width: d.width, height: d.height, rgba: btoa(s) };
  }));
  // 640x360 contained in 800x600: 800x450 at y = 75. The top three quarters (the bottom has the controls).
  const shown = { x: 0, y: 75, width: 800, height: 450 * 0.75 };
  const onScreen = cells(screen, 16, 6, shown);
  const part = (img: Rgba) => cells(img, 16, 6, { x: 0, y: 0, width: img.width, height: img.height * 0.75 });
  const vsOutput = meanAbs(onScreen, part(decode(output))), vsVideo = meanAbs(onScreen, part(raw));
  console.log(`fullscreen <video>: the screen vs the enhanced frame ${vsOutput.toFixed(1)} levels, vs the video's own ${vsVideo.toFixed(1)}`);
  expect(vsOutput, 'the screen shows the enhanced picture, not the video\'s own').toBeLessThan(vsVideo / 2);
  await page.evaluate(() => document.exitFullscreen());
  await page.waitForFunction(() => document.fullscreenElement === null);
  await page.close();
});

test('while enhancing, the badge keeps out of the way: figures only with the pointer over the video', async () => {
  const page = await env.context.newPage();
  await page.goto(env.url('site-page.html'));
  await page.waitForFunction(() => (document.getElementById('native') as HTMLVideoElement).readyState >= 2);
  await enhancedFrame(page, '#native', 3);
  await page.mouse.move(1, 1);
  await expect.poll(async () => (await overlayOver(page, '#native'))?.badge.visible).toBe(false);
  expect((await overlayOver(page, '#native'))?.button.visible).toBe(false);
  const n = await boxOf(page, '#native');
  await page.mouse.move(n.x + n.width / 2, n.y + n.height / 3);
  await expect.poll(async () => (await overlayOver(page, '#native'))?.badge).toMatchObject({ visible: true, text: expect.stringMatching(/fps/) });
  expect((await overlayOver(page, '#native'))?.button).toMatchObject({ visible: true, text: 'Stop' });
  await page.close();
});
