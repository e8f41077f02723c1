// npm run store:check: the store rules a script can check (store/rules.ts), on the zips that
// `npm run package` wrote. Prints one line per rule and exits 1 if any fails.
//  - icons 16/32/48/128 in the manifest, each a PNG of its size;
//  - in every locale, a name (at most MAX_NAME characters) and a summary (at most MAX_SUMMARY);
//  - no remote code: extension pages' CSP allows only the package's own scripts (and WebAssembly),
//    no script or worker is loaded from an address, no eval or Function constructor, and every
//    address in the shipped code is a documentation link in a comment or message (listed below);
//  - the fewest permissions: each permission, host pattern and web-accessible resource has its
//    one-line justification in store/listing.json, and each API permission is used by the code;
//  - a single-purpose statement, a privacy policy (PRIVACY.md) that says no data is collected and
//    no frame leaves the device, and the listing images at the stores' sizes.
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXTENSION_ICON_SIZES, MAX_NAME, MAX_SUMMARY, PROMO_TILE, SCREENSHOT } from './rules.js';
import { STORES, filesUnder, unpack, zipPath } from './package.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** Hosts of the addresses that libraries' comments and error messages carry (licences, issue links, papers); nothing is fetched from them. */
const DOC_HOSTS = new Set(['www.apache.org', 'opensource.org', 'github.com', 'en.wikipedia.org', 'emscripten.org', 'developer.mozilla.org', 'arxiv.org', 'www.shadertoy.com', 'www.w3.org']);
/** Permissions and the API each needs the code to use. */
const API_OF: Record<string, RegExp> = { storage: /\bchrome\.storage\b/ };

export interface Finding { rule: string; ok: boolean; detail: string }

