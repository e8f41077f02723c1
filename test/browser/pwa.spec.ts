// PWA in headless Chromium: real frames through the filter worker, checked against the same
// model run in Node; WebGPU (SwiftShader) against WASM; broken models; offline reload.
import type { Page } from '@playwright/test';
import { expect, test } from './test';
import { selectBackend, stats, waitForFrames as framesOf, type RunOnceResult } from './pwa-app';
import {
  PREVIEW_PORT, bicubicUpscale, columns, decode, diffStats, encode, meanLevel, nearestUpscale, referenceFilter, testCard,
  type Pixels,
} from './helpers';

const FILTER = 'sr-x2-quality';
const SCALE = 2;
/** The app opened on FILTER (without ?filter it starts on Auto). */
const APP = `/?filter=${FILTER}`;

/** Waits for `more` frames of FILTER (on `backend` when given). */
const waitForFrames = (page: Page, more: number, backend?: string) => framesOf(page, more, { filter: FILTER, backend });

test('auto backend avoids the SwiftShader WebGPU adapter and says why', async ({ page }) => {
  const foreign: string[] = [];
  page.on('request', (r) => { if (!r.url().startsWith(`http://localhost:${PREVIEW_PORT}/`) && !r.url().startsWith('blob:')) foreign.push(r.url()); });
  await page.goto(APP);
  const s = await waitForFrames(page, 1);
  expect(s.backend?.backend).toBe('wasm');
  expect(s.backend?.reason).toMatch(/software fallback \(swiftshader\)/);
  await expect(page.locator('#reason')).toContainText('swiftshader');
  // Served with COOP/COEP: cross-origin isolated, so the threaded WASM build runs, one thread per core.
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  expect(s.backend?.reason).toContain(cores > 1 ? `WASM with SIMD and ${Math.min(cores, 8)} threads` : 'WASM with SIMD on one thread (1 logical core)');
  expect(s.errors).toEqual([]);
  expect(foreign, 'the app requests nothing but itself').toEqual([]);
});

test('webcam frames filtered by sr-x2-quality on WASM match the model run in Node', async ({ page }) => {
  await page.goto(APP);
  await selectBackend(page, 'wasm');
  await page.selectOption('#source', 'webcam');
  await page.waitForFunction(() => (document.getElementById('video') as HTMLVideoElement).srcObject !== null);
  await waitForFrames(page, 2, 'wasm');
  // Camera frames come as VideoFrames from a MediaStreamTrackProcessor, not from the <video>.
  expect((await stats(page)).trackProcessor).toBe(true);

  const cap = await page.evaluate(() => window.__filterApp.capture());
  const input = decode(cap.input), output = decode(cap.output);
  // The fake camera plays a 160x120 y4m made from the demo clip (global-setup.ts).
  expect([input.width, input.height]).toEqual([160, 120]);
  expect([output.width, output.height]).toEqual([160 * SCALE, 120 * SCALE]);
  expect(meanLevel(input), 'camera frame is a real picture, not black').toBeGreaterThan(20);
  expect(meanLevel(output), 'output is not all zeros').toBeGreaterThan(20);

  // Same model, same input pixels, tfjs WASM in Node. Tolerance in 0-255 units: mean abs
  // error <= 1 and 99th percentile <= 3 (allows rounding and float order differences).
  const ref = await referenceFilter(FILTER, input);
  const vsRef = diffStats(output, ref);
  console.log(`sr-x2-quality webcam frame vs Node reference: mean ${vsRef.mean.toFixed(3)}, p99 ${vsRef.p99}, max ${vsRef.max}`);
  expect(vsRef.mean).toBeLessThanOrEqual(1);
  expect(vsRef.p99).toBeLessThanOrEqual(3);

  // The display shows the model's output, not a plain upscale of the input: it is much closer
  // to the reference than to bicubic, and differs from bicubic/nearest by > 1 on average
  // (the trained sr-x2-quality differs from bicubic by about 3.6 on this clip).
  const vsBicubic = diffStats(output, bicubicUpscale(input, SCALE));
  const vsNearest = diffStats(output, nearestUpscale(input, SCALE));
  console.log(`output vs bicubic: mean ${vsBicubic.mean.toFixed(3)}; vs nearest: mean ${vsNearest.mean.toFixed(3)}`);
  expect(vsBicubic.mean).toBeGreaterThan(1);
  expect(vsNearest.mean).toBeGreaterThan(1);
  expect(vsRef.mean).toBeLessThan(vsBicubic.mean / 2);

  // No tensor leak: the worker's tensor count stays flat while frames flow.
  const before = await page.evaluate(() => window.__filterApp.memory());
  await waitForFrames(page, 3, 'wasm');
  const after = await page.evaluate(() => window.__filterApp.memory());
  expect(after.numTensors).toBe(before.numTensors);
  expect((await stats(page)).errors).toEqual([]);
});

