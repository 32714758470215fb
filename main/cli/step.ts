/**
 * `unroll step <graph> --batch <batch.json> --dump <out.json>`: one forward and one backward pass
 * with the graph's stored weights on the given batch; writes the loss, every value of the plan and
 * the gradient of every weight (names and layouts as in the document) as JSON. See
 * docs/batch-format.md for both files. When the graph's training block has the Pascanu regulariser
 * (`training.pascanu`), the dump also reports Ω, its gradient and the total `L + λΩ` (models.md:
 * "A gradient dump reports L and its gradient, Ω and its gradient, and their total"); clipping then
 * applies to the total, as in training.
 */
import type { Plan } from '../../src/compiler';
import { bpttGradients, tbpttGradients } from '../../src/engine/bptt';
import type { Backend } from '../../src/engine/backend';
import { clipGradients, gradNorms, type ClipConfig } from '../../src/engine/clip';
import type { BatchFeed } from '../../src/engine/feeds';
import { Executor } from '../../src/engine/executor';
import { PascanuError, pascanuTerm, resolvePascanu, type PascanuSetup } from '../../src/engine/pascanu';
import { createRng } from '../../src/engine/rng';
import { WeightStore } from '../../src/engine/weights';
import type { GraphDocument } from '../../src/graph/document';
import { parseArgs, parseTbptt, reader, UsageError } from './args';
import { resolveBackend } from './backends';
import { parseBatchFile } from './batch-file';
import { fmt, type Io } from './io';
import { CliFailure, compileOrFail, loadDocument, readJson, writeText } from './load';

const FLAGS = {
  batch: { kind: 'string', value: 'batch.json' },
  dump: { kind: 'string', value: 'out.json' },
  tbptt: { kind: 'string', value: 'k1,k2' },
  'clip-norm': { kind: 'number', value: 'V', min: 0, exclusive: true },
  'clip-value': { kind: 'number', value: 'V', min: 0, exclusive: true },
  seed: { kind: 'int', value: 'S', min: 0 },
  backend: { kind: 'string', value: 'name' },
  fused: { kind: 'boolean' },
} as const;

interface Dumped {
  readonly shape: readonly number[];
  readonly data: number[];
}

const dumped = (shape: readonly number[], data: ArrayLike<number>): Dumped => ({ shape: [...shape], data: Array.from(data) });

function gradientsOf(plan: Plan, weights: WeightStore, grads: ReadonlyMap<string, Float64Array>): Record<string, Dumped> {
  return Object.fromEntries(plan.params.map((p) => [p.name, dumped(weights.shape(p.name), grads.get(p.name)!)]));
}

/** The document's `training.pascanu` resolved against the plan; a bad setting names the field. */
function pascanuOf(file: string, doc: GraphDocument, plan: Plan): PascanuSetup | undefined {
  const config = doc.training?.pascanu;
  if (config === undefined) return undefined;
  try {
    return resolvePascanu(plan, doc.nodes, config);
  } catch (e) {
    if (e instanceof PascanuError) throw new CliFailure([`${file}: training.pascanu: ${e.message} [${e.code}]`]);
    throw e;
  }
}

export async function stepCommand(argv: readonly string[], io: Io): Promise<number> {
  const p = parseArgs('step', argv, FLAGS);
  const r = reader(p);
  if (p.positional.length > 1) throw new UsageError(`unroll step: give one graph file, got ${p.positional.length}`);
  const batchFile = r.str('batch');
  const dumpFile = r.str('dump');
  if (batchFile === undefined) throw new UsageError('unroll step: --batch <batch.json> is required (see docs/batch-format.md)');
  if (dumpFile === undefined) throw new UsageError('unroll step: --dump <out.json> is required');
  if (r.num('clip-norm') !== undefined && r.num('clip-value') !== undefined) throw new UsageError('unroll step: give --clip-norm or --clip-value, not both');
  const file = p.positional[0];
  const doc = await loadDocument(file, 'step');
  const plan = compileOrFail(file, doc, { fused: r.bool('fused') });
  const seed = r.num('seed');
  let weights: WeightStore;
  if (doc.weights !== undefined && Object.keys(doc.weights).length > 0) {
    const w = WeightStore.fromDocument(plan, doc.weights);
    if (!w.ok) throw new CliFailure(w.problems.map((q) => `${file}: weight ${q.name}: ${q.message} [${q.code}]`));
    weights = w.store;
  } else if (seed !== undefined) weights = WeightStore.initialise(plan, createRng(seed));
  else throw new CliFailure([`${file}: the graph has no stored weights; train it first (unroll train … --out), or give --seed S to draw them from a seed`]);
  const feed = parseBatchFile(await readJson(batchFile, 'batch file'), plan, batchFile);
  const resolved = await resolveBackend(r.str('backend') ?? 'reference');
  try {
    return await dump(file, plan, weights, feed, resolved.backend, r, dumpFile, { clip: doc.training?.clip, pascanu: pascanuOf(file, doc, plan) }, io);
  } finally {
    resolved.destroy();
  }
}

