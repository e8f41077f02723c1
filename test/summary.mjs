// Prints the browser set-up and one closing line over both runners ("tests: N passed, N failed"), read from the JSON
// reports that test/run.sh asks vitest and Playwright to write.
import { existsSync, readFileSync } from 'node:fs';

const read = (f) => (existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : null);
const unit = read('test/reports/unit.json');
const browser = read('test/reports/browser.json');
const passed = (unit?.numPassedTests ?? 0) + (browser?.stats.expected ?? 0) + (browser?.stats.flaky ?? 0);
// Run-level errors (e.g. the web server could not start) count too: no test ran, nothing passed.
const failed = (unit ? unit.numFailedTests + (unit.success === false && !unit.numFailedTests ? 1 : 0) : 1) + (browser ? browser.stats.unexpected + (browser.errors?.length ?? 0) : 1);
const skipped = (unit?.numPendingTests ?? 0) + (unit?.numTodoTests ?? 0) + (browser?.stats.skipped ?? 0);
// The Chromium build and launch flags the browser tests' probe chose (test/browser/chromium.ts).
const chromium = read('test/reports/chromium.json');
if (chromium) console.log(`browser: Chromium ${chromium.version}, flags "${chromium.name}": ${chromium.args.join(' ')}`);
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
