// Backend choice for 'auto': WebGPU only on a hardware adapter, WASM otherwise, with a reason.
import { describe, expect, it } from 'vitest';
import { pickAutoBackend } from '../../workers/backend';

describe('pickAutoBackend', () => {
  it('uses WASM when the browser has no WebGPU API or no adapter', () => {
    expect(pickAutoBackend(null, false)).toEqual({ backend: 'wasm', reason: expect.stringMatching(/not available/) });
    expect(pickAutoBackend(null, true)).toEqual({ backend: 'wasm', reason: expect.stringMatching(/No WebGPU adapter/) });
  });

  it('rejects the SwiftShader fallback adapter Chromium gives without a GPU', () => {
    const swiftshader = { isFallbackAdapter: true, vendor: 'google', architecture: 'swiftshader', description: '' };
    const c = pickAutoBackend(swiftshader, true);
    expect(c.backend).toBe('wasm');
    expect(c.reason).toMatch(/software fallback \(swiftshader\).*60x slower than WASM/);
  });

  it('rejects software adapters even when isFallbackAdapter is not set', () => {
    for (const a of [{ architecture: 'swiftshader' }, { description: 'llvmpipe (LLVM 15.0.6, 256 bits)' }, { description: 'Microsoft Basic Render Driver' }]) {
      expect(pickAutoBackend(a, true).backend).toBe('wasm');
    }
    expect(pickAutoBackend({ isFallbackAdapter: true }, true).reason).toMatch(/isFallbackAdapter/);
  });

  it('prefers a hardware WebGL renderer to WASM when WebGPU has no hardware adapter', () => {
    const swiftshader = { isFallbackAdapter: true, architecture: 'swiftshader' };
    const gl = pickAutoBackend(swiftshader, true, 'ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0)');
    expect(gl.backend).toBe('webgl');
    expect(gl.reason).toMatch(/software fallback.*hardware WebGL renderer \(ANGLE \(NVIDIA/);
    expect(pickAutoBackend(null, false, 'Apple M2').backend).toBe('webgl');
    const soft = pickAutoBackend(swiftshader, true, 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)');
    expect(soft.backend).toBe('wasm');
    expect(soft.reason).toMatch(/WebGL renderer is software/);
  });

  it('uses WebGPU on a hardware adapter and names it', () => {
    const c = pickAutoBackend({ isFallbackAdapter: false, vendor: 'nvidia', architecture: 'ampere', description: '' }, true);
    expect(c).toEqual({ backend: 'webgpu', reason: 'Hardware WebGPU adapter (nvidia ampere)' });
  });
});
