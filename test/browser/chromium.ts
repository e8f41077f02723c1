// The one place that decides how Debian's Chromium is launched, for the browser tests, the
// benchmark and any script. Which flags let WebGPU present to a canvas changes between Chromium
// builds (156.0.8078.108 turned configuration B of shared/notes/browser-testing.md black, with
// no error), so the flags are not hard-coded: a probe launches each known set in turn, clears a
// WebGPU canvas and reads it back, and takes the first that shows the colour. The result is
// kept in the environment, so processes started afterwards (Playwright's workers) reuse it.
import { chromium, type LaunchOptions } from '@playwright/test';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export const CHROMIUM = '/usr/bin/chromium';

/** Flags every launch gets: no sandbox (root), and none of Chromium's calls home (refused here). */
const BASE_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update'];

/**
 * Known flag sets, in the order tried. A real GPU comes first (taken only when its adapter is not a
 * software fallback); SwiftShader's Vulkan is the only adapter on a machine without one.
 */
export interface FlagSet { name: string; args: string[]; hardwareOnly?: boolean }

const CANDIDATES: FlagSet[] = [
  { name: 'vulkan', args: ['--enable-unsafe-webgpu', '--enable-features=Vulkan'], hardwareOnly: true },
  // Presents on 156.0.8078.108 and has WebGL2 with float render targets.
  { name: 'vulkan-swiftshader+angle-swiftshader', args: ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-angle=swiftshader'] },
  // Presented on 156.0.8078.79 (no WebGL2 there).
  { name: 'vulkan-swiftshader+angle-vulkan', args: ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-angle=vulkan'] },
  // Chromium's defaults (configuration A; did not present on 156).
  { name: 'default', args: ['--enable-unsafe-webgpu'] },
];

export interface ChromiumSetup {
  executablePath: string;
  version: string;
  /** The chosen flag set's name and flags (BASE_ARGS included). */
  name: string;
  args: string[];
  /** The WebGPU adapter the chosen set gives, e.g. "google swiftshader (fallback)". */
  adapter: string;
  webgl2: boolean;
  /** Each set tried, with what its probe saw. */
  tried: { name: string; result: string }[];
}

const ENV_KEY = 'GVF_CHROMIUM_SETUP';
const CLEAR = [255, 128, 64, 255];

/** What the probe page reports: the colour read back from a cleared WebGPU canvas, or why it could not. */
interface ProbeResult { error?: string; pixel?: number[]; adapter?: string; fallback?: boolean; webgl2?: boolean }

/**
 * Runs in the page (a secure context: navigator.gpu exists only there): reports WebGL2 with float
 * targets, the adapter, and the colour read back from a cleared WebGPU OffscreenCanvas, the way
 * the workers' zero-copy path hands its output over (an ImageBitmap). A canvas element is not
 * probed: drawn outside an animation frame it reads back black or right at random on every flag
 * set (6 launches). Plain JavaScript source, so that no transform of the TypeScript runner (tsx
 * adds `__name` calls) reaches the page.
 */
const PROBE_PAGE = `async (clear) => {
  const gl = document.createElement('canvas').getContext('webgl2');
  const webgl2 = !!gl && !!gl.getExtension('EXT_color_buffer_float');
  const adapter = await navigator.gpu?.requestAdapter();
  if (!adapter) return { error: 'no WebGPU adapter', webgl2 };
  const info = adapter.info;
  const fallback = !!info.isFallbackAdapter || info.architecture === 'swiftshader';
  const name = (info.vendor || '?') + ' ' + (info.architecture || info.description || '?') + (fallback ? ' (fallback)' : '');
  const device = await adapter.requestDevice();
  const format = navigator.gpu.getPreferredCanvasFormat();
  const canvas = new OffscreenCanvas(4, 4);
  try {
    const ctx = canvas.getContext('webgpu');
    ctx.configure({ device, format, alphaMode: 'premultiplied' });
    const encoder = device.createCommandEncoder();
    encoder.beginRenderPass({ colorAttachments: [{
      view: ctx.getCurrentTexture().createView(), loadOp: 'clear', storeOp: 'store',
      clearValue: { r: clear[0] / 255, g: clear[1] / 255, b: clear[2] / 255, a: clear[3] / 255 },
    }] }).end();
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
    const out = new OffscreenCanvas(4, 4).getContext('2d');
    out.drawImage(canvas.transferToImageBitmap(), 0, 0);
    return { pixel: [...out.getImageData(1, 1, 1, 1).data], adapter: name, fallback, webgl2 };
  } finally {
    device.destroy();
  }
}`;

/** A page on localhost to probe in (WebGPU needs a secure context, which about:blank is not). */
async function withProbeServer<T>(run: (url: string) => Promise<T>): Promise<T> {
  const server = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><body></body>'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await run(`http://localhost:${(server.address() as AddressInfo).port}/`);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

const near = (a: number[] | undefined, b: number[]) => !!a && a.every((v, i) => Math.abs(v - b[i]) <= 2);

/** Launches each flag set in turn and returns the first that presents; throws, naming them all, if none does. */
export async function probe(candidates: FlagSet[] = CANDIDATES): Promise<ChromiumSetup> {
  const tried: ChromiumSetup['tried'] = [];
  let version = '?';
  return withProbeServer(async (url) => {
    for (const candidate of candidates) {
      const args = [...BASE_ARGS, ...candidate.args];
      const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args });
      version = browser.version();
      try {
        const page = await browser.newPage();
        await page.goto(url);
        const r = await Promise.race([
          page.evaluate(`(${PROBE_PAGE})(${JSON.stringify(CLEAR)})`) as Promise<ProbeResult>,
          new Promise<ProbeResult>((resolve) => setTimeout(() => resolve({ error: 'no answer in 20 s' }), 20_000)),
        ]).catch((e: Error): ProbeResult => ({ error: e.message.split('\n')[0] }));
        if (candidate.hardwareOnly && r.fallback) {
          tried.push({ name: candidate.name, result: `software adapter ${r.adapter}` });
          continue;
        }
        if (!r.error && near(r.pixel, CLEAR)) {
          tried.push({ name: candidate.name, result: 'presents' });
          return { executablePath: CHROMIUM, version, name: candidate.name, args, adapter: r.adapter!, webgl2: !!r.webgl2, tried };
        }
        tried.push({ name: candidate.name, result: r.error ?? `read back ${r.pixel?.join(',')}, expected ${CLEAR.join(',')}` });
      } finally {
        await browser.close();
      }
    }
    throw new Error(
      `No known launch flags make Chromium ${version} (${CHROMIUM}) present WebGPU canvases, so WebGPU output would read back wrong. Tried:\n` +
      tried.map((t) => `  ${t.name} [${candidates.find((c) => c.name === t.name)!.args.join(' ')}]: ${t.result}`).join('\n') +
      `\nFind flags that work (shared/notes/browser-testing.md) and add them to CANDIDATES in test/browser/chromium.ts.`,
    );
  });
}

/** The probed launch set-up: from the environment when an earlier probe in this run left it there, else probed now. */
export async function chromiumSetup(): Promise<ChromiumSetup> {
  const kept = process.env[ENV_KEY];
  if (kept) return JSON.parse(kept) as ChromiumSetup;
  const setup = await probe();
  process.env[ENV_KEY] = JSON.stringify(setup);
  return setup;
}

/** Launch options for Playwright: the probed flags plus `extra` (a fake camera, an extension). */
export async function chromiumLaunchOptions(extra: string[] = []): Promise<LaunchOptions & { executablePath: string; args: string[] }> {
  const setup = await chromiumSetup();
  return { executablePath: setup.executablePath, headless: true, args: [...setup.args, ...extra] };
}

/**
 * How the page is composited: 'gpu' with the probed flags (on a machine without a GPU, SwiftShader
 * draws every frame of the page in software GL in the GPU process), or 'software', as Chromium
 * does on a machine without a GPU (--disable-gpu: no WebGPU or WebGL, WASM only). The live
 * benchmarks measure WASM in 'software': on a 640x480 camera page SwiftShader's compositing took
 * 0.8 of a core here (2026-12-06), which a GPU-less machine's browser does not spend.
 */
export type Compositing = 'gpu' | 'software';

/** Launch options for `compositing` (see chromiumLaunchOptions), plus `extra`. */
export async function launchOptionsFor(compositing: Compositing, extra: string[] = []): Promise<LaunchOptions & { executablePath: string; args: string[] }> {
  if (compositing === 'gpu') return chromiumLaunchOptions(extra);
  const plain = plainLaunchOptions();
  return { ...plain, args: [...plain.args, '--disable-gpu', ...extra] };
}

/**
 * Launch options for pictures that need no GPU (icons, store images): Chromium's own defaults. With
 * the probed WebGPU flags a page screenshot never finished (156.0.8078.114, 30 s, twice).
 */
export const plainLaunchOptions = (): LaunchOptions & { executablePath: string; args: string[] } => ({ executablePath: CHROMIUM, headless: true, args: BASE_ARGS });

export const describeSetup = (s: ChromiumSetup) =>
  `Chromium ${s.version}: launch flags "${s.name}" (${s.args.join(' ')}); WebGPU adapter ${s.adapter}; WebGL2 ${s.webgl2 ? 'with' : 'without'} float targets` +
  (s.tried.length > 1 ? `; rejected: ${s.tried.slice(0, -1).map((t) => `${t.name} (${t.result})`).join(', ')}` : '');
