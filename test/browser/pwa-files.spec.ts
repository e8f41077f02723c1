// The PWA with files, driven by accessible names as a user would: export a filtered file
// (checked with ffprobe and against the Node run of the filter), cancel, record, open files
// (picker, drag and drop, the same file twice), and the inputs that used to freeze it or leave
// it lying: a 4K file, a worker that stops answering, a file without video, a file that does
// not play, a phone-sized screen.
import { chromium, type Page } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { chromiumLaunchOptions } from './chromium';
import { DEMO_CLIP, PREVIEW_PORT, bicubicUpscale, clipLowBitrate, diffStats, ffprobe, made, meanLevel, nearestUpscale, referenceFilter, videoFrame } from './helpers';
import { stats, waitForFrames } from './pwa-app';
import { expect, test } from './test';

const vp9 = ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-row-mt', '1'];
const tone = ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'];
/** 2 s of the demo clip (320x240, 15 fps: 30 frames) with a tone as its sound. */
const clipWithSound = () => made('clip-2s-sound.webm', (out) => ['-i', DEMO_CLIP, ...tone, '-t', '2', '-map', '0:v', '-map', '1:a', ...vp9, '-b:v', '600k', '-c:a', 'libopus', out]);
/** 20 s (the demo clip twice), long enough to cancel mid-way. */
const longClip = () => made('clip-20s.webm', (out) => ['-stream_loop', '1', '-i', DEMO_CLIP, '-t', '20', ...vp9, '-b:v', '600k', out]);
/** 1 s at 3840x2160. */
const clip4k = () => made('clip-4k.webm', (out) => ['-i', DEMO_CLIP, '-t', '1', '-vf', 'scale=3840:2160,setsar=1', ...vp9, '-b:v', '4M', out]);
/** 3 frames at 1920x1080. */
const clip1080 = () => made('clip-1080p-3f.webm', (out) => ['-i', DEMO_CLIP, '-frames:v', '3', '-vf', 'scale=1920:1080,setsar=1', ...vp9, '-b:v', '3M', out]);
const audioOnly = () => made('tone.webm', (out) => [...tone, '-t', '2', '-c:a', 'libopus', out]);

/** Opens a file with the "Open a video file…" button and the system's file picker; resolves once it plays or an error shows. */
async function openFile(page: Page, file: string): Promise<void> {
  await page.waitForFunction(() => typeof window.__filterApp !== 'undefined');
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Open a video file…' }).click();
  await (await chooser).setFiles(file);
  const name = basename(file);
  await expect.poll(async () => { const s = await stats(page); return s.source === name || s.errorShown !== null; }).toBe(true);
}

const alert = (page: Page) => page.getByRole('alert');
const notice = (page: Page) => page.locator('#notice');

test('Export: every frame through the filter, at twice the size, with the sound, matching the Node run', async ({ page }, info) => {
  const clip = clipWithSound();
  await page.goto('/?filter=sr-x2-fast');
  await openFile(page, clip);
  await waitForFrames(page, 2, { filter: 'sr-x2-fast' });

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export video' }).click();
  await expect(page.getByRole('progressbar', { name: 'Export progress' })).toBeVisible();
  const file = info.outputPath('exported.webm');
  await (await download).saveAs(file);
  await expect(page.locator('#export-status')).toHaveText('Exported: the file is in your downloads.');

  const input = ffprobe(clip), output = ffprobe(file);
  const v = output.streams.find((s) => s.type === 'video')!, a = output.streams.find((s) => s.type === 'audio');
  console.log(`exported: ${v.frames} frames ${v.width}x${v.height} ${v.codec}, ${output.duration} s, audio ${a?.codec}; input ${input.streams[0].frames} frames, ${input.duration} s`);
  expect(v.frames, 'every frame, none dropped').toBe(input.streams.find((s) => s.type === 'video')!.frames);
  expect([v.width, v.height]).toEqual([640, 480]);
  expect(a?.codec).toBe('opus');
  expect(Math.abs(output.duration! - input.duration!)).toBeLessThan(0.1);

  // Frame 10 against the same filter run in Node on ffmpeg's decoding of input frame 10. The
  // export's VP9 encoding costs some levels: tolerance mean 3 (0-255 units).
  const source = videoFrame(clip, 10), exported = videoFrame(file, 10);
  const ref = await referenceFilter('sr-x2-fast', source);
  const vsRef = diffStats(exported, ref), vsBicubic = diffStats(exported, bicubicUpscale(source, 2));
  console.log(`exported frame 10 vs Node: mean ${vsRef.mean.toFixed(2)}, p99 ${vsRef.p99}; vs bicubic mean ${vsBicubic.mean.toFixed(2)}`);
  expect(meanLevel(exported)).toBeGreaterThan(20);
  expect(vsRef.mean).toBeLessThan(3);
  expect(vsRef.mean, 'closer to the filter than to plain bicubic').toBeLessThan(vsBicubic.mean);
  expect(diffStats(exported, nearestUpscale(source, 2)).mean, 'not the input scaled up').toBeGreaterThan(vsRef.mean);

  // Live filtering comes back after the export.
  await waitForFrames(page, 2, { filter: 'sr-x2-fast' });
});

