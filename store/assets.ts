// npm run store:assets [-- --camera-clip FILE --face FILE --only styles]: the store listing's images, taken from the real
// apps (the built extension loaded unpacked in Debian's Chromium, the built PWA under vite preview):
//   store/assets/screenshot-1-enhance.png      Enhance on a video.js player: the browser's scaling | the enhanced picture
//   store/assets/screenshot-2-camera-call.png  the camera filter in a video call (both ends)
//   store/assets/screenshot-3-popup.png        the popup over a page
//   store/assets/screenshot-4-pwa-export.png   the PWA studio exporting a filtered file
//   store/assets/promo-440x280.png             the small promo tile
//   docs/screenshots/styles-face.png           for the README: a face through each style (the Node run of each filter)
// All 1280x800 but the tile (store/rules.ts). The camera plays --camera-clip (default: the MIT
// webcam clip in ../shared/data/videos; any clip with a face will do); the styles sheet uses --face
// (default: a CC0 portrait in ../shared/data/faces). The images are committed; nothing in the
// tests runs this.
import { chromium } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { KEEP_NAMES, compositorFrames, debugState, launchExtensionForScript, setDefaults, clickOverlayButton } from '../test/browser/extension-helpers.js';
import { poll, servePwa } from '../test/firefox/firefox.js';
import { readFlags } from '../models/train/cli/flags.js';
import { plainLaunchOptions } from '../test/browser/chromium.js';
import { DEMO_CLIP, made, referenceFilter, type Rgba } from '../test/browser/helpers.js';
import { PROMO_TILE, SCREENSHOT } from './rules.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const out = (name: string) => join(repoRoot, 'store/assets', name);
const flags = readFlags(process.argv.slice(2));
const CAMERA_CLIP = flags['camera-clip'] ?? join(repoRoot, '../shared/data/videos/webcam_talking_400x300.mp4');
const FACE = flags.face ?? join(repoRoot, '../shared/data/faces/interfaces-001.jpg');
const VIEWPORT = { width: SCREENSHOT.width, height: SCREENSHOT.height };
const WAIT_MS = 120_000;

/** The built extension at the screenshots' size. */
const launch = (camera?: string) => launchExtensionForScript({ viewport: VIEWPORT, camera });

/** Waits until the compositor in `page` has filtered `count` frames. */
const framesDone = (page: Page, what: string, count: number) =>
  poll(what, async () => compositorFrames(page).length > 0 && (await debugState(compositorFrames(page)[0])).framesDone >= count, WAIT_MS);

