// npm run bench:firefox [-- --seconds 10]: the extension's frame rates in Debian's Firefox ESR
// (dist/extension installed over BiDi, test/firefox/firefox.ts), beside each source's own rate:
//  - Enhance with Auto on a 640x360 30 fps video: frames the compositor finishes per second;
//  - the camera filter (style-anime) on Firefox's fake 640x480 camera: frames per second of the
//    filtered track in the page's preview.
// The compositors' debug copies stay on (the frame count is read from them). Screenshots go to
// bench/tmp/. Writes bench/results-firefox.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import type { Page } from 'puppeteer-core';
import { serveFixtures } from '../test/browser/fixture-server.js';
import { REPO_ROOT, clip640x360 } from '../test/browser/helpers.js';
import { clickEnhanceButton, compositorFrames, debugOf, firefoxVersion, installExtension, launchFirefox, poll } from '../test/firefox/firefox.js';

const argv = process.argv.slice(2);
const SECONDS = Number(argv[argv.indexOf('--seconds') + 1] || 10);
const SHOTS = `${REPO_ROOT}bench/tmp`;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Frames `video` presents per second over `seconds` (requestVideoFrameCallback). */
const presented = (page: Page, id: string, seconds: number) => page.evaluate(`new Promise((resolve) => {
  const v = document.getElementById(${JSON.stringify(id)});
  let n = 0;
  const tick = () => { n++; v.requestVideoFrameCallback(tick); };
  v.requestVideoFrameCallback(tick);
  setTimeout(() => resolve(n / ${seconds}), ${seconds * 1000});
})`) as Promise<number>;

mkdirSync(SHOTS, { recursive: true });
clip640x360();
const fixtures = await serveFixtures();
const browser = await launchFirefox({ extensionPages: true });
const results: Record<string, unknown>[] = [];
try {
  await installExtension(browser, { videoFilter: 'auto', cameraFilter: 'style-anime', cameraDefault: false });

  const page = await browser.newPage();
  await page.goto(fixtures.url('video-page.html', { clip: 'clip-640x360.webm' }));
  await poll('the video playing', () => page.evaluate(`document.getElementById('main').readyState >= 2`), 20_000);
  const videoFps = await presented(page, 'main', 3);
  await clickEnhanceButton(page);
  const { frame } = await compositorFrames(page, 1);
  await wait(8000); // Auto measures, picks and settles
  const before = (await debugOf(frame))!;
  await wait(SECONDS * 1000);
  const after = (await debugOf(frame))!;
  const tier = await frame.evaluate('globalThis.__gvfDebug.tier');
  await page.screenshot({ path: `${SHOTS}/firefox-enhance.png` });
  results.push({ case: 'enhance Auto, 640x360 30 fps video', videoFps, shownFps: +((after.framesDone - before.framesDone) / SECONDS).toFixed(1), backend: after.backend, tier });
  await page.close();

  const call = await browser.newPage();
  await call.goto(fixtures.url('call-page.html'));
  for (const filtered of [false, true]) {
    await call.evaluate(`(async () => {
      const devices = await navigator.mediaDevices.enumerateDevices();
      const id = devices.find((d) => d.kind === 'videoinput' && d.deviceId.startsWith('gvf-filtered:') === ${filtered})?.deviceId;
      const s = await navigator.mediaDevices.getUserMedia({ video: { deviceId: { exact: id }, width: 640, height: 480, frameRate: 30 } });
      window.call.stream = s;
      const v = document.getElementById('local');
      v.srcObject = s;
      await v.play();
    })()`);
    const compositor = filtered ? (await compositorFrames(call, 12)).frame : null;
    await wait(filtered ? 8000 : 2000);
    const fps = await presented(call, 'local', SECONDS);
    const track = await call.evaluate(`(() => { const t = window.call.stream.getVideoTracks()[0]; return { label: t.label, size: [t.getSettings().width, t.getSettings().height] }; })()`);
    if (filtered) await call.screenshot({ path: `${SHOTS}/firefox-camera.png` });
    const tier = compositor ? await compositor.evaluate('globalThis.__gvfDebug.tier') : null;
    results.push({ case: `camera 640x480, filter ${filtered ? 'style-anime' : 'off'}`, fps, track, tier });
    await call.evaluate(`window.call.stream.getTracks().forEach((t) => t.stop())`);
  }
} finally {
  await browser.close();
  await fixtures.close();
}
for (const r of results) console.log(JSON.stringify(r));
const machine = { cpu: cpus()[0]?.model.replace(/\s+\d+-Core Processor/, '').trim(), cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), firefox: firefoxVersion(), date: new Date().toISOString() };
writeFileSync(`${REPO_ROOT}bench/results-firefox.json`, `${JSON.stringify({ machine, seconds: SECONDS, results }, null, 2)}\n`);