test('WebGPU (SwiftShader, forced) gives the WASM output; ms per 320x180 frame on each', async ({ page }) => {
  await page.goto(APP);
  await waitForFrames(page, 1);
  const run = (backend: string, input: Pixels, repeat: number, videoFrame = false) =>
    page.evaluate((req) => window.__filterApp.runOnce(req), { backend, filterId: FILTER, input, repeat, videoFrame });

  const tiny = encode(testCard(32, 24));
  const wasm = await run('wasm', tiny, 1);
  // The worker takes VideoFrames as well as ImageBitmaps, with the same result.
  const fromVideoFrame = await run('wasm', tiny, 1, true);
  expect(diffStats(decode(fromVideoFrame.output), decode(wasm.output)).max).toBe(0);
  const webgpu = await run('webgpu', tiny, 1);
  expect(webgpu.choice.backend).toBe('webgpu');
  const d = diffStats(decode(webgpu.output), decode(wasm.output));
  console.log(`webgpu vs wasm on 32x24: mean ${d.mean.toFixed(4)}, max ${d.max}`);
  expect(meanLevel(decode(webgpu.output)), 'WebGPU output is not all zeros').toBeGreaterThan(20);
  expect(d.max).toBeLessThanOrEqual(1);

  const frame = encode(testCard(320, 180));
  const wasmT = await run('wasm', frame, 4);
  const gpuT = await run('webgpu', frame, 2);
  // The first frame of a new size includes kernel compilation; report the later ones.
  const median = (r: RunOnceResult, key: 'totalMs' | 'inferMs') => {
    const t = r.timings.slice(1).map((x) => x[key]).sort((a, b) => a - b);
    return t[Math.floor(t.length / 2)].toFixed(0);
  };
  console.log(`ms per 320x180 frame in the worker (total incl. pixel conversion / model incl. readback): wasm ${median(wasmT, 'totalMs')} / ${median(wasmT, 'inferMs')}; webgpu (SwiftShader) queues its frame in ${median(gpuT, 'totalMs')} ms (no readback to wait for)`);
  console.log(`  all frames (first compiles kernels): wasm ${wasmT.timings.map((t) => t.totalMs.toFixed(0)).join(', ')}; webgpu ${gpuT.timings.map((t) => t.totalMs.toFixed(0)).join(', ')}`);
  const big = diffStats(decode(gpuT.output), decode(wasmT.output));
  expect(big.max).toBeLessThanOrEqual(1);
  // Readbacks: the warm-up at load reads once; then WASM reads each frame back once and the
  // WebGPU path (upload, model, draw into the worker's canvas) not at all.
  console.log(`readbacks: wasm ${wasmT.memory.readbacks} for ${wasmT.memory.frames} frames, webgpu ${gpuT.memory.readbacks} for ${gpuT.memory.frames} frames`);
  expect(wasmT.memory.readbacks).toBe(1 + 4);
  expect(gpuT.memory.readbacks).toBe(1);
});

