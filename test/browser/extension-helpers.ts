// Shared by the extension specs: Debian's Chromium with the built extension (dist/extension)
// loaded unpacked, a local server for the fixture pages, the extension's own service worker (to
// set its settings and its debug flag as a user's popup would), and reading the overlay, whose
// shadow root is closed to the page (and to Playwright's selectors), through the DevTools
// protocol's DOM, which sees closed shadow roots.
import { chromium, type BrowserContext, type Frame, type Page, type Worker } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DebugHook } from '../../extension/protocol';
import type { SiteSettings } from '../../extension/settings';
import { launchOptionsFor, type Compositing } from './chromium';
import { serveFixtures } from './fixture-server';
import { REPO_ROOT, made, type Pixels } from './helpers';

export { made };

export const EXT_DIR = join(REPO_ROOT, 'dist/extension');

export interface ExtensionEnv {
  context: BrowserContext;
  sw: Worker;
  /** The extension's id (its origin is chrome-extension://<id>). */
  id: string;
  /** Every request the browser made, for the no-network check. */
  requests: string[];
  url(page: string, query?: Record<string, string>): string;
  /** Same server, other origin (localhost instead of 127.0.0.1). */
  foreignOrigin: string;
  close(): Promise<void>;
}

/** A still picture of the demo clip at 640x480, as a 30 fps camera (y4m, which Chromium's fake capture plays). */
export function stillCamera(width = 640, height = 480): string {
  const size = `${width}x${height}`, png = made(`camera-${size}.png`, (out) => ['-i', join(REPO_ROOT, 'pwa/public/demo.webm'), '-vf', `scale=${width}:${height}`, '-frames:v', '1', out]);
  return made(`camera-${size}.y4m`, (out) => ['-loop', '1', '-i', png, '-t', '1', '-r', '30', '-pix_fmt', 'yuv420p', out]);
}

