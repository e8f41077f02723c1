// The launch probe (chromium.ts) itself: when no flag set presents WebGPU, the run must stop with
// one message naming the Chromium build and each set tried, not with a row of pixel failures.
import { probe } from './chromium';
import { expect, test } from './test';

test('the launch probe names the Chromium version and every flag set tried when none presents WebGPU', async () => {
  // Without --enable-unsafe-webgpu this Chromium offers no adapter at all.
  const failure = probe([{ name: 'no-webgpu', args: ['--disable-gpu'] }, { name: 'no-webgpu-either', args: [] }]);
  await expect(failure).rejects.toThrow(/Chromium \d+\.\d+\.\d+\.\d+ \(\/usr\/bin\/chromium\)/);
  await expect(failure).rejects.toThrow(/no-webgpu \[--disable-gpu\]: no WebGPU adapter\n {2}no-webgpu-either \[\]: no WebGPU adapter/);
});