test('Export: a 1080p file goes through the worker in tiles, to a 3840x2160 file of the same frames', async ({ page }, info) => {
  await page.goto('/?filter=sr-x2-lite');
  await openFile(page, clip1080());
  await waitForFrames(page, 1, { filter: 'sr-x2-lite' });
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export video' }).click();
  const file = info.outputPath('exported-4k.webm');
  await (await download).saveAs(file);
  const v = ffprobe(file).streams.find((s) => s.type === 'video')!;
  expect([v.frames, v.width, v.height]).toEqual([3, 3840, 2160]);
  const ref = await referenceFilter('sr-x2-lite', videoFrame(clip1080(), 1));
  const d = diffStats(videoFrame(file, 1), ref);
  console.log(`1080p export, frame 1 vs Node: mean ${d.mean.toFixed(2)}`);
  expect(d.mean).toBeLessThan(3);
});

test('Export: Cancel stops it, writes no file and leaves the app filtering', async ({ page }, info) => {
  await page.goto('/?filter=sr-x2-quality');
  await openFile(page, longClip());
  await waitForFrames(page, 1, { filter: 'sr-x2-quality' });
  const downloads: string[] = [];
  page.on('download', (d) => downloads.push(d.suggestedFilename()));

  await page.getByRole('button', { name: 'Export video' }).click();
  await expect(page.locator('#export-status')).toContainText('fps');
  await expect.poll(() => page.getByRole('progressbar', { name: 'Export progress' }).evaluate((p: HTMLProgressElement) => p.value)).toBeGreaterThan(0);
  await page.screenshot({ path: info.outputPath('export-progress.png'), fullPage: true });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.locator('#export-status')).toHaveText('Export canceled: no file was written.');
  await expect(page.getByRole('button', { name: 'Export video' })).toBeEnabled();
  await waitForFrames(page, 3, { filter: 'sr-x2-quality' });
  expect(downloads).toEqual([]);
  expect((await stats(page)).errors).toEqual([]);
});

test('Record: the filtered stage with the microphone, as a WebM that states its duration and can seek', async ({ page }, info) => {
  await page.goto('/?filter=sr-x2-fast');
  await page.getByLabel('Source').selectOption('webcam');
  await waitForFrames(page, 2, { filter: 'sr-x2-fast' });
  await page.getByRole('checkbox', { name: 'With the microphone' }).check();
  await page.getByRole('button', { name: 'Record' }).click();
  await expect(page.getByRole('button', { name: 'Stop recording' })).toHaveAttribute('aria-pressed', 'true');
  await page.waitForTimeout(3000);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Stop recording' }).click();
  const file = info.outputPath('recording.webm');
  await (await download).saveAs(file);
  await expect(page.getByRole('button', { name: 'Record' })).toHaveAttribute('aria-pressed', 'false');

  const p = ffprobe(file);
  const v = p.streams.find((s) => s.type === 'video')!;
  console.log(`recording: ${p.duration} s, ${v.frames} frames ${v.width}x${v.height} ${v.codec}, audio ${p.streams.find((s) => s.type === 'audio')?.codec}`);
  expect(p.duration, 'the file states its duration').toBeGreaterThan(2);
  const stage = await page.locator('#view').evaluate((c: HTMLCanvasElement) => [c.width, c.height]);
  expect([v.width, v.height], 'the stage as shown').toEqual(stage);
  expect(p.streams.some((s) => s.type === 'audio' && s.codec === 'opus')).toBe(true);
  // Cues (Matroska element 0x1C53BB6B) index the clusters, so players can seek.
  expect(readFileSync(file).includes(Buffer.from([0x1c, 0x53, 0xbb, 0x6b]))).toBe(true);
  const last = videoFrame(file, v.frames! - 1);
  expect(meanLevel(last), 'the recording shows the picture').toBeGreaterThan(20);
});

