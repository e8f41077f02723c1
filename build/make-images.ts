// npx tsx build/make-images.ts [--screenshots URL]: writes, from pwa/public/icon.svg, the PWA's
// PNG icons (192, 512, and a maskable 512 with the safe-zone padding) into pwa/public/ and the
// extension's (16, 32, 48, 128: the sizes the stores ask for) into extension/icons/; with
// --screenshots, the PWA manifest's wide and narrow screenshots of the app served at URL.
// Rendered by Debian's Chromium (test/browser/chromium.ts); the PNGs are committed.
import { chromium } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { plainLaunchOptions } from '../test/browser/chromium.js';
import { EXTENSION_ICON_SIZES } from '../store/rules.js';

const pub = fileURLToPath(new URL('../pwa/public/', import.meta.url));
const extIcons = fileURLToPath(new URL('../extension/icons/', import.meta.url));
const svg = readFileSync(`${pub}icon.svg`, 'utf8');

async function main(): Promise<void> {
  const browser = await chromium.launch(plainLaunchOptions());
  try {
    const page = await browser.newPage();
    const icon = async (size: number, path: string, inset: number) => {
      await page.setViewportSize({ width: size, height: size });
      // A maskable icon keeps its picture inside the central 80% circle, on a full-bleed background.
      await page.setContent(`<body style="margin:0;background:#12161f;display:grid;place-items:center;height:${size}px">
        <div style="width:${size - 2 * inset}px;height:${size - 2 * inset}px">${svg.replace('<svg ', '<svg width="100%" height="100%" ')}</div></body>`);
      await page.screenshot({ path, omitBackground: inset === 0 });
    };
    await icon(192, `${pub}icon-192.png`, 0);
    await icon(512, `${pub}icon-512.png`, 0);
    await icon(512, `${pub}icon-maskable-512.png`, 64);
    for (const size of EXTENSION_ICON_SIZES) await icon(size, `${extIcons}icon-${size}.png`, 0);
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
