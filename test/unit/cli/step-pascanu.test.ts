import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../main/cli/main';
import { compile } from '../../../src/compiler';
import { bpttGradients } from '../../../src/engine/bptt';
import { Executor } from '../../../src/engine/executor';
import { pascanuTerm, resolvePascanu } from '../../../src/engine/pascanu';
import { createRng } from '../../../src/engine/rng';
import { WeightStore } from '../../../src/engine/weights';
import type { GraphDocument } from '../../../src/graph/document';
import { restore } from '../../../src/graph/restore';

const examples = join(__dirname, '..', '..', '..', 'examples');

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

type Tensor = { shape: number[]; data: number[] };
interface PascanuDump {
  loss: { total: number };
  gradients: Record<string, Tensor>;
  gradNorm: { preNorm: number; clipped: boolean };
  clippedGradients?: Record<string, Tensor>;
  pascanu?: {
    lambda: number;
    nodes: string[];
    omega: number;
    perNode: Record<string, number>;
    lossGradNorm: number;
    omegaGradNorm: number;
    gradients: Record<string, Tensor>;
    total: { loss: number; gradNorm: number; gradients: Record<string, Tensor> };
  };
}

const x = [
  [[0.1, 0], [0.5, 1], [0.2, 0], [0.7, 1], [0.4, 0]],
  [[0.3, 1], [0.9, 0], [0.4, 1], [0, 0], [0, 0]],
  [[0.8, 0], [0.6, 1], [0.1, 1], [0.3, 0], [0, 0]],
];
const y = [[1.2], [0.7], [0.7]];
const lengths = [5, 3, 4];

/** The Elman adding example with `training.pascanu` (and its clip by norm 1), a batch, and a dump path. */
function setup(pascanu: unknown): { dir: string; graph: string; batch: string; dump: string; doc: GraphDocument } {
  const dir = mkdtempSync(join(tmpdir(), 'unroll-cli-pascanu-'));
  const json = JSON.parse(readFileSync(join(examples, 'elman-adding.unroll.json'), 'utf8')) as GraphDocument;
  json.training = { ...json.training!, pascanu } as GraphDocument['training'];
  const graph = join(dir, 'elman.unroll.json');
  writeFileSync(graph, JSON.stringify(json));
  const batch = join(dir, 'batch.json');
  writeFileSync(batch, JSON.stringify({ inputs: { x, y }, lengths }));
  const restored = restore(JSON.stringify(json));
  return { dir, graph, batch, dump: join(dir, 'dump.json'), doc: restored.ok ? restored.doc : json };
}

const flat = (g: Float64Array) => Array.from(g);
const norm = (grads: Record<string, Tensor>, names: readonly string[]) => Math.hypot(...names.flatMap((n) => grads[n].data));