test('opening files: drag and drop onto the stage, and the same file picked twice', async ({ page }) => {
  const clip = clipWithSound();
  await page.goto('/?filter=sr-x2-lite');
  await waitForFrames(page, 1, { filter: 'sr-x2-lite' });
  // A drop of the clip as a user's drag from the file manager delivers it.
  const dataTransfer = await page.evaluateHandle(async (bytes) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(bytes)], 'dropped.webm', { type: 'video/webm' }));
    return dt;
  }, [...readFileSync(clip)]);
  await page.dispatchEvent('#stage', 'dragenter', { dataTransfer });
  await expect(page.getByText('Drop a video to filter it')).toBeVisible();
  await page.dispatchEvent('#stage', 'drop', { dataTransfer });
  await expect(page.getByText('Drop a video to filter it')).toBeHidden();
  await expect(page.getByLabel('Source')).toHaveValue('file');
  await expect.poll(() => page.evaluate(() => (document.getElementById('video') as HTMLVideoElement).duration)).toBeCloseTo(2, 0);
  await waitForFrames(page, 2, { filter: 'sr-x2-lite' });

  // Picking the same file again (the picker's input keeps its last value) opens it again,
  // and the stats start over with it.
  for (let i = 0; i < 2; i++) {
    await page.evaluate(() => { (document.getElementById('video') as HTMLVideoElement).currentTime = 1.5; });
    await openFile(page, clip);
    await expect.poll(() => page.evaluate(() => (document.getElementById('video') as HTMLVideoElement).currentTime)).toBeLessThan(1.4);
    await waitForFrames(page, 2, { filter: 'sr-x2-lite' });
  }
  expect((await stats(page)).errors).toEqual([]);
});

test('a video shared to the installed app (share_target POST) is kept by the service worker and opens', async ({ page }) => {
  const clip = clipWithSound();
  await page.goto('/?filter=sr-x2-lite');
  await waitForFrames(page, 1, { filter: 'sr-x2-lite' });
  await page.evaluate(() => navigator.serviceWorker.ready);
  // The system's share sheet navigates to the share target with a multipart POST.
  await page.evaluate(async ({ bytes, action }) => {
    const form = Object.assign(document.createElement('form'), { method: 'POST', enctype: 'multipart/form-data', action });
    const input = Object.assign(document.createElement('input'), { type: 'file', name: 'video' });
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(bytes)], 'shared.webm', { type: 'video/webm' }));
    input.files = dt.files;
    form.append(input);
    document.body.append(form);
    form.submit();
  }, { bytes: [...readFileSync(clip)], action: (await page.request.get('/app.webmanifest').then((r) => r.json())).share_target.action });
  await expect(page.getByLabel('Source')).toHaveValue('file');
  await expect.poll(() => page.evaluate(() => (document.getElementById('video') as HTMLVideoElement).duration)).toBeCloseTo(2, 0);
  await waitForFrames(page, 2);
  expect(new URL(page.url()).searchParams.has('shared'), 'the shared file is taken once').toBe(false);
});

test('a 4K file is filtered at a smaller working size with a notice, and the next source is live at once', async ({ page }, info) => {
  await page.goto('/?filter=sr-x2-fast');
  await waitForFrames(page, 1, { filter: 'sr-x2-fast' });
  await openFile(page, clip4k());
  await expect(notice(page)).toHaveText('Large video (3840×2160): filtered at 1280×720 to stay live');
  // Frames keep coming at the working size (how fast is a benchmark's question: npm run bench:live).
  const s = await waitForFrames(page, 3, { filter: 'sr-x2-fast' });
  await expect(page.locator('#size')).toHaveText('3840×2160 → 2560×1440');
  await page.screenshot({ path: info.outputPath('4k-notice.png') });
  console.log(`4K file: ${s.fps.toFixed(1)} fps shown, latency p95 ${s.latencyP95.toFixed(0)} ms`);
  await waitForFrames(page, 2, { filter: 'sr-x2-fast' });

  const t0 = Date.now();
  await page.getByLabel('Source').selectOption('demo');
  await waitForFrames(page, 2, { filter: 'sr-x2-fast' });
  console.log(`demo clip again: frames after ${Date.now() - t0} ms`);
  await expect(notice(page)).toBeHidden();
  await expect(page.locator('#size')).toHaveText('320×240 → 640×480');
  expect((await stats(page)).errors).toEqual([]);
});

