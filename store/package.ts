// npm run package: the store uploads, from one build of dist/extension (the npm script builds it):
//   dist/store/gan-video-filter-<version>-chrome.zip   (Chrome Web Store)
//   dist/store/gan-video-filter-<version>-firefox.zip  (Firefox Add-ons)
// The version is package.json's (the build writes it into the manifest). Each zip holds the
// build's files in name order with one fixed timestamp, so two runs give the same bytes. Each
// store gets the manifest keys it reads and none it would warn about: Chrome the service worker,
// Firefox the background scripts (Firefox ignores a service worker) and its gecko settings. The
// Firefox zip must pass Mozilla's linter (web-ext lint) with no errors, or nothing is written.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync, zipSync, type Zippable } from 'fflate';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
export const BUILD_DIR = join(repoRoot, 'dist/extension');
export const STORE_DIR = join(repoRoot, 'dist/store');
/** Every entry's timestamp (DOS time starts in 1980): a zip records one, and it must not be the build's. */
const FIXED_TIME = new Date('2000-01-01T00:00:00Z');

export type Store = 'chrome' | 'firefox';
export const STORES: Store[] = ['chrome', 'firefox'];

type Manifest = Record<string, unknown> & { version: string; background: { service_worker?: string; scripts?: string[] } };

/** The manifest one store reads: the keys of the other browser removed. */
export function manifestFor(store: Store, built: Manifest): Manifest {
  const m = structuredClone(built);
  if (store === 'chrome') {
    delete m.browser_specific_settings;
    m.background = { service_worker: built.background.service_worker };
  } else {
    delete m.minimum_chrome_version;
    m.background = { scripts: built.background.scripts };
  }
  return m;
}

export const zipPath = (store: Store, version: string) => join(STORE_DIR, `gan-video-filter-${version}-${store}.zip`);

export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** The zip's bytes: every build file (the manifest replaced) in name order, one timestamp. */
export function packStore(store: Store, buildDir = BUILD_DIR): Uint8Array {
  const built = JSON.parse(readFileSync(join(buildDir, 'manifest.json'), 'utf8')) as Manifest;
  const entries: Zippable = {};
  const names = filesUnder(buildDir).map((p) => relative(buildDir, p).split(sep).join('/')).sort();
  for (const name of names) {
    const data = name === 'manifest.json'
      ? new TextEncoder().encode(`${JSON.stringify(manifestFor(store, built), null, 2)}\n`)
      : new Uint8Array(readFileSync(join(buildDir, name)));
    entries[name] = [data, { mtime: FIXED_TIME, level: 9 }];
  }
  return zipSync(entries);
}

/** Unpacks a zip into a new temporary folder (a store's reviewers, and the load tests, see this). */
export function unpack(zip: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gvf-zip-'));
  for (const [name, data] of Object.entries(unzipSync(new Uint8Array(readFileSync(zip))))) {
    if (name.endsWith('/')) continue;
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), data);
  }
  return dir;
}

export interface LintReport { summary: { errors: number; warnings: number; notices: number }; errors: LintMessage[]; warnings: LintMessage[]; notices: LintMessage[] }
interface LintMessage { code: string; message: string; file?: string }

/** Mozilla's linter (addons-linter through web-ext) over what the zip holds. */
export function lint(zip: string): LintReport {
  const dir = unpack(zip);
  try {
    const out = execFileSync(join(repoRoot, 'node_modules/.bin/web-ext'), ['lint', '--source-dir', dir, '--output', 'json', '--no-config-discovery'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return JSON.parse(out) as LintReport;
  } catch (err) {
    // web-ext exits non-zero when there are errors; the report is still on stdout.
    const out = (err as { stdout?: string }).stdout;
    if (out?.trim().startsWith('{')) return JSON.parse(out) as LintReport;
    throw err;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function main(): void {
  const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  const built = JSON.parse(readFileSync(join(BUILD_DIR, 'manifest.json'), 'utf8')) as Manifest;
  if (built.version !== version) throw new Error(`dist/extension is version ${built.version}, package.json ${version}: run npm run build:extension`);
  mkdirSync(STORE_DIR, { recursive: true });
  for (const store of STORES) {
    const bytes = packStore(store);
    const path = zipPath(store, version);
    writeFileSync(path, bytes);
    console.log(`${relative(repoRoot, path)}: ${(bytes.length / 1e6).toFixed(2)} MB, sha256 ${sha256(bytes)}`);
  }
  const report = lint(zipPath('firefox', version));
  for (const kind of ['errors', 'warnings', 'notices'] as const) for (const m of report[kind]) console.log(`web-ext lint ${kind.slice(0, -1)}: ${m.code} ${m.file ?? ''} ${m.message}`);
  console.log(`web-ext lint (Firefox zip): ${report.summary.errors} errors, ${report.summary.warnings} warnings, ${report.summary.notices} notices`);
  if (report.summary.errors) {
    for (const store of STORES) rmSync(zipPath(store, version), { force: true });
    process.exit(1);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
