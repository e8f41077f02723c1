// npx tsx pwa/make-images.ts [--screenshots URL]: writes the PWA's PNG icons (192, 512, and a
// maskable 512 with the safe-zone padding) from icon.svg into pwa/public/, and with
// --screenshots, the manifest's wide and narrow screenshots of the app served at URL.
// Rendered by Debian's Chromium (test/browser/chromium.ts); the PNGs are committed.
import { chromium } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromiumLaunchOptions } from '../test/browser/chromium.js';

const pub = fileURLToPath(new URL('./public/', import.meta.url));
const svg = readFileSync(`${pub}icon.svg`, 'utf8');

async function main(): Promise<void> {
  const browser = await chromium.launch(await chromiumLaunchOptions());
  try {
    const page = await browser.newPage();
    const icon = async (size: number, file: string, inset: number) => {
      await page.setViewportSize({ width: size, height: size });
      // A maskable icon keeps its picture inside the central 80% circle, on a full-bleed background.
      await page.setContent(`<body style="margin:0;background:#12161f;display:grid;place-items:center;height:${size}px">
        <div style="width:${size - 2 * inset}px;height:${size - 2 * inset}px">${svg.replace('<svg ', '<svg width="100%" height="100%" ')}</div></body>`);
      await page.screenshot({ path: `${pub}${file}`, omitBackground: inset === 0 });
    };
    await icon(192, 'icon-192.png', 0);
    await icon(512, 'icon-512.png', 0);
    await icon(512, 'icon-maskable-512.png', 64);
    const i = process.argv.indexOf('--screenshots');
    if (i >= 0) {
      const url = process.argv[i + 1];
      for (const [file, width, height] of [['screenshot-wide.png', 1280, 720], ['screenshot-narrow.png', 360, 740]] as const) {
        const shot = await browser.newPage({ viewport: { width, height } });
        await shot.goto(url);
        await shot.waitForFunction(() => (window as unknown as { __filterApp?: { stats(): { frames: number } } }).__filterApp?.stats().frames! > 5, null, { timeout: 60_000 });
        await shot.screenshot({ path: `${pub}${file}` });
        await shot.close();
      }
    }
  } finally {
    await browser.close();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
