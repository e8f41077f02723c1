// The store packages (store/package.ts) and the store rules (store/check.ts), on the built
// dist/extension (npm test builds it first): same bytes on every run, Mozilla's linter clean, and
// rules that fail on a package that breaks them.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_DIR, manifestFor, packStore, lint, unpack } from '../../store/package';
import { checkListing, checkPackage, loadListing } from '../../store/check';

const built = existsSync(join(BUILD_DIR, 'manifest.json'));
let tmp: string;
beforeAll(() => { tmp = mkdtempSync(join(tmpdir(), 'gvf-store-')); });
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(!built)('store packages', () => {
  it('two packs of one build give the same bytes, and each store gets its own manifest', () => {
    for (const store of ['chrome', 'firefox'] as const) expect(Buffer.from(packStore(store)).equals(Buffer.from(packStore(store)))).toBe(true);
    const m = JSON.parse(readFileSync(join(BUILD_DIR, 'manifest.json'), 'utf8'));
    expect(manifestFor('chrome', m).background).toEqual({ service_worker: 'background.js' });
    expect(manifestFor('chrome', m).browser_specific_settings).toBeUndefined();
    expect(manifestFor('firefox', m).background).toEqual({ scripts: ['background.js'] });
    expect(manifestFor('firefox', m).minimum_chrome_version).toBeUndefined();
  });

  it('the Firefox zip passes web-ext lint with no errors and no warnings', () => {
    const zip = join(tmp, 'firefox.zip');
    writeFileSync(zip, packStore('firefox'));
    const report = lint(zip);
    expect([...report.errors, ...report.warnings].map((m) => `${m.code}: ${m.message}`)).toEqual([]);
  }, 120_000);

  it('every store rule passes on both zips and the listing', () => {
    for (const store of ['chrome', 'firefox'] as const) {
      const zip = join(tmp, `${store}.zip`);
      writeFileSync(zip, packStore(store));
      const dir = unpack(zip);
      expect(checkPackage(dir, loadListing()).filter((f) => !f.ok)).toEqual([]);
      rmSync(dir, { recursive: true, force: true });
    }
    expect(checkListing(loadListing()).filter((f) => !f.ok)).toEqual([]);
  });

  it('the rules fail on a package with an extra permission, remote code, an unsized icon or a long summary', () => {
    const dir = join(tmp, 'broken');
    cpSync(BUILD_DIR, dir, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    manifest.permissions.push('tabs');
    manifest.icons['48'] = 'icons/icon-128.png';
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    writeFileSync(join(dir, 'popup/popup.html'), `${readFileSync(join(dir, 'popup/popup.html'), 'utf8')}<script src="https://cdn.example.com/x.js"></script>`);
    const fr = JSON.parse(readFileSync(join(dir, '_locales/fr/messages.json'), 'utf8'));
    fr.extDescription.message = 'x'.repeat(133);
    writeFileSync(join(dir, '_locales/fr/messages.json'), JSON.stringify(fr));
    const failed = checkPackage(dir, loadListing()).filter((f) => !f.ok);
    expect(failed.map((f) => f.rule).sort()).toEqual(['fewest permissions, each justified', 'icons', 'name and summary in every locale', 'no remote code']);
    expect(failed.map((f) => f.detail).join('\n')).toMatch(/"tabs" has no justification[\s\S]*icon-128.png is 128x128, not 48x48|icon-128.png is 128x128, not 48x48[\s\S]*"tabs"/);
  });
});
