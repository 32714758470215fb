/**
 * `unroll check <graph>`: finite-difference check of every parameter of the whole graph (full BPTT,
 * float64 reference kernels) on a small random batch with unequal lengths. Prints a table per node;
 * exits 1 when any parameter fails.
 */
import { createRng } from '../../src/engine/rng';
import { WeightStore } from '../../src/engine/weights';
import { gradcheckGraph, randomFeed, type ParamCheck } from '../../src/training';
import { parseArgs, reader, UsageError } from './args';
import { fmt, type Io } from './io';
import { CliFailure, compileOrFail, loadDocument } from './load';

const FLAGS = {
  batch: { kind: 'int', value: 'B', min: 1 },
  steps: { kind: 'int', value: 'T', min: 1 },
  seed: { kind: 'int', value: 'S', min: 0 },
  h: { kind: 'number', value: 'step', min: 0, exclusive: true },
  rtol: { kind: 'number', value: 'tolerance', min: 0, exclusive: true },
  'max-per-param': { kind: 'int', value: 'N', min: 1 },
  all: { kind: 'boolean' },
  verbose: { kind: 'boolean' },
} as const;

function table(rows: readonly string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n') + '\n';
}

export async function checkCommand(argv: readonly string[], io: Io): Promise<number> {
  const p = parseArgs('check', argv, FLAGS);
  const r = reader(p);
  if (p.positional.length > 1) throw new UsageError(`unroll check: give one graph file, got ${p.positional.length}`);
  const file = p.positional[0];
  const doc = await loadDocument(file, 'check');
  const plan = compileOrFail(file, doc);
  if (plan.losses.length === 0) throw new CliFailure([`${file}: the graph has no loss node, so there is no gradient to check; add a CrossEntropy, MSE or BCE node`]);
  const seed = r.num('seed') ?? 1;
  const rng = createRng(seed);
  let weights: WeightStore;
  if (doc.weights !== undefined && Object.keys(doc.weights).length > 0) {
    const w = WeightStore.fromDocument(plan, doc.weights);
    if (!w.ok) throw new CliFailure(w.problems.map((q) => `${file}: weight ${q.name}: ${q.message} [${q.code}]`));
    weights = w.store;
  } else weights = WeightStore.initialise(plan, rng);
  const B = r.num('batch') ?? 3;
  const T = r.num('steps') ?? 5;
  const feed = randomFeed(plan, B, T, rng.fork('check-batch'));
  const report = gradcheckGraph(plan, weights, feed, rng.fork('check-sample'), {
    h: r.num('h'),
    rtol: r.num('rtol'),
    maxPerParam: r.bool('all') ? undefined : (r.num('max-per-param') ?? 64),
  });
  io.out(`${file}: gradient check on a random batch (B = ${B}, T = ${T}, lengths ${Array.from(feed.lengths).join(', ')}), loss ${fmt(report.loss, 6)}\n`);
  const byNode = new Map<string, ParamCheck[]>();
  for (const c of report.params) byNode.set(c.node, [...(byNode.get(c.node) ?? []), c]);
  const typeOf = new Map(doc.nodes.map((n) => [n.id as string, n.type]));
  const rows = [['node', 'type', 'params', 'checked', 'max rel err', 'max abs err', 'result']];
  for (const [node, checks] of byNode) {
    const checked = checks.reduce((a, c) => a + c.checked, 0);
    const size = checks.reduce((a, c) => a + c.size, 0);
    const rel = Math.max(...checks.map((c) => c.maxRelError));
    const abs = Math.max(...checks.map((c) => c.maxAbsError));
    rows.push([node, typeOf.get(node) ?? '?', String(checks.length), `${checked}/${size}`, rel.toExponential(2), abs.toExponential(2), checks.every((c) => c.pass) ? 'pass' : 'FAIL']);
    if (r.bool('verbose') || !checks.every((c) => c.pass)) {
      for (const c of checks) rows.push([`  ${c.name}`, '', '', `${c.checked}/${c.size}`, c.maxRelError.toExponential(2), c.maxAbsError.toExponential(2), c.pass ? 'pass' : 'FAIL']);
    }
  }
  io.out(table(rows));
  const failed = report.params.filter((c) => !c.pass);
  if (failed.length === 0) {
    io.out(`all ${report.params.length} parameters pass\n`);
    return 0;
  }
  io.err(`${file}: ${failed.length} of ${report.params.length} parameters fail the gradient check: ${failed.map((c) => c.name).join(', ')}\n`);
  return 1;
}