/** Width and height from a PNG's IHDR. */
function pngSize(path: string): { width: number; height: number } | null {
  const b = readFileSync(path);
  if (b.length < 24 || b.readUInt32BE(0) !== 0x89504e47 || b.toString('ascii', 12, 16) !== 'IHDR') return null;
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** A rule's finding: its problems, or what was checked when there are none. */
const finding = (rule: string, problems: string[], ok: string): Finding => ({ rule, ok: problems.length === 0, detail: problems.length ? problems.join('; ') : ok });

interface Listing {
  singlePurpose: string; permissions: Record<string, string>; hosts: Record<string, string>; webAccessibleResources: Record<string, string>;
  privacyPolicy: string; screenshots: string[]; promoTile: string;
}

/** All rules for one unpacked package (`dir`). */
export function checkPackage(dir: string, listing: Listing): Finding[] {
  const out: Finding[] = [];
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));

  const iconProblems = EXTENSION_ICON_SIZES.flatMap((size) => {
    const file = manifest.icons?.[String(size)];
    if (!file) return [`no ${size} icon in the manifest`];
    const got = existsSync(join(dir, file)) ? pngSize(join(dir, file)) : null;
    return got?.width === size && got.height === size ? [] : [`${file} is ${got ? `${got.width}x${got.height}` : 'not a PNG'}, not ${size}x${size}`];
  });
  out.push(finding('icons', iconProblems, EXTENSION_ICON_SIZES.map((s) => `${s}x${s}`).join(', ')));

  const msgKey = (v: string) => /^__MSG_(\w+)__$/.exec(v)?.[1];
  const locales = readdirSync(join(dir, '_locales'));
  const textProblems = locales.flatMap((loc) => {
    const messages = JSON.parse(readFileSync(join(dir, '_locales', loc, 'messages.json'), 'utf8')) as Record<string, { message: string }>;
    const text = (v: string) => { const k = msgKey(v); return k ? messages[k]?.message : v; };
    const name = text(manifest.name), summary = text(manifest.description);
    return [
      ...(!name ? [`${loc}: no name`] : [...name].length > MAX_NAME ? [`${loc}: name has ${[...name].length} characters (at most ${MAX_NAME})`] : []),
      ...(!summary ? [`${loc}: no summary`] : [...summary].length > MAX_SUMMARY ? [`${loc}: summary has ${[...summary].length} characters (at most ${MAX_SUMMARY})`] : []),
    ];
  });
  out.push(finding('name and summary in every locale', textProblems, `${locales.length} locales (${locales.join(', ')}), names <= ${MAX_NAME}, summaries <= ${MAX_SUMMARY} characters`));

  const csp: string = manifest.content_security_policy?.extension_pages ?? '';
  const scriptSrc = /script-src([^;]*)/.exec(csp)?.[1].trim().split(/\s+/) ?? [];
  const code = filesUnder(dir).filter((f) => /\.(js|mjs|html)$/.test(f));
  const remote: string[] = [];
  if (!scriptSrc.length || scriptSrc.some((s) => !["'self'", "'wasm-unsafe-eval'"].includes(s))) remote.push(`extension pages' script-src is "${scriptSrc.join(' ')}"`);
  for (const f of code) {
    const text = readFileSync(f, 'utf8');
    const name = relative(dir, f);
    if (/<script[^>]+src=["']?(https?:)?\/\//i.test(text)) remote.push(`${name}: a script from an address`);
    if (/\b(importScripts|import)\s*\(\s*["'`]https?:/.test(text)) remote.push(`${name}: code imported from an address`);
    if (/\beval\s*\(|\bnew\s+Function\s*\(/.test(text)) remote.push(`${name}: eval or the Function constructor`);
    for (const m of text.matchAll(/https?:\/\/([a-z0-9.-]+)/gi)) if (!DOC_HOSTS.has(m[1].toLowerCase())) remote.push(`${name}: address ${m[0]}`);
  }
  out.push(finding('no remote code', [...new Set(remote)], `${code.length} scripts and pages, CSP script-src ${scriptSrc.join(' ')}`));

  const allCode = code.map((f) => readFileSync(f, 'utf8')).join('\n');
  const perms: string[] = [...(manifest.permissions ?? []), ...(manifest.optional_permissions ?? [])];
  const hosts: string[] = [...new Set<string>([...(manifest.host_permissions ?? []), ...(manifest.content_scripts ?? []).flatMap((c: { matches: string[] }) => c.matches), ...(manifest.web_accessible_resources ?? []).flatMap((w: { matches: string[] }) => w.matches)])];
  const resources: string[] = (manifest.web_accessible_resources ?? []).flatMap((w: { resources: string[] }) => w.resources);
  const permProblems = [
    ...perms.filter((p) => !listing.permissions[p]?.trim()).map((p) => `permission "${p}" has no justification`),
    ...perms.filter((p) => !API_OF[p]).map((p) => `permission "${p}": no known API to check it is used`),
    ...perms.filter((p) => API_OF[p] && !API_OF[p].test(allCode)).map((p) => `permission "${p}" is not used`),
    ...hosts.filter((h) => !listing.hosts[h]?.trim()).map((h) => `host pattern "${h}" has no justification`),
    ...resources.filter((r) => !listing.webAccessibleResources[r]?.trim()).map((r) => `web-accessible "${r}" has no justification`),
    ...Object.values({ ...listing.permissions, ...listing.hosts }).filter((j) => j.includes('\n')).map(() => 'a justification is more than one line'),
  ];
  out.push(finding('fewest permissions, each justified', permProblems, `permissions [${perms.join(', ')}], hosts [${hosts.join(', ')}], web-accessible [${resources.join(', ')}]`));
  return out;
}

/** Rules about the listing itself (the same for both stores). */
export function checkListing(listing: Listing): Finding[] {
  const out: Finding[] = [];
  const purpose = listing.singlePurpose?.trim() ?? '';
  out.push(finding('single-purpose statement', purpose.length >= 40 && purpose.length <= 1000 ? [] : [`statement has ${purpose.length} characters`], `${purpose.length} characters`));
  const policyPath = join(repoRoot, listing.privacyPolicy);
  const policy = existsSync(policyPath) ? readFileSync(policyPath, 'utf8') : '';
  out.push(finding('privacy policy', [
    ...(!policy ? [`${listing.privacyPolicy} missing`] : []),
    ...(policy && !/collects no data/i.test(policy) ? ['does not say that no data is collected'] : []),
    ...(policy && !/never leave your device/i.test(policy) ? ['does not say that frames never leave the device'] : []),
  ], listing.privacyPolicy));
  const images = [...listing.screenshots.map((f) => [f, SCREENSHOT] as const), [listing.promoTile, PROMO_TILE] as const];
  out.push(finding('listing images', images.flatMap(([f, want]) => {
    const got = existsSync(join(repoRoot, f)) ? pngSize(join(repoRoot, f)) : null;
    return got?.width === want.width && got.height === want.height ? [] : [`${f}: ${got ? `${got.width}x${got.height}` : 'missing'}, not ${want.width}x${want.height}`];
  }), `${listing.screenshots.length} screenshots ${SCREENSHOT.width}x${SCREENSHOT.height}, promo tile ${PROMO_TILE.width}x${PROMO_TILE.height}`));
  return out;
}

export function loadListing(): Listing {
  return JSON.parse(readFileSync(join(repoRoot, 'store/listing.json'), 'utf8')) as Listing;
}

function main(): void {
  const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  const listing = loadListing();
  const findings: Finding[] = [];
  for (const store of STORES) {
    const zip = zipPath(store, version);
    if (!existsSync(zip)) throw new Error(`${relative(repoRoot, zip)} is missing: run npm run package first`);
    const dir = unpack(zip);
    try {
      findings.push(...checkPackage(dir, listing).map((f) => ({ ...f, rule: `${store}: ${f.rule}` })));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  findings.push(...checkListing(listing));
  for (const f of findings) console.log(`${f.ok ? 'ok  ' : 'FAIL'} ${f.rule}: ${f.detail}`);
  const failed = findings.filter((f) => !f.ok).length;
  console.log(failed ? `${failed} of ${findings.length} store rules fail` : `all ${findings.length} store rules pass`);
  if (failed) process.exit(1);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
