// The one place that launches Firefox for tests: Debian's firefox-esr driven by puppeteer-core
// over WebDriver BiDi (Playwright's patched Firefox cannot be downloaded here; puppeteer-core
// downloads nothing). Measured facts behind each setting: docs/firefox-findings.md.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Browser, type Frame, type Page } from 'puppeteer-core';
import { expect } from 'vitest';
import { REPO_ROOT, diffStats, referenceFilter, type Pixels, type Rgba } from '../browser/helpers';

/** Debian's firefox-esr, or another build (GVF_FIREFOX: test/run.sh runs the suite on the oldest ESR the manifest claims too). */
export const FIREFOX = process.env.GVF_FIREFOX || '/usr/bin/firefox-esr';

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

/**
 * Installs dist/extension (built if missing), or `source` (a folder or a store zip), as a temporary add-on over BiDi, then writes its
 * default settings and the debug flag (the compositors keep their last input and output) from its
 * options page, as a user's choices would be. Needs a browser launched with `extensionPages`.
 */
export async function installExtension(browser: Browser, defaults: Record<string, unknown>, debug = true, source?: string): Promise<void> {
  const dir = join(REPO_ROOT, 'dist/extension');
  if (!source && !existsSync(join(dir, 'manifest.json'))) execFileSync('npm', ['run', 'build:extension'], { cwd: REPO_ROOT, stdio: 'inherit' });
  const id = await browser.installExtension(source ?? dir);
  if (id !== EXTENSION.id) throw new Error(`installed as ${id}, not ${EXTENSION.id}: the manifest's gecko id changed?`);
  const options = await browser.newPage();
  await openExtensionPage(options, 'options/options.html');
  // The install writes the settings' first version: settings written here must come after it.
  await poll('the first settings', () => options.evaluate(`chrome.storage.sync.get('version').then((v) => v.version)`), 10_000);
  await options.evaluate(`(async () => {
    await chrome.storage.local.set({ debug: ${debug} });
    const { defaults } = await chrome.storage.sync.get('defaults');
    await chrome.storage.sync.set({ version: 1, defaults: { ...defaults, ...${JSON.stringify(defaults)} } });
  })()`);
  await options.close();
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
export interface AppStats { frames: number; filterId: string | null; switching: boolean; backend: { backend: string; reason: string } | null; errors: string[]; trackProcessor: boolean; source: string | null }

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

/**
 * The compositor frames in `page`. Puppeteer reports "about:blank" for an extension iframe
 * (it moves to the extension's process), so each child frame is asked for its own location.
 */
export async function compositors(page: Page): Promise<Frame[]> {
  const out: Frame[] = [];
  for (const f of page.frames()) {
    if (f === page.mainFrame()) continue;
    const href = (await f.evaluate('location.href').catch(() => '')) as string;
    if (href === `${EXTENSION_BASE}compositor/compositor.html`) out.push(f);
  }
  return out;
}

export interface Debug { framesDone: number; error: string | null; filter: string | null; backend: string | null; tier: unknown }
export const debugOf = (f: Frame) => f.evaluate(`(() => { const d = globalThis.__gvfDebug; return d ? { framesDone: d.framesDone, error: d.error ?? null, filter: d.ready?.filter?.id ?? null, backend: d.ready?.backend?.backend ?? null, tier: d.tier ?? null } : null; })()`) as Promise<Debug | null>;

/** Waits for `count` frames done in the compositor of `page`; a compositor error fails at once. */
export async function compositorFrames(page: Page, count: number): Promise<{ frame: Frame; debug: Debug }> {
  const [frame] = await poll('the compositor iframe', async () => { const c = await compositors(page); return c.length ? c : null; }, 30_000);
  const end = Date.now() + 120_000;
  for (;;) {
    const d = await debugOf(frame);
    if (d?.error) throw new Error(`compositor: ${d.error}`);
    if (d && d.framesDone >= count) return { frame, debug: d };
    if (Date.now() > end) throw new Error(`compositor: ${d?.framesDone ?? 0} of ${count} frames in 120 s (its state: ${JSON.stringify(d)})`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The compositor's last input and output, as its worker got and returned them (the debug flag keeps them). */
export const debugPixels = async (f: Frame) => (await f.evaluate(`(() => {
  const b64 = (a) => { let s = ''; for (let i = 0; i < a.length; i += 0x8000) s += String.fromCharCode(...a.subarray(i, i + 0x8000)); return btoa(s); };
  const px = (p) => ({ width: p.width, height: p.height, rgba: b64(p.data) });
  const d = globalThis.__gvfDebug;
  return { input: px(d.lastInput), output: px(d.lastOutput) };
})()`)) as { input: Pixels; output: Pixels };

/**
 * Clicks the Enhance button over the video `id` with the real mouse (the overlay's shadow root is
 * closed, and a script click would be untrusted): it sits at the top left of the video's content
 * box (overlay-view.ts) and shows on hover.
 */
export async function clickEnhanceButton(page: Page, id = 'main'): Promise<void> {
  const at = (await page.evaluate(`(() => {
    const v = document.getElementById(${JSON.stringify(id)}), r = v.getBoundingClientRect(), cs = getComputedStyle(v);
    return { x: r.left + parseFloat(cs.borderLeftWidth) + parseFloat(cs.paddingLeft), y: r.top + parseFloat(cs.borderTopWidth) + parseFloat(cs.paddingTop) };
  })()`)) as { x: number; y: number };
  await page.mouse.move(at.x + 100, at.y + 100);
  await page.mouse.move(at.x + 20, at.y + 14);
  await page.mouse.click(at.x + 20, at.y + 14);
}

/** A filter's output for `input` against the Node run of the same filter (0-255 levels); the tolerance is for rounding and float order. */
export async function expectNodeMatch(filter: string, input: Rgba, output: Rgba, what: string): Promise<void> {
  const vsRef = diffStats(output, await referenceFilter(filter, input));
  console.log(`Firefox, ${what}: ${filter}, ${input.width}x${input.height} -> ${output.width}x${output.height}, vs Node mean ${vsRef.mean.toFixed(3)}, p99 ${vsRef.p99}`);
  expect(vsRef.mean).toBeLessThanOrEqual(1);
  expect(vsRef.p99).toBeLessThanOrEqual(3);
}
