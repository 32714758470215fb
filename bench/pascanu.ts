/**
 * The cost of the Pascanu regulariser Ω (`src/engine/pascanu.ts`) next to the BPTT pass it is added
 * to: per case and backend, the median ms of one forward + backward (`bptt`), of `pascanuTerm` (its
 * rule plus the one extra seeded backward: `omega`) and of the rule alone (`cellTerm`: `rule`), and
 * `omega / bptt`. Part of `npm run bench` (cases whose name contains `--only`); alone:
 *
 *   npx tsx bench/pascanu.ts [--iters 5]
 */
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { createBackend } from '../kernels';
import { compile } from '../src/compiler';
import { Executor } from '../src/engine/executor';
import type { BatchFeed } from '../src/engine/feeds';
import { pascanuTerm, resolvePascanu } from '../src/engine/pascanu';
import { cellTerm } from '../src/engine/pascanu-cells';
import { Rng } from '../src/engine/rng';
import { WeightStore } from '../src/engine/weights';
import { dataOf, graphOf, type BenchCase } from './models';

export const PASCANU_CASES: readonly BenchCase[] = [
  { name: 'Ω LSTM B32 T32 I64 H128 C64', cell: 'LSTM', B: 32, T: 32, I: 64, H: 128, C: 64 },
  { name: 'Ω GRU B32 T32 I64 H128 C64', cell: 'GRU', B: 32, T: 32, I: 64, H: 128, C: 64 },
  { name: 'Ω LSTM B32 T32 I64 H16 C64', cell: 'LSTM', B: 32, T: 32, I: 64, H: 16, C: 64 },
  { name: 'Ω GRU B32 T32 I64 H16 C64', cell: 'GRU', B: 32, T: 32, I: 64, H: 16, C: 64 },
];

export interface PascanuRow {
  readonly case: string;
  readonly backend: string;
  readonly bpttMs: number;
  readonly omegaMs: number;
  readonly ruleMs: number;
  readonly ratio: number;
  readonly omega: number;
  readonly iters: number;
}

function median(a: readonly number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** One case on one backend: one warm-up round, then `iters` timed rounds of BPTT, Ω and the rule. */
export function measurePascanu(c: BenchCase, backendName: string, iters: number): PascanuRow {
  const created = createBackend(backendName);
  try {
    const graph = graphOf(c);
    const r = compile(graph, { fused: true });
    if (!r.ok) throw new Error(`bench graph ${c.name} does not compile: ${r.problems.map((p) => p.message).join('; ')}`);
    const plan = r.plan;
    const exec = new Executor(plan, WeightStore.initialise(plan, new Rng(3)), created.backend);
    const { xs, ys } = dataOf(c);
    const x = new Float64Array(c.B * c.T * c.I);
    xs.forEach((id, i) => (x[i * c.I + id] = 1)); // one-hot (B,T,I)
    const feed: BatchFeed = { feeds: { x, y: ys }, lengths: new Int32Array(c.B).fill(c.T), T: c.T };
    const setup = resolvePascanu(plan, graph.nodes, { nodes: ['l0'] });
    const times = { bptt: [] as number[], omega: [] as number[], rule: [] as number[] };
    let omega = 0;
    for (let k = 0; k <= iters; k++) {
      const t0 = performance.now();
      exec.bind(feed);
      const total = exec.forward().total;
      const grads = exec.backward();
      const t1 = performance.now();
      for (const cell of setup.cells) cellTerm(exec, cell);
      const t2 = performance.now();
      omega = pascanuTerm(exec, setup, { total, grads }).omega;
      const t3 = performance.now();
      if (k === 0) continue; // warm-up
      times.bptt.push(t1 - t0);
      times.rule.push(t2 - t1);
      times.omega.push(t3 - t2);
    }
    const [bpttMs, omegaMs, ruleMs] = [median(times.bptt), median(times.omega), median(times.rule)];
    return { case: c.name, backend: backendName, bpttMs, omegaMs, ruleMs, ratio: omegaMs / bpttMs, omega, iters };
  } finally {
    created.destroy();
  }
}

/** Every case whose name contains `only`, on the reference and f32 backends; prints a table, returns the rows. */
export function runPascanuBench(iters: number, only = ''): PascanuRow[] {
  const rows: PascanuRow[] = [];
  const cases = PASCANU_CASES.filter((c) => c.name.includes(only));
  if (cases.length === 0) return rows;
  console.log(`Pascanu Ω against one BPTT pass (forward + backward); median of ${iters} after one warm-up`);
  console.log(`  ${'case'.padEnd(30)} ${'backend'.padEnd(10)} ${'bptt ms'.padStart(9)} ${'Ω ms'.padStart(9)} ${'rule ms'.padStart(9)} ${'Ω/bptt'.padStart(7)}`);
  for (const c of cases) {
    for (const backend of ['reference', 'f32']) {
      const r = measurePascanu(c, backend, iters);
      rows.push(r);
      console.log(`  ${c.name.padEnd(30)} ${backend.padEnd(10)} ${r.bpttMs.toFixed(1).padStart(9)} ${r.omegaMs.toFixed(1).padStart(9)} ${r.ruleMs.toFixed(1).padStart(9)} ${r.ratio.toFixed(2).padStart(7)}`);
    }
  }
  console.log('');
  return rows;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf('--iters');
  const rows = runPascanuBench(i >= 0 ? Number(process.argv[i + 1]) : 5);
  console.log(`BENCH_PASCANU ${JSON.stringify(rows)}`);
}
