// The trust boundary: a page whose own script (fixtures/hostile-page.html) tries to start, drive,
// read and starve the extension, even knowing the compositor's URLs. It must get nothing, and a
// real session on the same page must still work.
import type { Page } from '@playwright/test';
import { clickOverlayButton, compositorFrames, debugState, launchExtension, overlayOver, type ExtensionEnv } from './extension-helpers';
import { expect, test } from './test';

let env: ExtensionEnv;

test.beforeAll(async () => {
  env = await launchExtension();
});

test.afterAll(async () => {
  await env?.close();
});

/** Compositor pages in `page` that started a session (a started one keeps the debug hook the tests asked for). */
async function started(page: Page): Promise<number> {
  let n = 0;
  for (const f of compositorFrames(page)) if (await f.evaluate(() => (globalThis as { __gvfDebug?: unknown }).__gvfDebug !== undefined).catch(() => false)) n++;
  return n;
}

interface Attack {
  answers: string[]; shadowRoots: string[]; iframes: number; frames: number; extUrls: string[];
  cameraReply: string | null; embedded: string[]; done: boolean;
}

test('a hostile page cannot start, drive, read or starve the extension', async () => {
  test.setTimeout(120_000);
  // As if the page knew both the extension's static URL and this session's dynamic one.
  const dynamic = await env.sw.evaluate(() => chrome.runtime.getURL('compositor/compositor.html'));
  const urls = [`chrome-extension://${env.id}/compositor/compositor.html`, dynamic];
  const page = await env.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(env.url('hostile-page.html', { ext: urls.join(',') }));
  await page.waitForFunction(() => (window as unknown as { attack: Attack }).attack.done, null, { timeout: 30_000 });
  const attack = await page.evaluate(() => (window as unknown as { attack: Attack }).attack);

  // Start: synthetic clicks did nothing; no compositor (the page's own embeds included) runs a session.
  expect((await overlayOver(page, '#main'))?.button.pressed).toBe(false);
  expect(await started(page), 'sessions running').toBe(0);
  expect(compositorFrames(page).length, "the page's own embed of the compositor loaded (and idles)").toBeGreaterThanOrEqual(1);
  // Read: closed shadow roots, no frame or extension URL visible to the page.
  expect(attack.shadowRoots).toEqual(['null']);
  expect(attack.extUrls).toEqual([]);
  // Drive: its own "connect" messages, to every frame it can reach and to the compositor page
  // it embedded itself, got no answer; the embedded compositor started nothing.
  expect(attack.answers).toEqual([]);
  // Filter pictures of its choice: a canvas posed as a camera was refused.
  expect(JSON.parse(attack.cameraReply ?? '{}')).toEqual({ type: 'refused', message: 'not a camera of this device' });
  console.log(`hostile page: ${attack.embedded.length} compositor URLs embedded, ${attack.answers.length} answers, shadow roots ${JSON.stringify(attack.shadowRoots)}, frames visible ${attack.frames}, extension URLs seen ${attack.extUrls.length}, camera request: ${attack.cameraReply}`);

  // The user's own click still starts a real session, and the page keeps attacking it.
  await clickOverlayButton(page, '#main');
  await expect.poll(() => started(page), { timeout: 30_000 }).toBe(1);
  await expect.poll(async () => {
    for (const frame of compositorFrames(page)) if ((await debugState(frame)).framesDone >= 3) return true;
    return false;
  }, { timeout: 60_000 }).toBe(true);
  await page.evaluate(() => (window as unknown as { attackAgain(): void }).attackAgain());
  await page.waitForTimeout(1000);
  const again = await page.evaluate(() => (window as unknown as { attack: Attack }).attack);
  expect(again.answers).toEqual([]);
  expect(again.shadowRoots, 'the controls and the enhanced picture: both closed').toEqual(['null', 'null']);
  expect(again.iframes, 'the session iframe is not in the page DOM').toBe(0);
  expect(again.extUrls).toEqual([]);
  expect((await overlayOver(page, '#main'))?.button.pressed, 'the running session was not stopped by script clicks').toBe(true);
  expect(errors).toEqual([]);
  await page.close();
});
