// A lost WebGPU device (driver reset, GPU process crash, tab in the background too long) makes
// every tensor on it unusable. The worker watches device.lost and, before the next frame,
// swaps in a fresh WebGPU backend (new adapter and device); the caller then reloads its models.
import * as tf from '@tensorflow/tfjs';

type WebGpuLike = { device?: { lost: Promise<{ message?: string; reason?: string }>; destroy(): void } };

export class DeviceWatch {
  /** Why the device was lost, until recover() replaces it. */
  lost: string | null = null;
  recoveries = 0;

  /** Starts watching the current backend's device (no-op off WebGPU). */
  watch(): void {
    const device = (tf.backend() as unknown as WebGpuLike).device;
    if (tf.getBackend() !== 'webgpu' || !device) return;
    void device.lost.then((info) => {
      if ((tf.backend() as unknown as WebGpuLike).device === device) this.lost = info.message || info.reason || 'device lost';
    });
  }

  /** Re-creates the WebGPU backend. The factory is kept, since removeBackend forgets it. */
  async recover(): Promise<void> {
    const registry = (tf.engine() as unknown as { registryFactory: Record<string, { factory: () => tf.KernelBackend; priority: number }> }).registryFactory;
    const { factory, priority } = registry.webgpu;
    tf.removeBackend('webgpu');
    tf.registerBackend('webgpu', factory, priority);
    if (!(await tf.setBackend('webgpu'))) throw new Error('WebGPU device lost and no new device could be created');
    this.lost = null;
    this.recoveries++;
    this.watch();
  }

  /**
   * Test hook: destroys the device, as a driver reset would, and returns once `lost` has settled
   * (and so `this.lost` is set), as a real loss is seen before the frames after it. Returning at
   * once, the lost-device test once saw no recovery in a full `npm test` run (2026-11-29).
   */
  async simulateLoss(): Promise<void> {
    const device = (tf.backend() as unknown as WebGpuLike).device;
    device?.destroy();
    await device?.lost;
  }
}