test('style filters keep the frame size at any size and match the Node run, on WASM and WebGPU', async ({ page }) => {
  await page.goto(APP);
  await waitForFrames(page, 1);
  // 30x22: not a multiple of 4, so the worker pads (mirrored margin) and crops back.
  const card = testCard(30, 22);
  for (const id of ['style-anime', 'style-cartoon', 'style-painting']) {
    const ref = await referenceFilter(id, card);
    for (const backend of ['wasm', 'webgpu']) {
      const r = await page.evaluate((req) => window.__filterApp.runOnce(req), { backend, filterId: id, input: encode(card) });
      const out = decode(r.output);
      expect([out.width, out.height]).toEqual([30, 22]);
      const vsRef = diffStats(out, ref), vsInput = diffStats(out, card);
      console.log(`${id} on ${backend}: vs Node reference max ${vsRef.max}; mean change from the input ${vsInput.mean.toFixed(1)} levels`);
      expect(vsRef.max).toBeLessThanOrEqual(1);
      expect(vsInput.mean, 'the filter changes the picture').toBeGreaterThan(2);
    }
  }
  // At a working size (Auto's live tiers): the frame's own size back, guided by the frame.
  const big = testCard(160, 120);
  for (const backend of ['wasm', 'webgpu']) {
    const r = await page.evaluate((req) => window.__filterApp.runOnce(req), { backend, filterId: 'style-cartoon', input: encode(big), workScale: 0.5 });
    const out = decode(r.output);
    expect([out.width, out.height]).toEqual([160, 120]);
    const vsRef = diffStats(out, await referenceFilter('style-cartoon', big, 0.5));
    console.log(`style-cartoon at half size on ${backend}, guided back to 160x120: vs Node reference max ${vsRef.max}, mean ${vsRef.mean.toFixed(2)}`);
    expect(vsRef.max).toBeLessThanOrEqual(2);
    expect(diffStats(out, big).mean, 'the filter changes the picture').toBeGreaterThan(2);
    expect(diffStats(out, await referenceFilter('style-cartoon', big)).mean, 'the working size is not the full size').toBeGreaterThan(0.5);
  }
  // A frame above the tiling size, guided up from a quarter: the network sees 480x270, in one
  // piece (tiles' context would shrink to a quarter at the working size, and seams show).
  const hd = testCard(1920, 1080);
  const r1080 = await page.evaluate((req) => window.__filterApp.runOnce(req), { backend: 'wasm', filterId: 'style-cartoon', input: encode(hd), workScale: 0.25 });
  const vs1080 = diffStats(decode(r1080.output), await referenceFilter('style-cartoon', hd, 0.25));
  console.log(`style-cartoon on a 1920x1080 frame at a quarter, guided back: vs Node reference max ${vs1080.max}`);
  expect(vs1080.max).toBeLessThanOrEqual(2);
  // A style then x2 super-resolution, chained in one pass in the worker.
  const chain = 'style-anime+sr-x2-fast';
  const r = await page.evaluate((req) => window.__filterApp.runOnce(req), { backend: 'wasm', filterId: chain, input: encode(card) });
  const out = decode(r.output);
  expect([out.width, out.height]).toEqual([60, 44]);
  expect(diffStats(out, await referenceFilter(chain, card)).max).toBeLessThanOrEqual(1);
  expect(diffStats(out, await referenceFilter('sr-x2-fast', card)).mean, 'the style stage ran').toBeGreaterThan(2);
});

test('the strength slider blends the filter output with the browser-scaled source', async ({ page }) => {
  await page.goto(APP);
  await waitForFrames(page, 1);
  const after = testCard(64, 48);
  after.data.forEach((v, i) => { if (i % 4 !== 3) after.data[i] = 255 - v; }); // unlike the source
  const before = encode(testCard(32, 24));
  const compose = (strength: number) => page.evaluate((req) => window.__filterApp.compose(req), { after: encode(after), before, strength, split: 0 }).then(decode);
  const [full, none, half] = [await compose(1), await compose(0), await compose(0.5)];
  expect(diffStats(full, after).max).toBe(0);
  expect(diffStats(none, after).mean).toBeGreaterThan(50); // strength 0 shows the scaled source only
  const mid = { ...full, data: full.data.map((v, i) => Math.round((v + none.data[i]) / 2)) };
  expect(diffStats(half, mid).max).toBeLessThanOrEqual(1);
});