async function dump(
  file: string,
  plan: Plan,
  weights: WeightStore,
  feed: BatchFeed,
  backend: Backend,
  r: ReturnType<typeof reader>,
  dumpFile: string,
  training: { readonly clip: ClipConfig | undefined; readonly pascanu: PascanuSetup | undefined },
  io: Io,
): Promise<number> {
  const docClip = training.clip;
  const exec = new Executor(plan, weights, backend);
  const tb = r.str('tbptt');
  const clipNorm = r.num('clip-norm');
  const clipValue = r.num('clip-value');
  const clip = clipNorm !== undefined ? { kind: 'norm' as const, max: clipNorm } : clipValue !== undefined ? { kind: 'value' as const, max: clipValue } : docClip;

  const out: Record<string, unknown> = { format: 'unroll.step-dump', version: 1, graph: file, backend: backend.name, B: feed.lengths.length, T: feed.T, lengths: Array.from(feed.lengths) };
  const trainable = plan.params.filter((q) => q.trainable).map((q) => q.name);
  const normOf = (grads: ReadonlyMap<string, Float64Array>) => gradNorms(trainable.map((name) => ({ name, grad: grads.get(name)! }))).global;
  const lines: string[] = [];
  const clipped = (grads: ReadonlyMap<string, Float64Array>) => {
    const copies = trainable.map((name) => ({ name, grad: grads.get(name)!.slice() }));
    const report = clipGradients(copies, clip);
    const clipInfo = { preNorm: report.preNorm, postNorm: report.postNorm, clipped: report.clipped, ...(clip ? { kind: clip.kind, max: clip.max } : {}) };
    return { clipInfo, grads: Object.fromEntries(copies.map((c) => [c.name, dumped(weights.shape(c.name), c.grad)])) };
  };
  if (tb !== undefined) {
    const chunks = tbpttGradients(exec, feed, parseTbptt(tb));
    out.loss = { total: chunks.reduce((a, c) => a + c.loss.total, 0) };
    out.chunks = chunks.map((c) => {
      const cl = clipped(c.grads);
      return { from: c.chunk.from, to: c.chunk.to, windowFrom: c.chunk.windowFrom, loss: c.loss, gradients: gradientsOf(plan, weights, c.grads), gradNorm: cl.clipInfo, ...(clip ? { clippedGradients: cl.grads } : {}) };
    });
    if (training.pascanu !== undefined) lines.push('  Ω not computed: the Pascanu regulariser needs full BPTT (leave out --tbptt)');
  } else {
    const res = bpttGradients(exec, feed);
    out.loss = res.loss;
    out.gradients = gradientsOf(plan, weights, res.grads);
    out.recurrences = Object.fromEntries(res.norms.map((n) => [n.name, Array.from(n.perStep)]));
    let updateGrads: ReadonlyMap<string, Float64Array> = res.grads;
    if (training.pascanu !== undefined) {
      // After L's gradient is read: Ω's extra backward pass reuses the executor's gradient buffers.
      const term = pascanuTerm(exec, training.pascanu, { total: res.loss.total, grads: res.grads });
      const norms = { loss: normOf(res.grads), omega: normOf(term.grads), total: normOf(term.gradsTotal) };
      out.pascanu = {
        lambda: term.lambda,
        nodes: training.pascanu.cells.map((c) => c.node),
        omega: term.omega,
        perNode: term.perNode,
        lossGradNorm: norms.loss,
        omegaGradNorm: norms.omega,
        gradients: gradientsOf(plan, weights, term.grads),
        total: { loss: term.lossTotal, gradNorm: norms.total, gradients: gradientsOf(plan, weights, term.gradsTotal) },
      };
      updateGrads = term.gradsTotal;
      const perNode = Object.entries(term.perNode).map(([node, v]) => `${node} ${fmt(v, 6)}`).join(', ');
      lines.push(`  L        ${fmt(res.loss.total, 6)}   ‖∂L/∂θ‖ ${fmt(norms.loss, 6)}`);
      lines.push(`  Ω        ${fmt(term.omega, 6)}   ‖∂Ω/∂θ‖ ${fmt(norms.omega, 6)}   (${perNode}; λ = ${term.lambda})`);
      lines.push(`  L + λΩ   ${fmt(term.lossTotal, 6)}   ‖∂(L + λΩ)/∂θ‖ ${fmt(norms.total, 6)}`);
    }
    // Clipping, like the update, uses the gradient of the objective: L's, or L + λΩ's.
    const cl = clipped(updateGrads);
    out.gradNorm = cl.clipInfo;
    if (clip) out.clippedGradients = cl.grads;
  }
  out.stepLosses = Object.fromEntries(plan.losses.map((l) => [l.node, (({ shape, data }) => dumped(shape, data))(exec.stepLosses(l.node))]));
  out.outputs = Object.fromEntries(plan.buffers.map((b) => [b.id, (({ shape, data }) => dumped(shape, data))(exec.value(b.id))]));
  await writeText(dumpFile, JSON.stringify(out) + '\n', 'dump');
  const total = (out.loss as { total: number }).total;
  io.out(`${file}: loss ${fmt(total, 6)} on ${feed.lengths.length} samples of ${feed.T} steps (${backend.name}); wrote ${dumpFile}\n`);
  for (const line of lines) io.out(`${line}\n`);
  return 0;
}
