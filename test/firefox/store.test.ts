// The Firefox Add-ons zip (store/package.ts, packed from the built dist/extension as
// `npm run package` packs it) installed as it is into Debian's Firefox ESR: the add-on loads under
// its id, its options page works, and Enhance filters a page's video.
import type { Browser } from 'puppeteer-core';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveFixtures, type FixtureServer } from '../browser/fixture-server';
import { packStore } from '../../store/package';
import { clickEnhanceButton, compositorFrames, installExtension, launchFirefox, openExtensionPage, poll } from './firefox';

let browser: Browser;
let fixtures: FixtureServer;
let dir: string;

beforeAll(async () => {
  fixtures = await serveFixtures();
  dir = mkdtempSync(join(tmpdir(), 'gvf-firefox-zip-'));
  const zip = join(dir, 'gan-video-filter-firefox.zip');
  writeFileSync(zip, packStore('firefox'));
  browser = await launchFirefox({ extensionPages: true });
  await installExtension(browser, { videoFilter: 'sr-x2-fast' }, true, zip);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await fixtures?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the Firefox Add-ons zip', () => {
  it('installs as it is, shows its options, and enhances a video', async () => {
    const options = await browser.newPage();
    await openExtensionPage(options, 'options/options.html');
    const manifest = (await options.evaluate('chrome.runtime.getManifest()')) as { version: string; background: { scripts?: string[]; service_worker?: string } };
    // The store's manifest, not the build's: background scripts only.
    expect(manifest.background.scripts?.map((u) => u.split('/').pop())).toEqual(['background.js']);
    expect(manifest.background.service_worker ?? null).toBeNull();
    await poll('the options form', () => options.evaluate(`document.querySelectorAll('select').length > 0`), 20_000);
    await options.close();
    const page = await browser.newPage();
    await page.goto(fixtures.url('video-page.html'));
    await poll('the video', () => page.evaluate(`document.getElementById('main').readyState >= 2`), 30_000);
    await clickEnhanceButton(page, 'main');
    const { debug } = await compositorFrames(page, 2);
    expect(debug.filter).toBe('sr-x2-fast');
    await page.close();
  }, 240_000);
});