test('the compare shows the source at its own size when the filter ran at a smaller working size', async ({ page }) => {
  await page.goto(APP);
  await waitForFrames(page, 1);
  const card = testCard(64, 48);
  const small = testCard(32, 24);
  small.data.forEach((v, i) => { if (i % 4 !== 3) small.data[i] = 255 - v; }); // the "filtered" picture, unlike the source
  const shown = decode(await page.evaluate((req) => window.__filterApp.compose(req), { after: encode(small), before: encode(card), strength: 1, split: 0.5 }));
  expect([shown.width, shown.height]).toEqual([64, 48]);
  // Before: the source's own pixels, untouched; after: the filtered picture, drawn up to that size.
  expect(diffStats(columns(shown, 0, 30), columns(card, 0, 30)).max).toBe(0);
  expect(diffStats(columns(shown, 34, 64), columns(card, 34, 64)).mean).toBeGreaterThan(50);
});

test('a lost WebGPU device is replaced and filtering resumes with the same output', async ({ page }) => {
  await page.goto(APP);
  await waitForFrames(page, 1);
  const input = encode(testCard(32, 24));
  const wasm = await page.evaluate((req) => window.__filterApp.runOnce(req), { backend: 'wasm', filterId: FILTER, input });
  const r = await page.evaluate((req) => window.__filterApp.runOnce(req), { backend: 'webgpu', filterId: FILTER, input, repeat: 3, loseDeviceAfter: 1 });
  expect(r.choice.backend).toBe('webgpu');
  expect(r.memory.deviceRecoveries).toBe(1);
  expect(r.memory.frames).toBe(3);
  expect(meanLevel(decode(r.output))).toBeGreaterThan(20);
  expect(diffStats(decode(r.output), decode(wasm.output)).max).toBeLessThanOrEqual(1);
});

