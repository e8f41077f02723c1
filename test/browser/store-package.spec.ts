// The Chrome Web Store zip (store/package.ts, packed from the built dist/extension as
// `npm run package` packs it), unpacked and loaded as it is into Debian's Chromium: its service
// worker runs the store's manifest, and Enhance filters a page's video.
import { expect, test } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packStore, unpack } from '../../store/package';
import { clickOverlayButton, compositorFrames, debugState, launchExtension } from './extension-helpers';
import { REPO_ROOT } from './helpers';

test('the Chrome Web Store zip loads and enhances a video', async () => {
  test.setTimeout(180_000);
  const tmp = mkdtempSync(join(tmpdir(), 'gvf-chrome-zip-'));
  const zip = join(tmp, 'gan-video-filter-chrome.zip');
  writeFileSync(zip, packStore('chrome'));
  const dir = unpack(zip);
  const env = await launchExtension({ dir });
  try {
    const manifest = await env.sw.evaluate(() => chrome.runtime.getManifest() as chrome.runtime.Manifest & { browser_specific_settings?: unknown });
    expect(manifest.version).toBe(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version);
    expect(manifest.browser_specific_settings, 'Firefox keys left out of the Chrome zip').toBeUndefined();
    expect(Object.keys(manifest.icons ?? {})).toEqual(['16', '32', '48', '128']);
    const page = await env.context.newPage();
    await page.goto(env.url('video-page.html'));
    await page.waitForFunction(() => (document.getElementById('main') as HTMLVideoElement).readyState >= 2);
    await clickOverlayButton(page, '#main');
    await expect.poll(() => compositorFrames(page).length, { timeout: 30_000 }).toBe(1);
    await expect.poll(async () => (await debugState(compositorFrames(page)[0])).framesDone, { timeout: 90_000 }).toBeGreaterThanOrEqual(2);
  } finally {
    await env.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(tmp, { recursive: true, force: true });
  }
});
