// The `test` every browser spec imports: Playwright's, with the browser launched by the probed
// set-up of chromium.ts (the config's own launch options add only the fake camera).
import { test as base } from '@playwright/test';
import { chromiumLaunchOptions } from './chromium';

export { expect } from '@playwright/test';
export const test = base.extend({
  launchOptions: [async ({ launchOptions }, use) => {
    await use({ ...launchOptions, ...(await chromiumLaunchOptions(launchOptions.args)) });
  }, { scope: 'worker' }],
});
