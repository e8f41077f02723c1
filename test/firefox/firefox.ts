// The one place that launches Firefox for tests: Debian's firefox-esr driven by puppeteer-core
// over WebDriver BiDi (Playwright's patched Firefox cannot be downloaded here; puppeteer-core
// downloads nothing). Measured facts behind each setting: docs/firefox-findings.md.
import { execFileSync, spawn } from 'node:child_process';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { REPO_ROOT } from '../browser/helpers';

export const FIREFOX = '/usr/bin/firefox-esr';

/** Prefs on top of puppeteer's test profile (which already turns off first-run pages, updates and telemetry). */
const PREFS: Record<string, unknown> = {
  // Fake camera and microphone (a synthetic picture), no permission prompt.
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
};

export const firefoxVersion = (): string => execFileSync(FIREFOX, ['--version'], { encoding: 'utf8' }).trim();

/** The add-on id in manifest.json, and the moz-extension UUID the tests give it (a pref), so its URLs are known. */
export const EXTENSION = { id: 'gan-video-filter@extension.local', uuid: '3f2b8c1e-6d4a-4e7b-9a10-5c2d7e8f9a0b' };
export const EXTENSION_BASE = `moz-extension://${EXTENSION.uuid}/`;

/**
 * `extensionPages`: lets the tests open the extension's own pages in a tab
 * (--remote-allow-system-access: BiDi refuses moz-extension:// navigations without it).
 */
export function launchFirefox(opts: { extensionPages?: boolean } = {}): Promise<Browser> {
  return puppeteer.launch({
    browser: 'firefox', protocol: 'webDriverBiDi', executablePath: FIREFOX, headless: true,
    extraPrefsFirefox: { ...PREFS, 'extensions.webextensions.uuids': JSON.stringify({ [EXTENSION.id]: EXTENSION.uuid }) },
    args: opts.extensionPages ? ['--remote-allow-system-access'] : [],
  });
}

/**
 * Opens an extension page in `page`. The navigation moves the tab into the extension's process
 * and puppeteer's goto never sees it finish (Firefox 153), so it is started and then the tab's
 * own location is polled.
 */
export async function openExtensionPage(page: Page, path: string): Promise<void> {
  const target = `${EXTENSION_BASE}${path}`;
  await page.goto(target, { timeout: 5_000 }).catch(() => {});
  await poll(`${path} loaded`, () => page.evaluate(`location.href === ${JSON.stringify(target)} && document.readyState === 'complete'`), 20_000);
}

/** Polls `fn` until it returns a truthy value (returned) or `ms` pass (throws, with the last value or error). */
export async function poll<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 60_000, every = 250): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      last = await fn();
      if (last) return last as T;
    } catch (e) {
      last = e instanceof Error ? e.message.split('\n')[0] : e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

/** The built PWA served by `vite preview` (COOP/COEP, as users get it) on `port`; resolves once it answers. */
export async function servePwa(port: number): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn('npx', ['vite', 'preview', '--config', 'pwa/vite.config.ts', '--port', String(port), '--strictPort'], {
    cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const url = `http://localhost:${port}/`;
  await poll('vite preview', async () => (await fetch(url)).ok, 30_000).catch((e: Error) => { throw new Error(`${e.message}\n${out}`); });
  return {
    url,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.kill(-child.pid!, 'SIGTERM'); // npx and vite: the process group this spawn made
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/** Stats of the PWA's test hook (pwa/test-hook.ts), as far as these tests read them. */
export interface AppStats { frames: number; filterId: string | null; switching: boolean; backend: { backend: string; reason: string } | null; errors: string[]; trackProcessor: boolean }

export const appStats = (page: Page): Promise<AppStats> => page.evaluate(() => (window as unknown as { __filterApp: { stats(): AppStats } }).__filterApp.stats());

/** Waits for `more` filtered frames from `filter`; an app error fails it at once. */
export async function waitForFrames(page: Page, more: number, filter: string, ms = 120_000): Promise<AppStats> {
  await poll('the test hook', () => page.evaluate(() => '__filterApp' in window), 60_000);
  let base = (await appStats(page)).frames;
  const end = Date.now() + ms;
  for (;;) {
    const s = await appStats(page);
    if (s.errors.length) throw new Error(`app errors: ${s.errors.join(' | ')}`);
    if (s.frames < base) base = 0; // stats restart with a new source
    if (s.filterId === filter && !s.switching && s.frames >= base + more) return s;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${more} frames from ${filter}: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
