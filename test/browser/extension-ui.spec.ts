// The popup and the options page, driven through their accessible names as a screen reader user
// would: settings land in chrome.storage.sync and reach an open tab without a reload; the
// shortcut is shown; the text follows the browser's language.
import type { Page } from '@playwright/test';
import { clickOverlayButton, compositorFrames, debugState, launchExtension, overlayOver, type ExtensionEnv } from './extension-helpers';
import { expect, test } from './test';

let env: ExtensionEnv;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  env = await launchExtension();
});

test.afterAll(async () => {
  await env?.close();
});

const stored = () => env.sw.evaluate(() => chrome.storage.sync.get(null));

/** The id of the tab showing `page` (it is brought to the front first). */
async function tabOf(page: Page): Promise<number> {
  await page.bringToFront();
  return env.sw.evaluate(async () => (await chrome.tabs.query({ active: true, lastFocusedWindow: true }))[0].id!);
}

test('the popup sets this site\'s filters and mode, and an open tab follows at once', async () => {
  test.setTimeout(120_000);
  const site = await env.context.newPage();
  await site.goto(env.url('video-page.html'));
  await site.waitForFunction(() => (document.getElementById('main') as HTMLVideoElement).readyState >= 2);
  await clickOverlayButton(site, '#main');
  await expect.poll(async () => (compositorFrames(site)[0] ? (await debugState(compositorFrames(site)[0])).framesDone : 0), { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
  const tab = await tabOf(site);

  const popup = await env.context.newPage();
  await popup.setViewportSize({ width: 320, height: 420 });
  await popup.goto(`chrome-extension://${env.id}/popup/popup.html?tab=${tab}`);
  await expect(popup.getByText('127.0.0.1', { exact: true })).toBeVisible();
  const video = popup.getByRole('combobox', { name: 'Video filter' });
  const camera = popup.getByRole('combobox', { name: 'Camera filter' });
  const mode = popup.getByRole('combobox', { name: 'Enhance videos on 127.0.0.1' });
  const strength = popup.getByRole('slider', { name: 'Strength' });
  await expect(video).toHaveValue('auto');
  await expect(camera).toHaveValue('off');
  await popup.screenshot({ path: '/tmp/extension-popup.png' });

  await video.selectOption('sr-x2-fast');
  await camera.selectOption('style-anime');
  await strength.fill('60');
  await expect.poll(stored).toMatchObject({ 'site:127.0.0.1': { videoFilter: 'sr-x2-fast', cameraFilter: 'style-anime', strength: 0.6 } });
  // The running session switched filters without a reload.
  await expect.poll(async () => (await debugState(compositorFrames(site)[0])).tier?.filterId, { timeout: 30_000 }).toBe('sr-x2-fast');

  // Never: the session stops and no button shows even under the pointer; back to the button.
  await mode.selectOption('never');
  await expect.poll(() => compositorFrames(site).length).toBe(0);
  await site.bringToFront();
  await site.locator('#main').hover();
  await expect.poll(async () => (await overlayOver(site, '#main'))?.button.visible).toBe(false);
  await popup.bringToFront();
  await popup.getByRole('button', { name: 'Use the defaults on this site' }).click();
  await expect.poll(async () => Object.keys(await stored()).filter((k) => k.startsWith('site:'))).toEqual([]);
  await site.bringToFront();
  await site.mouse.move(0, 0);
  await site.locator('#main').hover();
  await expect.poll(async () => (await overlayOver(site, '#main'))?.button.visible).toBe(true);
  await popup.close();
  await site.close();
});

test('the options page: defaults, a site list, the shortcut; light and dark', async () => {
  const options = await env.context.newPage();
  await options.setViewportSize({ width: 720, height: 900 });
  await options.goto(`chrome-extension://${env.id}/options/options.html`);
  await options.getByRole('combobox', { name: 'Camera filter' }).selectOption('style-painting');
  await options.getByRole('checkbox', { name: 'Use the filtered camera as the default camera' }).uncheck();
  await expect.poll(stored).toMatchObject({ version: 1, defaults: { cameraFilter: 'style-painting', cameraDefault: false } });

  await options.getByRole('textbox', { name: 'Site' }).fill('https://meet.example.com/abc-defg');
  await options.getByRole('combobox', { name: 'Enhance videos' }).last().selectOption('never');
  await options.getByRole('button', { name: 'Add' }).click();
  await expect(options.getByRole('cell', { name: 'meet.example.com', exact: true })).toBeVisible();
  await expect.poll(stored).toMatchObject({ 'site:meet.example.com': { enhance: 'never' } });
  await options.getByRole('textbox', { name: 'Site' }).fill('not a site');
  await options.getByRole('button', { name: 'Add' }).click();
  await expect(options.getByRole('alert')).toHaveText(/not a site name/);
  await expect(options.locator('#shortcut')).toHaveText(/Alt\+Shift\+E/);
  await options.screenshot({ path: '/tmp/extension-options.png', fullPage: true });
  await options.emulateMedia({ colorScheme: 'dark' });
  await options.screenshot({ path: '/tmp/extension-options-dark.png', fullPage: true });
  const bg = await options.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(bg, 'dark background in dark mode').toBe('rgb(29, 31, 37)');

  await options.getByRole('button', { name: 'Remove meet.example.com' }).click();
  await expect(options.getByRole('cell', { name: 'meet.example.com', exact: true })).toHaveCount(0);
  await expect.poll(async () => 'site:meet.example.com' in (await stored())).toBe(false);
  await options.close();
});

test('the text follows the browser language (German)', async () => {
  const de = await launchExtension({ args: ['--lang=de'] });
  try {
    const options = await de.context.newPage();
    await options.goto(`chrome-extension://${de.id}/options/options.html`);
    await expect(options.getByRole('combobox', { name: 'Kamerafilter' })).toBeVisible();
    await expect(options.getByRole('combobox', { name: 'Videofilter' })).toBeVisible();
    await expect(options.getByRole('heading', { level: 1 })).toHaveText('GAN-Videofilter: Einstellungen');
  } finally {
    await de.close();
  }
});
