// The shared Vite plugin's file list: registry, every weights file, the three tfjs .wasm files.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filterAssetFiles } from '../../build/vite-assets';

describe('filterAssetFiles', () => {
  it('serves models/ at the same paths and the tfjs .wasm files under tfjs-wasm/', () => {
    const root = mkdtempSync(join(tmpdir(), 'assets-'));
    mkdirSync(join(root, 'models/weights/a/sub'), { recursive: true });
    writeFileSync(join(root, 'models/registry.json'), '{}');
    writeFileSync(join(root, 'models/weights/a/model.json'), '{}');
    writeFileSync(join(root, 'models/weights/a/sub/weights.bin'), '');
    const urls = filterAssetFiles(root).map((a) => a.url).sort();
    expect(urls).toEqual([
      'models/registry.json', 'models/weights/a/model.json', 'models/weights/a/sub/weights.bin',
      'tfjs-wasm/tfjs-backend-wasm-simd.wasm', 'tfjs-wasm/tfjs-backend-wasm-threaded-simd.wasm', 'tfjs-wasm/tfjs-backend-wasm.wasm',
    ]);
  });

  it('lists no model files when the repository has none yet', () => {
    expect(filterAssetFiles(mkdtempSync(join(tmpdir(), 'assets-'))).every((a) => a.url.startsWith('tfjs-wasm/'))).toBe(true);
  });
});