const dataUrl = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`;

/** A page of our own laid out in HTML (labels, composition), screenshotted at its size. */
async function compose(html: string, size: { width: number; height: number }, path: string): Promise<void> {
  const browser = await chromium.launch(plainLaunchOptions());
  try {
    const page = await browser.newPage({ viewport: size });
    await page.setContent(`<!doctype html><html><body style="margin:0;width:${size.width}px;height:${size.height}px;overflow:hidden;font:16px system-ui,sans-serif">${html}</body></html>`);
    await page.evaluate(() => Promise.all([...document.images].map((i) => i.decode())));
    await page.screenshot({ path });
  } finally {
    await browser.close();
  }
}

const label = (text: string, side: 'left' | 'right') =>
  `<div style="position:absolute;top:14px;${side}:14px;padding:6px 12px;border-radius:6px;background:rgba(10,12,18,.78);color:#fff;font-weight:600">${text}</div>`;

/** The video.js player's video element on the site page. */
const VJS = '#vjs video';

/** Enhance on a paused 320x180 video in a video.js player: the browser's scaling left, the enhanced picture right. */
async function enhanceShot(): Promise<Buffer> {
  const clip = made('store-clip-320x180.webm', (o) => ['-i', DEMO_CLIP, '-vf', 'scale=320:180,setsar=1', '-c:v', 'libvpx-vp9', '-b:v', '300k', '-an', o]);
  const env = await launch();
  try {
    await setDefaults(env, { videoFilter: 'sr-x2-quality' });
    const page = await env.context.newPage();
    await page.goto(env.url('site-page.html', { clip: clip.split('/').pop()! }));
    // A big player, as a site's watch page has: the other test players out of the way.
    await page.addStyleTag({ content: 'main { display: block !important } main > section:not(:has(#vjs)) { display: none !important } #vjs { width: 1216px !important; height: 684px !important }' });
    await page.waitForFunction((sel) => (document.querySelector(sel) as HTMLVideoElement | null)?.readyState! >= 2, VJS);
    await page.evaluate(async (sel) => {
      const v = document.querySelector(sel) as HTMLVideoElement;
      v.scrollIntoView({ block: 'end' });
      v.pause();
      v.currentTime = 3.2;
      await new Promise((r) => v.addEventListener('seeked', r, { once: true }));
    }, VJS);
    const settle = async () => { await page.mouse.move(2, 2); await page.waitForTimeout(4000); }; // hover UI hides again
    await settle();
    const before = await page.screenshot();
    await clickOverlayButton(page, VJS);
    await framesDone(page, 'an enhanced frame', 1);
    await settle();
    const after = await page.screenshot();
    const path = out('screenshot-1-enhance.png');
    await compose(`<img src="${dataUrl(before)}" style="position:absolute;inset:0">
      <img src="${dataUrl(after)}" style="position:absolute;inset:0;clip-path:inset(0 0 0 50%)">
      <div style="position:absolute;top:0;bottom:0;left:639px;width:2px;background:#fff;box-shadow:0 0 6px #000"></div>
      ${label("◀ the browser's scaling (320x180 video)", 'left')}${label('enhanced on this device ▶', 'right')}`, VIEWPORT, path);
    return readFileSync(path);
  } finally {
    await env.close();
  }
}

/** The camera filter in a call: the page's own camera menu lists the filtered camera; both ends show it. */
async function cameraShot(): Promise<void> {
  if (!existsSync(CAMERA_CLIP)) throw new Error(`--camera-clip ${CAMERA_CLIP} does not exist`);
  const y4m = made('store-camera-640x480.y4m', (o) => ['-i', CAMERA_CLIP, '-t', '8', '-vf', 'scale=640:480,setsar=1,fps=30', '-pix_fmt', 'yuv420p', o]);
  const env = await launch(y4m);
  try {
    await setDefaults(env, { cameraFilter: 'style-cartoon', cameraDefault: false });
    const page = await env.context.newPage();
    await page.goto(env.url('call-page.html'));
    await page.waitForFunction(() => [...(document.getElementById('camera') as HTMLSelectElement).options].some((o) => o.text.endsWith('(filtered)')));
    await page.evaluate(() => {
      const sel = document.getElementById('camera') as HTMLSelectElement;
      sel.value = [...sel.options].find((o) => o.text.endsWith('(filtered)'))!.value;
      sel.dispatchEvent(new Event('change'));
    });
    await page.click('#start');
    // Call-sized videos; the fake camera's name is a file path, so the menu row is left out.
    await page.addStyleTag({ content: 'video { width: 616px !important; height: 462px !important } body > p:first-of-type { display: none !important }' });
    await framesDone(page, 'the filtered camera', 30);
    await poll('the remote end', () => page.evaluate(() => (document.getElementById('remote') as HTMLVideoElement).readyState >= 2), WAIT_MS);
    await page.waitForTimeout(2000);
    await page.screenshot({ path: out('screenshot-2-camera-call.png') });
  } finally {
    await env.close();
  }
}

/** The popup as the toolbar opens it, over the page it acts on. */
async function popupShot(): Promise<void> {
  const env = await launch();
  try {
    const page = await env.context.newPage();
    await page.goto(env.url('site-page.html'));
    await page.waitForFunction((sel) => (document.querySelector(sel) as HTMLVideoElement | null)?.readyState! >= 2, VJS);
    await clickOverlayButton(page, VJS);
    await framesDone(page, 'enhanced frames', 2);
    await page.mouse.move(2, 2);
    await page.waitForTimeout(3000);
    const pageShot = await page.screenshot();
    await page.bringToFront();
    const tab = await env.sw.evaluate(async () => (await chrome.tabs.query({ active: true, lastFocusedWindow: true }))[0].id!);
    const popup = await env.context.newPage();
    await popup.setViewportSize({ width: 340, height: 460 });
    await popup.goto(`chrome-extension://${env.id}/popup/popup.html?tab=${tab}`);
    await popup.waitForTimeout(1000);
    const size = await popup.evaluate(() => ({ width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight }));
    const shot = await popup.screenshot({ clip: { x: 0, y: 0, width: Math.min(340, size.width), height: Math.min(460, size.height) } });
    await compose(`<img src="${dataUrl(pageShot)}" style="position:absolute;inset:0">
      <div style="position:absolute;inset:0;background:rgba(0,0,0,.25)"></div>
      <img src="${dataUrl(shot)}" style="position:absolute;top:12px;right:16px;border-radius:8px;box-shadow:0 8px 28px rgba(0,0,0,.5)">`, VIEWPORT, out('screenshot-3-popup.png'));
  } finally {
    await env.close();
  }
}

