/**
 * Prints one closing line for the whole suite, summed over the unit (Vitest), conformance (one
 * case on one backend counts as one test) and end-to-end (Playwright) reports: `tests: N passed, N failed, N skipped`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

interface Counts { passed: number; failed: number; skipped: number }
const total: Counts = { passed: 0, failed: 0, skipped: 0 };
const missing: string[] = [];

function read(path: string): any | undefined {
  if (!existsSync(path)) { missing.push(path); return undefined; }
  try { return JSON.parse(readFileSync(path, 'utf8')); } catch { missing.push(path); return undefined; }
}

const unit = read('reports/unit.json');
if (unit) {
  total.passed += unit.numPassedTests ?? 0;
  total.failed += (unit.numFailedTests ?? 0);
  total.skipped += (unit.numPendingTests ?? 0) + (unit.numTodoTests ?? 0);
  if (unit.success === false && (unit.numFailedTests ?? 0) === 0) total.failed += (unit.numFailedTestSuites ?? 1) || 1;
}
const e2e = read('reports/e2e.json');
if (e2e?.stats) {
  total.passed += (e2e.stats.expected ?? 0) + (e2e.stats.flaky ?? 0);
  total.failed += e2e.stats.unexpected ?? 0;
  total.skipped += e2e.stats.skipped ?? 0;
}
let conformanceRuns = 0;
for (const f of existsSync('reports') ? readdirSync('reports') : []) {
  if (!/^conformance-.*\.json$/.test(f)) continue;
  const c = read(`reports/${f}`);
  if (!c?.summary) continue;
  conformanceRuns++;
  total.passed += c.summary.pass ?? 0;
  total.failed += c.summary.fail ?? 0;
  total.skipped += c.summary.skipped ?? 0;
}
if (conformanceRuns === 0) missing.push('reports/conformance-*.json');
for (const m of missing) console.log(`unroll: no report at ${m} (that stage did not run to the end)`);
console.log(`tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
