/**
 * `npm run bench:telemetry`: what telemetry costs. Trains the LSTM adding example (B 32, T 30) on
 * the `f32` backend for a fixed number of steps, with telemetry at the default recording interval
 * (records of ‖∂L/∂h_t‖, gates, states and per-edge gradient norms every 25 steps; batches every
 * 100 ms) and with recording off, alternating, three runs each after a warm-up; prints steps/s
 * (median) of both and the overhead. One JSON line (`BENCH_TELEMETRY {...}`) follows the table.
 *
 *   npm run bench:telemetry [-- --steps 200] [-- --runs 3]
 */
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { createBackend } from '../kernels';
import { restore } from '../src/graph/restore';
import { createSession, resolveTelemetry, type TelemetryOptions } from '../src/training';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : dflt;
};
const STEPS = Number(arg('steps', '200'));
const RUNS = Number(arg('runs', '3'));
const RECORD_EVERY = resolveTelemetry({}).recordEvery;

const restored = restore(readFileSync(new URL('../examples/lstm-adding.unroll.json', import.meta.url), 'utf8'));
if (!restored.ok) throw new Error(`examples/lstm-adding.unroll.json does not restore: ${restored.problems.map((p) => p.message).join('; ')}`);
const doc = restored.doc;
const created = createBackend('f32');

/** Steps per second of one run of `STEPS` steps from the same seed. */
async function run(telemetry: TelemetryOptions): Promise<{ stepsPerSecond: number; records: number }> {
  let records = 0;
  const session = createSession({
    doc,
    backend: created.backend,
    config: { steps: STEPS, batchSize: 32 },
    telemetry,
    onEvent: (e) => {
      if (e.type === 'telemetry') records += e.batch.records.length;
    },
  });
  const t0 = performance.now();
  const result = await session.start();
  const seconds = (performance.now() - t0) / 1000;
  if (result.status !== 'finished') throw new Error(`the run ended ${result.status} at step ${result.step}`);
  return { stepsPerSecond: result.step / seconds, records };
}

const median = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const on: TelemetryOptions = {};
const off: TelemetryOptions = { recordEvery: 0 };
await run({ recordEvery: 0 }); // warm-up: JIT and caches
const withRates: number[] = [];
const withoutRates: number[] = [];
let recordsPerRun = 0;
for (let i = 0; i < RUNS; i++) {
  // Alternate which goes first, so drift (thermal, GC) does not favour one side.
  const order = i % 2 === 0 ? [true, false] : [false, true];
  for (const telemetryOn of order) {
    const r = await run(telemetryOn ? on : off);
    if (telemetryOn) {
      withRates.push(r.stepsPerSecond);
      recordsPerRun = r.records;
    } else withoutRates.push(r.stepsPerSecond);
  }
}
created.destroy();

const withT = median(withRates);
const withoutT = median(withoutRates);
const overhead = (withoutT / withT - 1) * 100;
const row = (label: string, rates: number[], m: number) => `${label.padEnd(34)} ${m.toFixed(2).padStart(8)} steps/s   runs: ${rates.map((r) => r.toFixed(2)).join(', ')}`;
console.log(`LSTM adding (B 32, T 30, hidden ${String(doc.nodes.find((n) => n.type === 'LSTM')?.params.hidden)}), f32 backend, ${STEPS} steps per run, median of ${RUNS}`);
console.log(row(`telemetry on (records every ${RECORD_EVERY})`, withRates, withT));
console.log(row('recording off', withoutRates, withoutT));
console.log(`overhead: ${overhead.toFixed(1)}% (time per step with telemetry / without − 1; ${recordsPerRun} records per run)`);
console.log(`BENCH_TELEMETRY ${JSON.stringify({ steps: STEPS, runs: RUNS, recordEvery: RECORD_EVERY, withTelemetry: withT, withoutTelemetry: withoutT, overheadPercent: overhead, withRates, withoutRates })}`);
