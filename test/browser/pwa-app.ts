// Shared by the PWA specs: the page's test hook (pwa/test-hook.ts) as the tests see it, and
// waiting for filtered frames.
import type { Page } from '@playwright/test';
import { expect } from './test';
import type { Pixels } from './helpers';

export interface HookStats {
  frames: number;
  fps: number;
  fpsIn: number;
  latencyMs: number;
  latencyP50: number;
  latencyP95: number;
  dropped: number;
  timing: { inferMs: number; totalMs: number } | null;
  errors: string[];
  backend: { backend: string; reason: string } | null;
  filterId: string | null;
  filters: { id: string }[];
  switching: boolean;
  tier: { filterId: string; workScale: number } | null;
  trackProcessor: boolean;
  /** The error box's text while it shows; null when hidden. */
  errorShown: string | null;
  /** The stage's notice (a large video's working size) while it shows. */
  notice: string | null;
  /** The name of the file playing (what Export filters); null for the webcam or no source. */
  source: string | null;
}
export type RunOnceResult = {
  choice: { backend: string; reason: string };
  timings: { inferMs: number; totalMs: number }[];
  output: Pixels;
  memory: { numTensors: number; numBytes: number; frames: number; readbacks: number; deviceRecoveries: number };
};

declare global {
  interface Window {
    __filterApp: {
      stats(): HookStats;
      memory(): Promise<{ numTensors: number; numBytes: number }>;
      simulateCrash(): void;
      dieMidFrame(how: 'crash' | 'silent', watchdogMs?: number): Promise<void>;
      capture(): Promise<{ input: Pixels; output: Pixels }>;
      runOnce(req: { backend: string; filterId: string; input: Pixels; repeat?: number; videoFrame?: boolean; loseDeviceAfter?: number; workScale?: number }): Promise<RunOnceResult>;
      switchDuringFrames(req: { backend: string; from: string; to: string; input: Pixels; before: number; after: number }): Promise<string[]>;
      compose(req: { after: Pixels; before: Pixels; strength: number; split: number }): Promise<Pixels>;
    };
  }
}

export const stats = (page: Page) => page.evaluate(() => window.__filterApp.stats());

/** Waits until the app has a backend and a filter (`filter` when given) and has shown `more` more frames. */
export async function waitForFrames(page: Page, more: number, want: { filter?: string; backend?: string } = {}): Promise<HookStats> {
  await page.waitForFunction(() => typeof window.__filterApp !== 'undefined');
  let base = (await stats(page)).frames;
  await expect.poll(async () => {
    const s = await stats(page);
    if (s.frames < base) base = 0; // stats start over with a new source or filter
    const ready = s.filterId !== null && (!want.filter || s.filterId === want.filter) && !s.switching && (!want.backend || s.backend?.backend === want.backend);
    return ready && s.frames >= base + more;
  }, { timeout: 120_000 }).toBe(true);
  return stats(page);
}

/** Forces a backend from the backend details, as a user would. */
export async function selectBackend(page: Page, backend: string): Promise<void> {
  await page.waitForFunction(() => typeof window.__filterApp !== 'undefined' && window.__filterApp.stats().filterId !== null);
  await page.locator('#backend').click();
  await page.getByRole('combobox', { name: 'Backend' }).selectOption(backend);
  await expect.poll(async () => (await stats(page)).backend?.reason).toMatch(new RegExp(`^${backend} forced by the caller`));
}
