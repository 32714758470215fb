/**
 * `npm run bench`: ms per training step (forward, cross-entropy at every step, full BPTT, SGD) of
 * Unroll on every backend that runs here and of TensorFlow.js (wasm) on the same models and data.
 * Each (case, framework) gets warm-up steps, then timed steps up to a count or a time budget
 * (the software WebGPU adapter is slow: it gets one warm-up and at most two timed steps); the
 * median is reported. Prints a table and one JSON line (`BENCH {...}`); then the cost of the
 * Pascanu regulariser next to BPTT (`bench/pascanu.ts`, line `BENCH_PASCANU [...]`).
 *
 *   npm run bench [-- --iters 7] [-- --only LSTM]
 */
import os from 'node:os';
import process from 'node:process';
import { createBackend, type CreatedBackend } from '../kernels';
import { CASES, unrollStep, type BenchCase } from './models';
import { runPascanuBench } from './pascanu';
import { tfjsReady, tfjsStep } from './tfjs';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : dflt;
};
const ITERS = Number(arg('iters', '7'));
const ONLY = arg('only', '');
const BUDGET_MS = Number(arg('budget', '20000'));

interface Row {
  case: string;
  framework: string;
  ms: number | null;
  iters: number;
  loss?: number;
  note?: string;
}

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Median ms of timed steps; `loss` is the first step's (all frameworks start from their initial weights). */
function measure(step: () => number, warm: number, iters: number, budget: number): { ms: number; iters: number; loss: number } {
  const loss = step();
  for (let i = 1; i < warm; i++) step();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < iters && (times.length === 0 || performance.now() - start < budget)) {
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
  }
  return { ms: median(times), iters: times.length, loss };
}

const cases = CASES.filter((c) => c.name.includes(ONLY));
const backends: { name: string; created?: CreatedBackend; note?: string }[] = [];
for (const name of ['reference', 'f32', 'gpujs:webasm', 'gpujs:cpu', 'gpujs:webgpu', 'gpujs:headlessgl']) {
  try {
    const created = createBackend(name);
    backends.push({ name, created, note: created.info.summary });
  } catch (e) {
    backends.push({ name, note: (e as Error).message });
  }
}
const tfName = await tfjsReady();
const rows: Row[] = [];
for (const c of cases) {
  for (const b of backends) {
    if (b.created === undefined) {
      rows.push({ case: c.name, framework: b.name, ms: null, iters: 0, note: b.note });
      continue;
    }
    const slow = b.name === 'gpujs:webgpu';
    const m = measure(unrollStep(c, b.created.backend), slow ? 1 : 2, slow ? 2 : ITERS, BUDGET_MS);
    rows.push({ case: c.name, framework: b.name, ...m });
  }
  const tf = tfjsStep(c as BenchCase);
  rows.push({ case: c.name, framework: tfName, ...measure(tf.step, 2, ITERS, BUDGET_MS) });
  tf.dispose();
}
for (const b of backends) b.created?.destroy();

const fmt = (n: number | null) => (n === null ? '—' : n.toFixed(1));
console.log(`Unroll bench — ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, Node ${process.version}; median of up to ${ITERS} steps after warm-up\n`);
const ratios: Record<string, { best: string; bestMs: number; tfjsMs: number; ratio: number }> = {};
for (const c of cases) {
  console.log(c.name);
  const mine = rows.filter((r) => r.case === c.name);
  for (const r of mine) console.log(`  ${r.framework.padEnd(28)} ${fmt(r.ms).padStart(9)} ms/step  ${r.ms === null ? `(${r.note})` : `n=${r.iters}, first-step loss ${r.loss?.toFixed(4)}`}`);
  const unroll = mine.filter((r) => !r.framework.startsWith('tfjs') && r.ms !== null);
  const best = unroll.reduce((a, b) => (b.ms! < a.ms! ? b : a));
  const tfRow = mine.find((r) => r.framework.startsWith('tfjs'))!;
  ratios[c.name] = { best: best.framework, bestMs: best.ms!, tfjsMs: tfRow.ms!, ratio: best.ms! / tfRow.ms! };
  console.log(`  Unroll best / TF.js = ${best.framework} ${best.ms!.toFixed(1)} / ${tfRow.ms!.toFixed(1)} = ${(best.ms! / tfRow.ms!).toFixed(2)}\n`);
}
console.log(`BENCH ${JSON.stringify({ machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, node: process.version }, tfjs: tfName, rows, ratios })}`);
const pascanuRows = runPascanuBench(Math.min(ITERS, 5), ONLY);
if (pascanuRows.length > 0) console.log(`BENCH_PASCANU ${JSON.stringify(pascanuRows)}`);
process.exit(0);