/** The PWA studio with a file open, exporting it through a filter. */
async function pwaShot(): Promise<void> {
  const server = await servePwa(4188);
  const browser = await chromium.launch(plainLaunchOptions());
  try {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.addInitScript({ content: KEEP_NAMES });
    await page.goto(`${server.url}?filter=style-cartoon`);
    await page.waitForFunction(() => typeof (window as { __filterApp?: unknown }).__filterApp !== 'undefined');
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Open a video file…' }).click();
    await (await chooser).setFiles(made('store-pwa-clip.webm', (o) => ['-stream_loop', '2', '-i', DEMO_CLIP, '-t', '20', '-c:v', 'libvpx-vp9', '-b:v', '800k', o]));
    await page.waitForTimeout(6000);
    await page.getByRole('button', { name: 'Export video' }).click();
    await poll('export progress', () => page.getByRole('progressbar', { name: 'Export progress' }).evaluate((p: HTMLProgressElement) => p.value > 0.15), WAIT_MS);
    await page.screenshot({ path: out('screenshot-4-pwa-export.png') });
  } finally {
    await browser.close();
    await server.stop();
  }
}

/** The small promo tile: icon, name, and a crop of the enhance before/after. */
async function promoTile(enhance: Buffer): Promise<void> {
  const icon = readFileSync(join(repoRoot, 'pwa/public/icon.svg'), 'utf8');
  await compose(`<div style="position:absolute;inset:0;background:#12161f"></div>
    <div style="position:absolute;left:0;top:0;width:440px;height:170px;background:url(${dataUrl(enhance)}) -420px -250px / 1280px 800px"></div>
    <div style="position:absolute;left:219px;top:0;width:2px;height:170px;background:#fff"></div>
    <div style="position:absolute;left:20px;top:186px;width:64px;height:64px">${icon.replace('<svg ', '<svg width="64" height="64" ')}</div>
    <div style="position:absolute;left:100px;top:188px;color:#fff;font-size:28px;font-weight:700">GAN Video Filter</div>
    <div style="position:absolute;left:100px;top:226px;color:#c9d1e0;font-size:15px">Sharper video, styled camera, on device.</div>`, PROMO_TILE, out('promo-440x280.png'));
}

/** A face through each style filter at full size (the Node run, which the browser tests match), labelled. */
async function stylesOnFace(): Promise<void> {
  if (!existsSync(FACE)) throw new Error(`--face ${FACE} does not exist`);
  const side = 384;
  const face: Rgba = { width: side, height: side, data: new Uint8Array(execFileSync('ffmpeg', ['-v', 'error', '-i', FACE, '-vf', `scale=${side}:${side}:force_original_aspect_ratio=increase,crop=${side}:${side}`, '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'], { maxBuffer: 1 << 24 })) };
  const png = (img: Rgba) => { const p = new PNG({ width: img.width, height: img.height }); p.data = Buffer.from(img.data); return PNG.sync.write(p); };
  const panels: [string, Rgba][] = [['Photo', face]];
  for (const [id, title] of [['style-cartoon', 'Cartoon'], ['style-painting', 'Painting'], ['style-anime', 'Anime']]) panels.push([title, await referenceFilter(id, face)]);
  const size = { width: panels.length * (side + 8) + 8, height: side + 52 };
  await compose(`<div style="position:absolute;inset:0;background:#12161f;display:flex;gap:8px;padding:8px">${panels.map(([title, img]) =>
    `<figure style="margin:0;color:#e6e9ef;text-align:center"><img src="${dataUrl(png(img))}" width="${side}" height="${side}" style="display:block"><figcaption style="padding-top:8px;font-weight:600">${title}</figcaption></figure>`).join('')}</div>`,
  size, join(repoRoot, 'docs/screenshots/styles-face.png'));
}

async function main(): Promise<void> {
  if (flags.only === 'styles') return stylesOnFace();
  await stylesOnFace();
  console.log('styles-face.png');
  const enhance = await enhanceShot();
  console.log('screenshot-1-enhance.png');
  await promoTile(enhance);
  console.log('promo-440x280.png');
  await popupShot();
  console.log('screenshot-3-popup.png');
  await cameraShot();
  console.log('screenshot-2-camera-call.png');
  await pwaShot();
  console.log('screenshot-4-pwa-export.png');
}

main().catch((e) => { console.error(e); process.exit(1); });
