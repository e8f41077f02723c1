// Browser tests run in Debian's Chromium (never a downloaded one) against `vite preview` of dist/pwa.
import { defineConfig } from '@playwright/test';
import { FAKE_CAMERA_Y4M, PREVIEW_PORT, REPO_ROOT } from './helpers';

export default defineConfig({
  testDir: '.',
  globalSetup: './global-setup.ts',
  // One 2-core machine: tests run one at a time and the model runs are slow on SwiftShader.
  workers: 1,
  fullyParallel: false,
  timeout: 240_000,
  expect: { timeout: 60_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${PREVIEW_PORT}/`,
    headless: true,
    launchOptions: {
      // Chromium and its WebGPU flags come from the probe (chromium.ts, via test.ts); here only a
      // fake camera playing a real clip, and gc() for the memory checks.
      args: [
        '--js-flags=--expose-gc', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
        `--use-file-for-fake-video-capture=${FAKE_CAMERA_Y4M}`,
      ],
    },
  },
  webServer: {
    // `npm test` builds first; build here only when run on its own without a build.
    command: `test -f dist/pwa/index.html || npm run build:pwa; exec npx vite preview --config pwa/vite.config.ts --port ${PREVIEW_PORT} --strictPort`,
    cwd: REPO_ROOT,
    url: `http://localhost:${PREVIEW_PORT}/`,
    reuseExistingServer: false,
    timeout: 120_000,
  },
});