describe('unroll step with the Pascanu regulariser', () => {
  it('reports L and its gradient, Ω and its gradient, and their total, equal to the engine’s own', async () => {
    const lambda = 0.5;
    const { graph, batch, dump, doc } = setup({ nodes: ['cell'], lambda });
    const r = await run(['step', graph, '--batch', batch, '--dump', dump, '--seed', '3']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const d = JSON.parse(readFileSync(dump, 'utf8')) as PascanuDump;
    const p = d.pascanu!;
    expect(p).toBeDefined();

    // The engine directly, on the same weights and batch.
    const c = compile(doc);
    if (!c.ok) throw new Error('compile');
    const weights = WeightStore.initialise(c.plan, createRng(3));
    const exec = new Executor(c.plan, weights);
    const feed = { feeds: { x: Float64Array.from(x.flat(2)), y: Float64Array.from(y.flat()) }, lengths: Int32Array.from(lengths), T: 5 };
    const full = bpttGradients(exec, feed);
    const lossGrads = new Map([...full.grads].map(([k, v]) => [k, v.slice()]));
    const term = pascanuTerm(exec, resolvePascanu(c.plan, doc.nodes, { nodes: ['cell'], lambda }), { total: full.loss.total, grads: full.grads });

    expect(term.omega).toBeGreaterThan(0);
    expect(d.loss.total).toBe(full.loss.total); // L, without the term
    expect(p).toMatchObject({ lambda, nodes: ['cell'], omega: term.omega, perNode: { cell: term.omega } });
    expect(p.total.loss).toBeCloseTo(full.loss.total + lambda * term.omega, 14);
    const trainable = c.plan.params.filter((q) => q.trainable).map((q) => q.name);
    for (const name of c.plan.params.map((q) => q.name)) {
      expect(d.gradients[name].data).toEqual(flat(lossGrads.get(name)!));
      expect(p.gradients[name].data).toEqual(flat(term.grads.get(name)!));
      expect(p.total.gradients[name].data).toEqual(flat(term.gradsTotal.get(name)!));
      expect(p.total.gradients[name].shape).toEqual(d.gradients[name].shape);
    }
    expect(p.lossGradNorm).toBeCloseTo(norm(d.gradients, trainable), 12);
    expect(p.omegaGradNorm).toBeCloseTo(norm(p.gradients, trainable), 12);
    expect(p.total.gradNorm).toBeCloseTo(norm(p.total.gradients, trainable), 12);
    expect(p.omegaGradNorm).toBeGreaterThan(0);
    // Clipping (the example's norm 1) works on the total, as the update does.
    expect(d.gradNorm.preNorm).toBeCloseTo(p.total.gradNorm, 12);
    expect(d.gradNorm.preNorm).not.toBeCloseTo(p.lossGradNorm, 6);

    // The summary names each figure.
    expect(r.out).toMatch(/^ {2}L +\S+ +‖∂L\/∂θ‖ \S+$/m);
    expect(r.out).toMatch(/^ {2}Ω +\S+ +‖∂Ω\/∂θ‖ \S+ +\(cell \S+; λ = 0\.5\)$/m);
    expect(r.out).toMatch(/^ {2}L \+ λΩ +\S+ +‖∂\(L \+ λΩ\)\/∂θ‖ \S+$/m);
  });

  it('without training.pascanu the dump has no pascanu block and clips L’s gradient', async () => {
    const { graph, batch, dump } = setup(undefined);
    const r = await run(['step', graph, '--batch', batch, '--dump', dump, '--seed', '3']);
    expect(r.code).toBe(0);
    const d = JSON.parse(readFileSync(dump, 'utf8')) as PascanuDump;
    expect(d.pascanu).toBeUndefined();
    expect(r.out).not.toContain('Ω');
    const trainable = Object.keys(d.clippedGradients!);
    expect(d.gradNorm.preNorm).toBeCloseTo(norm(d.gradients, trainable), 12);
  });

  it('under --tbptt says Ω needs full BPTT and dumps the chunks without it', async () => {
    const { graph, batch, dump } = setup({ nodes: ['cell'] });
    const r = await run(['step', graph, '--batch', batch, '--dump', dump, '--seed', '3', '--tbptt', '2,3']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Ω not computed: the Pascanu regulariser needs full BPTT');
    const d = JSON.parse(readFileSync(dump, 'utf8')) as PascanuDump & { chunks: unknown[] };
    expect(d.pascanu).toBeUndefined();
    expect(d.chunks.length).toBe(3);
  });

  it('refuses a setting the engine refuses, naming the field and the node', async () => {
    const { graph, batch, dump } = setup({ nodes: ['readout'] });
    const r = await run(['step', graph, '--batch', batch, '--dump', dump, '--seed', '3']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/training\.pascanu: node "readout" is a Linear: Ω is available for RNN \(Elman\), LSTM and GRU cells; the RNN, LSTM and GRU nodes are "cell" \(RNN\) \[pascanu-unsupported-node\]/);
    const unknown = setup({ nodes: ['nope'] });
    const r2 = await run(['step', unknown.graph, '--batch', unknown.batch, '--dump', unknown.dump, '--seed', '3']);
    expect(r2.code).toBe(1);
    expect(r2.err).toMatch(/training\.pascanu: there is no node "nope" in the graph; the RNN, LSTM and GRU nodes are "cell" \(RNN\) \[pascanu-unknown-node\]/);
  });

  it('unroll train names the regulariser in its header and shows Ω on the progress line', async () => {
    const { graph } = setup({ nodes: ['cell'], lambda: 0.25 });
    const r = await run(['train', graph, '--steps', '10', '--batch', '4', '--task-param', 'T=6', '--backend', 'reference', '--eval-batches', '0']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('; Pascanu regulariser λ 0.25 on cell');
    expect(r.out).toMatch(/^step 10\/10 {2}loss \S+ {2}mse \S+ {2}Ω \S+ /m);
  });
});