test('Auto runs the filter for compressed video on a low-bitrate file and says why; a clean file goes back', async ({ page }) => {
  await page.goto('/');
  await waitForFrames(page, 1);
  await openFile(page, clipLowBitrate());
  // The file's bitrate per pixel, read from its packets (pwa/source-rate.ts), moves Auto to the other ladder.
  await expect.poll(async () => (await stats(page)).filterId, { timeout: 60_000 }).toMatch(/^sr-x2-\w+-compressed$/);
  await waitForFrames(page, 2);
  await expect(page.locator('#why')).toHaveText(/^Compressed video \(0\.0\d\d bits\/pixel\): the filter for compressed video$/);
  await expect(page.locator('#tier')).toHaveText(/^auto: sr-x2-\w+-compressed at \d+%$/);
  console.log(`low-bitrate file: ${await page.locator('#tier').textContent()} | ${await page.locator('#why').textContent()}`);

  await page.getByLabel('Source').selectOption('demo');
  await expect.poll(async () => (await stats(page)).filterId, { timeout: 60_000 }).toMatch(/^sr-x2-(lite|fast|quality)$/);
  await waitForFrames(page, 2);
  await expect(page.locator('#why')).toHaveText(/^Clean video \(0\.\d+ bits\/pixel\)$/);
  expect((await stats(page)).errors).toEqual([]);
});

test('a worker that stops answering is reported, replaced, and the filter can still be changed', async ({ page }) => {
  await page.goto('/?filter=sr-x2-fast');
  await waitForFrames(page, 2, { filter: 'sr-x2-fast' });
  await page.evaluate(() => window.__filterApp.dieMidFrame('silent', 3000));
  // The message shows until the new worker runs (a second or two here): the hook keeps each one shown.
  await expect.poll(async () => (await stats(page)).errors).toEqual(['The filter stopped (no reply in 3 s); restarting it…']);
  await waitForFrames(page, 2, { filter: 'sr-x2-fast' });
  await expect(alert(page)).toBeHidden();
  await page.getByLabel('Video filter').selectOption({ label: 'Super-resolution ×2 (lite)' });
  await waitForFrames(page, 2, { filter: 'sr-x2-lite' });
  expect((await stats(page)).errors).toEqual(['The filter stopped (no reply in 3 s); restarting it…']);
});

test('a file without video says so; an error clears when the next source plays; stats start over', async ({ page }, info) => {
  await page.goto('/?filter=sr-x2-lite');
  await waitForFrames(page, 3, { filter: 'sr-x2-lite' });

  await openFile(page, audioOnly());
  await expect(alert(page)).toHaveText('“tone.webm” has no video track: there is nothing to filter.');
  await expect(page.locator('#size')).toHaveText('–');
  await expect(page.getByRole('button', { name: 'Export video' })).toBeDisabled();

  const broken = info.outputPath('broken.webm');
  writeFileSync(broken, 'not a video at all');
  await openFile(page, broken);
  await expect(alert(page)).toContainText('Cannot play this video');

  const t0 = Date.now();
  await page.getByLabel('Source').selectOption('demo');
  const s = await waitForFrames(page, 2, { filter: 'sr-x2-lite' });
  await expect(alert(page)).toBeHidden();
  // Shown and dropped frames counted from the new source: no more than the 15 fps clip has played since.
  const played = Math.ceil(((Date.now() - t0) / 1000) * 15) + 2;
  expect(s.frames + s.dropped, 'counted from the new source').toBeLessThanOrEqual(played);
  expect(s.fps).toBeLessThanOrEqual(s.fpsIn + 1e-9);
});

test.describe('on a 360-pixel phone', () => {
  test.use({ viewport: { width: 360, height: 740 } });

  test('the layout fits without sideways scrolling, and every control is in reach', async ({ page }, info) => {
    await page.goto('/?filter=style-anime');
    await waitForFrames(page, 1, { filter: 'style-anime' });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    for (const name of ['Open a video file…', 'Export video', 'Record']) {
      const box = (await page.getByRole('button', { name }).boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(360);
    }
    await page.screenshot({ path: info.outputPath('phone.png'), fullPage: true });
  });
});

test('installable: Chromium finds no installability errors (PNG and maskable icons, file and share targets)', async () => {
  // Chromium never offers install in an incognito profile, which Playwright's contexts are: a
  // real, persistent profile, as a user has.
  const profile = mkdtempSync(join(tmpdir(), 'gvf-install-'));
  const context = await chromium.launchPersistentContext(profile, await chromiumLaunchOptions());
  try {
    const page = await context.newPage();
    await page.goto(`http://localhost:${PREVIEW_PORT}/`);
    await waitForFrames(page, 1);
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);
    const manifest = await (await page.request.get('app.webmanifest')).json();
    expect(manifest.icons.map((i: { sizes: string; purpose: string }) => `${i.sizes} ${i.purpose}`)).toEqual(expect.arrayContaining(['192x192 any', '512x512 any', '512x512 maskable']));
    expect(manifest.file_handlers[0].accept['video/*']).toContain('.webm');
    expect(manifest.share_target.params.files[0].name).toBe('video');
    for (const shot of manifest.screenshots) expect((await page.request.get(shot.src)).ok(), shot.src).toBe(true);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});
