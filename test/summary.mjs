// Prints the browser set-up and one closing line over the three runs (unit, Chromium, Firefox: "tests: N passed,
// N failed"), read from the JSON reports that test/run.sh asks vitest and Playwright to write.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const read = (f) => (existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : null);
const unit = read('test/reports/unit.json');
const browser = read('test/reports/browser.json');
const firefox = read('test/reports/firefox.json');
// The same suite on the oldest Firefox ESR the manifest claims (test/firefox/oldest.sh), when that is an older one than the system's.
const oldestRan = Boolean(process.env.GVF_FIREFOX_OLDEST);
const firefoxOldest = oldestRan ? read('test/reports/firefox-oldest.json') : null;
const passed = (unit?.numPassedTests ?? 0) + (browser?.stats.expected ?? 0) + (browser?.stats.flaky ?? 0) + (firefox?.numPassedTests ?? 0) + (firefoxOldest?.numPassedTests ?? 0);
// Run-level errors (e.g. the web server could not start) count too: no test ran, nothing passed.
const vitestFailed = (r) => (r ? r.numFailedTests + (r.success === false && !r.numFailedTests ? 1 : 0) : 1);
const failed = vitestFailed(unit) + (browser ? browser.stats.unexpected + (browser.errors?.length ?? 0) : 1) + vitestFailed(firefox) + (oldestRan ? vitestFailed(firefoxOldest) : 0);
const skipped = (unit?.numPendingTests ?? 0) + (unit?.numTodoTests ?? 0) + (browser?.stats.skipped ?? 0) + (firefox?.numPendingTests ?? 0) + (firefoxOldest?.numPendingTests ?? 0);
// The Chromium build and launch flags the browser tests' probe chose (test/browser/chromium.ts).
const chromium = read('test/reports/chromium.json');
if (chromium) console.log(`browser: Chromium ${chromium.version}, flags "${chromium.name}": ${chromium.args.join(' ')}`);
for (const [report, bin] of [[firefox, '/usr/bin/firefox-esr'], [firefoxOldest, process.env.GVF_FIREFOX_OLDEST]]) {
  if (report && bin && existsSync(bin)) console.log(`browser: ${execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim()} (puppeteer-core over WebDriver BiDi)`);
}
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
