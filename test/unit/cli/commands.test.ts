import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../main/cli/main';
import { compile } from '../../../src/compiler';
import { bpttGradients } from '../../../src/engine/bptt';
import { Executor } from '../../../src/engine/executor';
import { WeightStore } from '../../../src/engine/weights';
import { restore } from '../../../src/graph/restore';

const examples = join(__dirname, '..', '..', '..', 'examples');

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'unroll-cli-'));

/** A trained copy of the GRU adding example (so it has stored weights). */
async function trainedGru(dir: string): Promise<string> {
  const file = join(dir, 'gru.unroll.json');
  const r = await run(['train', join(examples, 'gru-adding.unroll.json'), '--steps', '2', '--batch', '2', '--task-param', 'T=6', '--backend', 'reference', '--out', file, '--quiet', '--eval-batches', '0']);
  expect(r.code).toBe(0);
  return file;
}

interface Dump {
  B: number;
  T: number;
  loss: { total: number };
  gradients: Record<string, { shape: number[]; data: number[] }>;
  outputs: Record<string, { shape: number[]; data: number[] }>;
  gradNorm: { preNorm: number; clipped: boolean };
  clippedGradients?: Record<string, { data: number[] }>;
  chunks?: { from: number; to: number; loss: { total: number }; gradients: Record<string, { data: number[] }> }[];
}

describe('unroll step', () => {
  it('dumps the loss, every value and every weight gradient, equal to the engine’s own', async () => {
    const dir = tmp();
    const graph = await trainedGru(dir);
    const batch = join(dir, 'batch.json');
    const x = [
      [[0.1, 0], [0.5, 1], [0.2, 0], [0.7, 1]],
      [[0.3, 1], [0.9, 0], [0.4, 1], [0, 0]],
    ];
    writeFileSync(batch, JSON.stringify({ inputs: { x, y: [[1.2], [0.7]] }, lengths: [4, 3] }));
    const dump = join(dir, 'dump.json');
    const r = await run(['step', graph, '--batch', batch, '--dump', dump]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const d = JSON.parse(readFileSync(dump, 'utf8')) as Dump;
    expect(d).toMatchObject({ B: 2, T: 4 });
    expect(d.gradients['cell.W_h'].shape).toEqual([16, 16]);
    expect(d.outputs['cell.h.out'].shape).toEqual([2, 4, 16]);
    // The same numbers from the engine directly.
    const restored = restore(readFileSync(graph, 'utf8'));
    if (!restored.ok) throw new Error('restore');
    const c = compile(restored.doc);
    if (!c.ok) throw new Error('compile');
    const w = WeightStore.fromDocument(c.plan, restored.doc.weights);
    if (!w.ok) throw new Error('weights');
    const feed = { feeds: { x: Float64Array.from(x.flat(2)), y: Float64Array.of(1.2, 0.7) }, lengths: Int32Array.of(4, 3), T: 4 };
    const want = bpttGradients(new Executor(c.plan, w.store), feed);
    expect(d.loss.total).toBe(want.loss.total);
    for (const [name, g] of want.grads) expect(d.gradients[name].data).toEqual(Array.from(g));
    expect(d.clippedGradients).toBeDefined(); // the example clips by norm 1
    expect(d.gradNorm.preNorm).toBeGreaterThan(0);
  });

  it('with --tbptt reports each chunk; with k2 ≥ T their gradients sum to full BPTT', async () => {
    const dir = tmp();
    const graph = await trainedGru(dir);
    const batch = join(dir, 'batch.json');
    writeFileSync(batch, JSON.stringify({ inputs: { x: { shape: [1, 5, 2], data: [0.1, 0, 0.2, 1, 0.3, 0, 0.4, 1, 0.5, 0] }, y: [[0.6]] } }));
    const full = join(dir, 'full.json');
    const chunked = join(dir, 'chunked.json');
    expect((await run(['step', graph, '--batch', batch, '--dump', full, '--no-such'])).code).toBe(2);
    expect((await run(['step', graph, '--batch', batch, '--dump', full])).code).toBe(0);
    expect((await run(['step', graph, '--batch', batch, '--dump', chunked, '--tbptt', '2,5'])).code).toBe(0);
    const a = JSON.parse(readFileSync(full, 'utf8')) as Dump;
    const b = JSON.parse(readFileSync(chunked, 'utf8')) as Dump;
    expect(b.chunks!.map((c) => [c.from, c.to])).toEqual([[0, 2], [2, 4], [4, 5]]);
    for (const [name, g] of Object.entries(a.gradients)) {
      g.data.forEach((v, i) => expect(b.chunks!.reduce((s, c) => s + c.gradients[name].data[i], 0)).toBeCloseTo(v, 12));
    }
  });

  it('refuses a batch that does not fit the graph, naming the Input', async () => {
    const dir = tmp();
    const graph = await trainedGru(dir);
    const bad = (content: unknown) => {
      const f = join(dir, `b${Math.random()}.json`);
      writeFileSync(f, JSON.stringify(content));
      return run(['step', graph, '--batch', f, '--dump', join(dir, 'd.json')]);
    };
    expect((await bad({ inputs: { x: [[[1, 2, 3]]], y: [[1]] } })).err).toMatch(/inputs\.x: each value has 3 features but Input "x" has size 2/);
    expect((await bad({ inputs: { x: [[[1, 2]]] } })).err).toMatch(/inputs\.y: missing/);
    expect((await bad({ inputs: { x: [[[1, 2]]], y: [[1]], z: [1] } })).err).toMatch(/no Input node "z"/);
    expect((await bad({ inputs: { x: [[[1, 2]], [[1]]], y: [[1], [2]] } })).err).toMatch(/inputs\.x\[1\]\[0\]: expected a list of 2 items/);
    expect((await bad({ inputs: { x: [[[1, 2]]], y: [[1]] }, lengths: [2] })).err).toMatch(/lengths\[0\] = 2 must be an integer in \[1, 1\]/);
    const noWeights = await run(['step', join(examples, 'gru-adding.unroll.json'), '--batch', graph, '--dump', join(dir, 'd.json')]);
    expect(noWeights.code).toBe(1);
    expect(noWeights.err).toMatch(/no stored weights/);
    expect((await run(['step', graph, '--dump', 'x.json'])).err).toMatch(/--batch <batch.json> is required/);
  });
});

describe('unroll check', () => {
  it('checks every parameter of an example graph and prints a table per node', async () => {
    const r = await run(['check', join(examples, 'lstm-adding.unroll.json'), '--max-per-param', '8']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^node +type +params +checked +max rel err +max abs err +result$/m);
    expect(r.out).toMatch(/^cell +LSTM +12 +\d+\/\d+ .* pass$/m);
    expect(r.out).toMatch(/^readout +Linear +2 /m);
    expect(r.out).toContain('all 14 parameters pass');
  });

  it('exits 1 and names the failing parameters', async () => {
    const r = await run(['check', join(examples, 'gru-adding.unroll.json'), '--h', '0.5', '--max-per-param', '4']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('FAIL');
    expect(r.err).toMatch(/parameters fail the gradient check: .*cell\./);
  });
});

describe('unroll plan', () => {
  it('prints the plan', async () => {
    const r = await run(['plan', join(examples, 'gru-parity.unroll.json')]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^plan: \d+ ops in \d+ phases/);
    expect(r.out).toContain('recorded ‖∂L/∂h_t‖:');
    const fused = await run(['plan', join(examples, 'gru-parity.unroll.json'), '--fused']);
    expect(fused.out).toContain('GRU.step');
    expect((await run(['plan'])).code).toBe(2);
  });
});