/** `dir`: the unpacked extension to load (default dist/extension, built if missing). */
export async function launchExtension(opts: { camera?: string; viewport?: { width: number; height: number }; args?: string[]; debug?: boolean; dir?: string; compositing?: Compositing } = {}): Promise<ExtensionEnv> {
  const dir = opts.dir ?? EXT_DIR;
  if (!opts.dir && !existsSync(join(EXT_DIR, 'manifest.json'))) execFileSync('npm', ['run', 'build:extension'], { cwd: REPO_ROOT, stdio: 'inherit' });
  const server = await serveFixtures();
  const userDir = mkdtempSync(join(tmpdir(), 'gvf-ext-'));
  const camera = opts.camera ? ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${opts.camera}`] : [];
  const context = await chromium.launchPersistentContext(userDir, {
    ...(await launchOptionsFor(opts.compositing ?? 'gpu', [`--disable-extensions-except=${dir}`, `--load-extension=${dir}`, ...camera, ...(opts.args ?? [])])),
    viewport: opts.viewport ?? { width: 720, height: 480 },
  });
  const requests: string[] = [];
  context.on('request', (r) => requests.push(r.url()));
  const sw = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const id = new URL(sw.url()).host;
  // The install writes the settings' first version: settings the tests write must come after it.
  for (let i = 0; i < 100 && !(await sw.evaluate(() => chrome.storage.sync.get('version'))).version; i++) await new Promise((r) => setTimeout(r, 50));
  // The compositors keep their last input and output for the pixel checks (a cost a benchmark leaves off).
  await sw.evaluate((debug) => chrome.storage.local.set({ debug }), opts.debug ?? true);
  return {
    context, sw, id, requests,
    url: server.url,
    foreignOrigin: server.foreignOrigin,
    async close() {
      await context.close();
      await server.close();
      rmSync(userDir, { recursive: true, force: true });
    },
  };
}

/**
 * The extension for a tsx script (the benchmark, the store images), its debug copies off. tsx
 * compiles the functions a script sends into pages with `__name(...)` calls (esbuild's
 * keepNames), which pages lack: this defines it there.
 */
export async function launchExtensionForScript(opts: Omit<Parameters<typeof launchExtension>[0], 'debug'> = {}): Promise<ExtensionEnv> {
  const env = await launchExtension({ ...opts, debug: false });
  await env.context.addInitScript({ content: KEEP_NAMES });
  return env;
}

/** For pages a tsx script drives outside the extension (see launchExtensionForScript). */
export const KEEP_NAMES = 'globalThis.__name = (f) => f;';

/** Sets the defaults for every site, as the options page does. */
export async function setDefaults(env: ExtensionEnv, defaults: Partial<SiteSettings>): Promise<void> {
  await env.sw.evaluate(async (patch) => {
    const { defaults: old } = await chrome.storage.sync.get('defaults');
    await chrome.storage.sync.set({ version: 1, defaults: { ...(old as object), ...patch } });
  }, defaults);
}

/** The compositor page in `page` (the video's, or the hidden camera one). */
export function compositorFrames(page: Page): Frame[] {
  return page.frames().filter((f) => f.url().startsWith('chrome-extension://') && f.url().endsWith('/compositor/compositor.html'));
}

export type DebugState = Pick<DebugHook, 'framesDone' | 'error' | 'tier' | 'timing'> & { backend: string | null; filter: string | null };

export const debugState = (frame: Frame) =>
  frame.evaluate((): DebugState => {
    const d = (globalThis as { __gvfDebug?: DebugHook }).__gvfDebug;
    return { framesDone: d?.framesDone ?? 0, error: d?.error ?? null, tier: d?.tier ?? null, timing: d?.timing ?? null, backend: d?.ready?.backend.backend ?? null, filter: d?.ready?.filter.id ?? null };
  });

/** The compositor's last input and output pixels, as the worker got and returned them. */
export const debugPixels = (frame: Frame) =>
  frame.evaluate(() => {
    const b64 = (a: Uint8ClampedArray) => {
      let s = '';
      for (let i = 0; i < a.length; i += 0x8000) s += String.fromCharCode(...a.subarray(i, i + 0x8000));
      return btoa(s);
    };
    const d = (globalThis as unknown as { __gvfDebug: DebugHook }).__gvfDebug;
    const px = (p: { width: number; height: number; data: Uint8ClampedArray }): Pixels => ({ width: p.width, height: p.height, rgba: b64(p.data) });
    return { input: px(d.lastInput!), output: px(d.lastOutput!), guide: d.lastInput!.guide };
  });

interface DomNode {
  nodeId: number; nodeType: number; nodeName: string; nodeValue?: string;
  attributes?: string[]; children?: DomNode[]; shadowRoots?: DomNode[];
}

const textOf = (n: DomNode): string => (n.nodeType === 3 ? n.nodeValue ?? '' : [...(n.children ?? [])].map(textOf).join(''));
const attr = (n: DomNode, name: string) => { const a = n.attributes ?? []; const i = a.indexOf(name); return i >= 0 && i % 2 === 0 ? a[i + 1] : null; };
function find(n: DomNode, test: (n: DomNode) => boolean, out: DomNode[] = []): DomNode[] {
  if (test(n)) out.push(n);
  for (const c of [...(n.children ?? []), ...(n.shadowRoots ?? [])]) find(c, test, out);
  return out;
}

export interface OverlayState {
  button: { text: string; pressed: boolean; x: number; y: number; visible: boolean };
  /** `visible`: shown now (figures show only while the pointer is over the video). */
  badge: { text: string; hidden: boolean; error: boolean; visible: boolean };
}

/** The overlay laid over the element `selector` finds (in the document or open shadow roots; matched by position), read through its closed shadow root. */
export async function overlayOver(page: Page, selector: string): Promise<OverlayState | null> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const rect = await page.evaluate((sel) => {
      const find = (root: Document | ShadowRoot): Element | null => root.querySelector(sel) ?? [...root.querySelectorAll('*')].map((e) => e.shadowRoot && find(e.shadowRoot)).find(Boolean) ?? null;
      const r = find(document)!.getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    }, selector);
    const { root } = (await cdp.send('DOM.getDocument', { depth: -1, pierce: true })) as { root: DomNode };
    for (const host of find(root, (n) => n.nodeName === 'GVF-ENHANCE-OVERLAY')) {
      const shadow = host.shadowRoots?.[0];
      const box = shadow && find(shadow, (n) => n.nodeName === 'DIV' && attr(n, 'class')?.split(' ').includes('box') === true)[0];
      if (!box || attr(box, 'hidden') !== null) continue;
      const q = ((await cdp.send('DOM.getBoxModel', { nodeId: box.nodeId })) as { model: { content: number[] } }).model.content;
      if (Math.abs((q[0] + q[4]) / 2 - rect.x) > 8 || Math.abs((q[1] + q[5]) / 2 - rect.y) > 8) continue;
      const button = find(box, (n) => n.nodeName === 'BUTTON')[0];
      const badge = find(box, (n) => attr(n, 'class')?.split(' ').includes('badge') === true)[0];
      const b = ((await cdp.send('DOM.getBoxModel', { nodeId: button.nodeId }).catch(() => null)) as { model: { content: number[] } } | null)?.model.content;
      const classes = attr(box, 'class') ?? '';
      return {
        button: {
          text: textOf(button), pressed: attr(button, 'aria-pressed') === 'true',
          x: b ? (b[0] + b[4]) / 2 : 0, y: b ? (b[1] + b[5]) / 2 : 0,
          visible: !!b && !classes.includes('no-button') && classes.includes('hot'),
        },
        badge: {
          text: textOf(badge), hidden: attr(badge, 'hidden') !== null, error: (attr(badge, 'class') ?? '').includes('error'),
          visible: attr(badge, 'hidden') === null && (classes.includes('hot') || !(attr(badge, 'class') ?? '').includes('figures')),
        },
      };
    }
    return null;
  } finally {
    await cdp.detach();
  }
}

/** A real (trusted) click on the overlay's button: the pointer moves over the video first, which shows it. */
export async function clickOverlayButton(page: Page, selector: string): Promise<void> {
  // The overlay follows layout changes on the next animation frame.
  let before: OverlayState | null = null;
  for (let tries = 0; !before && tries < 50; tries++) {
    before = await overlayOver(page, selector);
    if (!before) await page.waitForTimeout(100);
  }
  if (!before) throw new Error(`no overlay over ${selector}`);
  await page.mouse.move(before.button.x + 30, before.button.y + 30);
  await page.mouse.move(before.button.x, before.button.y);
  await page.mouse.click(before.button.x, before.button.y);
}