test('10,000 frames: tensor count, backend bytes and the page heap stay flat', async ({ page }) => {
  test.setTimeout(600_000);
  await page.goto(APP);
  await waitForFrames(page, 1);
  const input = encode(testCard(16, 16));
  const heap = () => page.evaluate(() => {
    (window as unknown as { gc(): void }).gc();
    return (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize;
  });
  const run = (repeat: number) => page.evaluate((req) => window.__filterApp.runOnce(req).then((r) => ({ memory: r.memory, frames: r.timings.length })), { backend: 'wasm', filterId: 'sr-x2-fast', input, repeat });
  const one = await run(1);
  const heapBefore = await heap();
  const t0 = Date.now();
  const many = await run(10_000);
  const heapAfter = await heap();
  console.log(`10,000 frames in ${((Date.now() - t0) / 1000).toFixed(0)} s: tensors ${one.memory.numTensors} -> ${many.memory.numTensors}, backend bytes ${one.memory.numBytes} -> ${many.memory.numBytes}, page heap ${(heapBefore / 1e6).toFixed(1)} -> ${(heapAfter / 1e6).toFixed(1)} MB`);
  expect(many.frames).toBe(10_000);
  expect(many.memory.frames).toBe(10_000);
  expect(many.memory.numTensors).toBe(one.memory.numTensors);
  expect(many.memory.numBytes).toBe(one.memory.numBytes);
  expect(heapAfter - heapBefore).toBeLessThan(8e6);
});

test('frames smaller than 16x16 are rejected with a clear message', async ({ page }) => {
  await page.goto(APP);
  await waitForFrames(page, 1);
  const message = await page.evaluate(
    (input) => window.__filterApp.runOnce({ backend: 'wasm', filterId: 'sr-x2-quality', input }).then(() => 'no error', (e: Error) => e.message),
    encode(testCard(8, 8)));
  expect(message).toContain('Frame is 8x8; filters need at least 16x16 pixels');
});

test('a filter switch among frames in flight: each frame is filtered by the filter chosen when it was sent, and none fails', async ({ page }) => {
  await page.goto(APP);
  await waitForFrames(page, 1);
  const outcomes = await page.evaluate(
    (input) => window.__filterApp.switchDuringFrames({ backend: 'wasm', from: 'style-anime', to: 'style-cartoon', input, before: 8, after: 8 }),
    encode(testCard(96, 64)));
  // The worker served a switch while frames were in it: frames sent after the switch came out of
  // the old filter, and a frame whose model was freed under it failed with tfjs's "Cannot read
  // properties of undefined (reading 'backend')", shown as "The filter stopped (...)".
  expect(outcomes).toEqual([...Array(8).fill('from'), ...Array(8).fill('to')]);
});

test.describe('broken models', () => {
  test.use({ serviceWorkers: 'block' });

  test('a missing or corrupt model names the file, and the good filter keeps running', async ({ page, context }) => {
    // A registry with two broken filters: one whose model.json is missing, one whose weights are cut short.
    await context.route('**/models/registry.json', async (route) => {
      const reg = await (await route.fetch()).json();
      reg.filters.push(
        { ...reg.filters[0], id: 'missing', title: 'Missing model', modelUrl: 'models/weights/missing/model.json' },
        { ...reg.filters[0], id: 'corrupt', title: 'Corrupt weights', modelUrl: 'models/weights/corrupt/model.json' },
      );
      await route.fulfill({ json: reg });
    });
    await context.route('**/models/weights/corrupt/model.json', async (route) =>
      route.fulfill({ response: await route.fetch({ url: route.request().url().replace('/corrupt/', `/${FILTER}/`) }) }));
    await context.route('**/models/weights/corrupt/weights.bin', async (route) => {
      const res = await route.fetch({ url: route.request().url().replace('/corrupt/', `/${FILTER}/`) });
      await route.fulfill({ body: (await res.body()).subarray(0, 1000), contentType: 'application/octet-stream' });
    });

    await page.goto(APP);
    await waitForFrames(page, 1);

    await page.selectOption('#filter', 'missing');
    await expect(page.locator('#error')).toContainText('models/weights/missing/model.json: HTTP 404');
    await expect(page.locator('#filter')).toHaveValue(FILTER);
    await waitForFrames(page, 2);

    await page.selectOption('#filter', 'corrupt');
    await expect(page.locator('#error')).toContainText('models/weights/corrupt/weights.bin: 1000 bytes, but the weights manifest');
    await expect(page.locator('#filter')).toHaveValue(FILTER);
    const s = await waitForFrames(page, 2);
    expect(s.errors).toHaveLength(2);
  });
});

/** The stats view's size and tier lines as a user reads them, at one moment (both come from one shown frame). */
async function shownLines(page: Page) {
  const { size, tier } = await page.evaluate(() => ({ size: document.getElementById('size')!.textContent ?? '', tier: document.getElementById('tier')!.textContent ?? '' }));
  const [sw, sh, ow, oh] = (size.match(/(\d+)×(\d+) → (\d+)×(\d+)/) ?? []).slice(1).map(Number);
  const [, filterId, percent] = tier.match(/^auto: (\S+) at (\d+)%$/) ?? [];
  return { size, tier, source: [sw, sh], output: [ow, oh], filterId, workScale: percent ? Number(percent) / 100 : NaN };
}

test('Auto measures the device, picks a tier for 24 fps and keeps filtering', async ({ page }) => {
  await page.goto('/');
  await page.waitForFunction(() => typeof window.__filterApp !== 'undefined');
  await expect(page.locator('#filter')).toHaveValue('auto');
  // Three warm-up and five measured frames, then the pick; then frames on the picked tier.
  await expect.poll(async () => (await stats(page)).frames, { timeout: 120_000 }).toBeGreaterThan(11);
  const s = await stats(page);
  expect(s.tier).not.toBeNull();
  expect(s.errors).toEqual([]);
  // Whatever Auto steps to meanwhile, the size line is the size of the tier the tier line names.
  for (let i = 0; i < 6; i++) {
    const shown = await shownLines(page);
    expect(shown.filterId, shown.tier).toMatch(/^sr-x2-/);
    expect(shown.source).toEqual([320, 240]);
    expect(shown.output, `${shown.size} at ${shown.tier}`).toEqual([2 * Math.round(320 * shown.workScale), 2 * Math.round(240 * shown.workScale)]);
    if (i === 0) console.log(`Auto on this machine: ${shown.tier} (${shown.size}), ${s.fps.toFixed(1)} fps`);
    await page.waitForTimeout(500);
  }
});

test('a chosen style filter keeps its filter and takes a working size that keeps the video live', async ({ page }) => {
  await page.goto('/?filter=style-anime');
  await page.waitForFunction(() => typeof window.__filterApp !== 'undefined');
  await expect.poll(async () => (await stats(page)).frames, { timeout: 120_000 }).toBeGreaterThan(11);
  const shown = await shownLines(page);
  console.log(`style-anime on the demo clip: ${shown.tier} (${shown.size}), ${(await stats(page)).fps.toFixed(1)} fps`);
  expect(shown.filterId).toBe('style-anime');
  // Whatever the working size, the worker guides the look back up to the clip's own 320x240.
  expect(shown.output).toEqual([320, 240]);
  // Never below a 90-pixel side for a style guided back up (host/working-size.ts MIN_GUIDED_SIDE): 3/8 of the 320x240 clip at the least.
  expect(shown.workScale).toBeGreaterThanOrEqual(0.37); // shown as a whole percent: 38%
  // The compare (on by default) draws the clip's own 320x240 beside the filtered picture.
  expect(await page.evaluate(() => { const c = document.getElementById('view') as HTMLCanvasElement; return [c.width, c.height]; })).toEqual([320, 240]);
  // A style on WASM runs on one-thread workers, one per core up to two, each with a frame (pwa/live.ts threadsFor).
  const workers = Math.min(2, await page.evaluate(() => navigator.hardwareConcurrency));
  await expect(page.locator('#backend')).toHaveText(workers > 1 ? `Running on your CPU: WASM, ${workers} workers of one thread` : 'Running on your CPU: WASM, one thread');
  expect((await stats(page)).errors).toEqual([]);
});

test('a filter slower than the clip drops frames instead of queuing them', async ({ page }) => {
  // sr-x2-quality on WASM takes over 100 ms per frame here; the demo clip runs at 15 fps.
  await page.goto(APP);
  await waitForFrames(page, 6, 'wasm');
  const s = await stats(page);
  console.log(`quality filter on the demo clip: ${s.fpsIn.toFixed(1)} fps in, ${s.fps.toFixed(1)} fps shown, ${s.dropped} frames dropped, latency p50 ${s.latencyP50.toFixed(0)} / p95 ${s.latencyP95.toFixed(0)} ms, worker ${s.timing!.totalMs.toFixed(0)} ms`);
  expect(s.dropped).toBeGreaterThan(0);
  expect(s.fpsIn).toBeGreaterThan(s.fps);
  await expect(page.locator('#fps')).toContainText('→');
  // One frame in flight: a frame's latency is one pass through the worker (plus the frame
  // grab and drawing), never a queue of them.
  expect(s.latencyMs).toBeLessThan(1.5 * s.timing!.totalMs + 50);
});

test('a crashed worker is reported and recreated, and filtering resumes', async ({ page }) => {
  await page.goto(APP);
  await waitForFrames(page, 1);
  await page.evaluate(() => window.__filterApp.simulateCrash());
  await expect(page.getByRole('alert')).toContainText('The filter stopped (simulated crash); restarting it');
  const s = await waitForFrames(page, 2);
  await expect(page.locator('#error')).toBeHidden();
  expect(s.errors).toEqual(['The filter stopped (simulated crash); restarting it…']);
});

test('offline: after the service worker takes control, a reload without network still filters the demo clip', async ({ page, context }) => {
  await page.goto(APP);
  await waitForFrames(page, 1);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
    }
  });

  await context.setOffline(true);
  await page.reload();
  const s = await waitForFrames(page, 2);
  expect(s.filters.map((f) => f.id)).toContain(FILTER);
  expect(s.errors).toEqual([]);
  expect(await page.evaluate(() => navigator.onLine)).toBe(false);
  expect(await page.evaluate(() => crossOriginIsolated), 'the cached pages keep their isolation headers').toBe(true);
  const out = decode((await page.evaluate(() => window.__filterApp.capture())).output);
  expect(meanLevel(out)).toBeGreaterThan(20);
});
