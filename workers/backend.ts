// Backend choice. A WebGPU adapter is not proof of a GPU: without one, Chromium hands out
// SwiftShader, which runs our generators about 60x slower than WASM. So WebGPU is used only
// on a real (non-fallback) adapter; then WebGL on a hardware renderer (browsers without
// WebGPU); WASM otherwise, and CPU as the last resort.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { BackendChoice, BackendName, WorkerInit } from './types.js';
import { useTransposeDepthToSpaceOnWasm } from './wasm-depth-to-space.js';

/** What we read from a WebGPU adapter to judge it; null when there is no adapter. */
export interface AdapterDescription {
  isFallbackAdapter?: boolean;
  vendor?: string;
  architecture?: string;
  description?: string;
}

/**
 * One WASM thread per logical core (tfjs caps it at 8). tfjs-wasm caps threads at half of
 * navigator.hardwareConcurrency, read when its module starts, on the assumption of two
 * hyperthreads per core: one thread on a 2-core VM, where two measured 1.6-1.7x faster
 * (sr-x2-fast 76 -> 47 ms per 640x360 frame). So this worker reports twice its cores to tfjs,
 * before anything can start the backend. The worker only; nothing else here reads it.
 */
const LOGICAL_CORES = globalThis.navigator?.hardwareConcurrency || 1;
if (globalThis.navigator) Object.defineProperty(navigator, 'hardwareConcurrency', { value: 2 * LOGICAL_CORES, configurable: true });

const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|software|basic render/i;

/**
 * Pure decision for 'auto', with the reason: WebGPU on a hardware adapter, else WebGL on a
 * hardware renderer (`webglRenderer`: WebGL's unmasked renderer string, null without WebGL),
 * else WASM.
 */
export function pickAutoBackend(adapter: AdapterDescription | null, hasWebGpuApi: boolean, webglRenderer: string | null = null): BackendChoice {
  let why: string;
  if (!hasWebGpuApi) why = 'WebGPU is not available in this browser';
  else if (!adapter) why = 'No WebGPU adapter';
  else {
    const name = [adapter.vendor, adapter.architecture, adapter.description].filter(Boolean).join(' ');
    const software = name.match(SOFTWARE_ADAPTER)?.[0].toLowerCase();
    if (!adapter.isFallbackAdapter && !software) return { backend: 'webgpu', reason: `Hardware WebGPU adapter${name ? ` (${name})` : ''}` };
    why = `WebGPU adapter is a software fallback (${software ?? 'isFallbackAdapter'}), about 60x slower than WASM here`;
  }
  if (webglRenderer && !SOFTWARE_ADAPTER.test(webglRenderer)) return { backend: 'webgl', reason: `${why}; hardware WebGL renderer (${webglRenderer})` };
  const gl = webglRenderer ? `; WebGL renderer is software (${webglRenderer})` : '';
  return { backend: 'wasm', reason: `${why}${gl}; using WASM` };
}

/** WebGL2's unmasked renderer string in this context, or null without WebGL2. */
export function describeWebGl(): string | null {
  try {
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
    if (!gl) return null;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return renderer || null;
  } catch {
    return null;
  }
}

interface GpuAdapterLike {
  isFallbackAdapter?: boolean;
  info?: AdapterDescription;
}
interface GpuLike { requestAdapter(): Promise<GpuAdapterLike | null> }

/** Reads the adapter the way tfjs-backend-webgpu would get it; null when there is none. */
export async function describeAdapter(): Promise<{ hasApi: boolean; adapter: AdapterDescription | null }> {
  const gpu = (navigator as Navigator & { gpu?: GpuLike }).gpu;
  if (!gpu) return { hasApi: false, adapter: null };
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (!adapter) return { hasApi: true, adapter: null };
  const info = adapter.info ?? {};
  return {
    hasApi: true,
    adapter: {
      isFallbackAdapter: Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter),
      vendor: info.vendor, architecture: info.architecture, description: info.description,
    },
  };
}

/**
 * Firefox ESR 153 in an isolated page: tfjs-wasm 4.22's threaded build never finished starting
 * in 6 of 20 workers (tf.setBackend hangs, no error; tfjs's own bundles, no code of ours), and
 * never with one thread, so Firefox gets one thread.
 */
const THREADS_HANG = /\bFirefox\//.test(globalThis.navigator?.userAgent ?? '');

/** Whether WASM threads can start here: shared memory (an isolated page) and not a browser where they hang. */
const threadsWork = (): boolean => Boolean(globalThis.crossOriginIsolated) && !THREADS_HANG;

async function trySetBackend(name: BackendName, assetBase: string, threads = LOGICAL_CORES): Promise<string | null> {
  try {
    if (name === 'wasm') {
      setWasmPaths(new URL('tfjs-wasm/', assetBase).href);
      setThreadsCount(Math.max(1, Math.min(threads, LOGICAL_CORES)));
      // Threads only where the page is cross-origin isolated. Elsewhere shared memory may still
      // pass tfjs's feature test (extension pages do), but the threads then fail to start: the
      // extension's CSP forbids the blob: scripts they load.
      if (!threadsWork()) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    }
    if (!(await tf.setBackend(name))) return `tf.setBackend('${name}') returned false`;
    await tf.ready();
    if (name === 'wasm') useTransposeDepthToSpaceOnWasm();
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** How the WASM backend runs: threads need a cross-origin isolated page (SharedArrayBuffer). */
export function describeWasm(): string {
  const threads = getThreadsCount();
  if (threads > 1) return `WASM with SIMD and ${threads} threads`;
  const why = threadsWork() ? `${LOGICAL_CORES} logical core${LOGICAL_CORES > 1 ? 's' : ''}`
    : THREADS_HANG ? "this browser's WASM threads do not start reliably" : 'threads need a cross-origin isolated page';
  return `WASM with SIMD on one thread (${why})`;
}

/** Initialises tfjs on the forced or automatically chosen backend, falling back WebGPU -> WASM -> CPU. */
export async function initBackend(opts: WorkerInit): Promise<BackendChoice> {
  const forced = opts.backend && opts.backend !== 'auto' ? opts.backend : null;
  let choice: BackendChoice;
  if (forced) {
    choice = { backend: forced, reason: `${forced} forced by the caller` };
  } else {
    const { hasApi, adapter } = await describeAdapter();
    choice = pickAutoBackend(adapter, hasApi, describeWebGl());
  }
  const order: BackendName[] = [choice.backend, ...(['wasm', 'cpu'] as const).filter((b) => b !== choice.backend)];
  const failures: string[] = [];
  for (const backend of order) {
    const error = await trySetBackend(backend, opts.assetBase, opts.threads);
    if (!error) {
      const reason = failures.length ? `${failures.join('; ')}; using ${backend}` : choice.reason;
      return { backend, reason: backend === 'wasm' ? `${reason}: ${describeWasm()}` : reason };
    }
    failures.push(`${backend} failed: ${error}`);
  }
  throw new Error(`No TensorFlow.js backend could start: ${failures.join('; ')}`);
}
