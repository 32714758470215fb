import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/compiler/compile';
import type { Plan } from '../../../src/compiler/plan';
import { maskFromLengths, type Batch } from '../../../src/data/batch';
import { Executor } from '../../../src/engine/executor';
import { bindBatch } from '../../../src/engine/feeds';
import { createRng } from '../../../src/engine/rng';
import { WeightStore } from '../../../src/engine/weights';
import { attentionRecords, createSession, telemetryToJson, type Recording, type TelemetryBatch } from '../../../src/training';
import { GraphBuilder } from '../compiler/graph-builder';
import { planOf, randomFeed, randomWeights } from '../engine/executor-fixtures';
import type { Doc } from './fixtures';

const V = 5; // input ids
const C = 4; // output classes
const T = 6;
const LENGTHS = [6, 4, 3];

/**
 * Tokens → Embedding → GRU `enc` (memory); a GRU `dec` whose previous state (Delay `s_prev`) queries
 * Attention `attn` over the encoder states; [embedding; context] → dec → Linear → CE, one time axis.
 */
function attentionDoc(local: boolean): Doc {
  const g = new GraphBuilder()
    .node('x', 'Input', { role: 'sequence', size: V, dtype: 'index' })
    .node('y', 'Input', { role: 'sequence', size: C, dtype: 'index' })
    .node('emb', 'Embedding', { vocab: V, size: 3 })
    .node('enc', 'GRU', { hidden: 4 })
    .node('s_prev', 'Delay', { size: 4 })
    .node('attn', 'Attention', { score: 'additive', attnSize: 3, local, localSize: 2, d: 1.5 })
    .node('cat', 'Concat', { inputs: 2 })
    .node('dec', 'GRU', { hidden: 4 })
    .node('out', 'Linear', { units: C })
    .node('loss', 'CrossEntropy')
    .edge('x.out', 'emb.index')
    .edge('emb.out', 'enc.in')
    .edge('enc.h', 'attn.memory')
    .edge('dec.h', 's_prev.in')
    .edge('s_prev.out', 'attn.query')
    .edge('emb.out', 'cat.in0')
    .edge('attn.context', 'cat.in1')
    .edge('cat.out', 'dec.in')
    .edge('dec.h', 'out.in0')
    .edge('out.out', 'loss.logits')
    .edge('y.out', 'loss.target');
  return { ...g.doc(), training: { optimizer: { kind: 'sgd', lr: 0.1, momentum: 0 }, batchSize: 3, steps: 1, seed: 3, backend: 'reference' } };
}

/** Tokens → Embedding → PositionalEncoding → SelfAttention `sa` → Linear → CE. */
function selfAttentionDoc(): Doc {
  const g = new GraphBuilder()
    .node('x', 'Input', { role: 'sequence', size: V, dtype: 'index' })
    .node('y', 'Input', { role: 'sequence', size: C, dtype: 'index' })
    .node('emb', 'Embedding', { vocab: V, size: 4 })
    .node('pe', 'PositionalEncoding', { kind: 'sinusoidal', maxLen: T })
    .node('sa', 'SelfAttention', { dk: 3, dv: 3, causal: false })
    .node('out', 'Linear', { units: C })
    .node('loss', 'CrossEntropy')
    .edge('x.out', 'emb.index')
    .edge('emb.out', 'pe.in')
    .edge('pe.out', 'sa.in')
    .edge('sa.out', 'out.in0')
    .edge('out.out', 'loss.logits')
    .edge('y.out', 'loss.target');
  return { ...g.doc(), training: { optimizer: { kind: 'sgd', lr: 0.1, momentum: 0 }, batchSize: 3, steps: 1, seed: 3, backend: 'reference' } };
}

/** One fixed batch with lengths 6, 4, 3 (padded steps hold 0). */
function fixedBatch(): Batch {
  const B = LENGTHS.length;
  const x = new Int32Array(B * T);
  const y = new Int32Array(B * T);
  LENGTHS.forEach((len, b) => {
    for (let t = 0; t < len; t++) {
      x[b * T + t] = 1 + ((b + 2 * t) % (V - 1));
      y[b * T + t] = (b + t) % C;
    }
  });
  const lengths = Int32Array.from(LENGTHS);
  return { B, T, x, y, lengths, mask: maskFromLengths(lengths, T) };
}

/** Trains one step with a record of `sample`; returns the record, and the plan and float64 weights the step started from. */
async function trainOne(doc: Doc, sample: number): Promise<{ record: Recording; batches: TelemetryBatch[]; plan: Plan; weights: WeightStore }> {
  const batches: TelemetryBatch[] = [];
  const s = createSession({ doc, batches: [fixedBatch()], telemetry: { recordEvery: 1, recordSample: sample }, onEvent: (e) => e.type === 'telemetry' && batches.push(e.batch) });
  const before = s.document(doc, 'float64').weights;
  await s.start();
  const restored = WeightStore.fromDocument(s.plan, before);
  if (!restored.ok) throw new Error(restored.problems.map((p) => p.message).join('; '));
  const record = batches.flatMap((b) => b.records)[0];
  expect(record).toBeDefined();
  return { record: record!, batches, plan: s.plan, weights: restored.store };
}

/** The executor's probes of `node` after a forward of the fixed batch with `weights`. */
function probesOf(plan: Plan, weights: WeightStore, node: string, attend: boolean) {
  const exec = new Executor(plan, weights);
  exec.bind(bindBatch(plan, fixedBatch()));
  exec.forward();
  return attend ? exec.attentionProbes(node) : exec.sequenceProbes(node);
}

describe('attention alignment in training records', () => {
  it('records α of an Attention node for the recorded sample, cut to its valid steps, rows summing to 1, equal to Executor.attentionProbes', async () => {
    const { record, plan, weights } = await trainOne(attentionDoc(false), 1);
    expect(record.sample).toBe(1);
    expect(record.attention).toHaveLength(1);
    const a = record.attention![0]!;
    expect(a).toMatchObject({ node: 'attn', kind: 'attend', shape: [4, 4] });
    expect(a.p).toBeUndefined();
    expect(a.alpha).toBeInstanceOf(Float32Array);
    expect(a.alpha.length).toBe(16);
    for (let i = 0; i < 4; i++) {
      let sum = 0;
      for (let t = 0; t < 4; t++) sum += a.alpha[i * 4 + t]!;
      expect(sum).toBeCloseTo(1, 5);
    }
    const alpha = probesOf(plan, weights, 'attn', true).alpha!; // (B,T,T)
    expect(alpha.shape).toEqual([3, T, T]);
    for (let i = 0; i < 4; i++) for (let t = 0; t < 4; t++) expect(a.alpha[i * 4 + t]).toBe(Math.fround(alpha.data[(1 * T + i) * T + t]!));
    // Nothing beyond the sample's length was cut away: those weights are zero.
    for (let t = 4; t < T; t++) expect(alpha.data[(1 * T + 0) * T + t]).toBe(0);
  });

  it('records local attention’s centre p_i per valid query step (1-based, within the memory) alongside α', async () => {
    const { record, plan, weights } = await trainOne(attentionDoc(true), 2);
    const a = record.attention![0]!;
    expect(a.shape).toEqual([3, 3]);
    expect(a.p).toBeInstanceOf(Float32Array);
    expect(a.p!.length).toBe(3);
    const p = probesOf(plan, weights, 'attn', true).p!; // (B,T)
    for (let i = 0; i < 3; i++) {
      expect(a.p![i]).toBe(Math.fround(p.data[2 * T + i]!));
      expect(a.p![i]).toBeGreaterThanOrEqual(0);
      expect(a.p![i]).toBeLessThanOrEqual(3);
    }
    // Local weights are damped by the Gaussian, not renormalised.
    for (let i = 0; i < 3; i++) expect(a.alpha[i * 3] + a.alpha[i * 3 + 1]! + a.alpha[i * 3 + 2]!).toBeLessThanOrEqual(1 + 1e-6);
  });

  it('records α of a SelfAttention node as [τ, τ], equal to Executor.sequenceProbes, and carries it into the JSON form', async () => {
    const { record, batches, plan, weights } = await trainOne(selfAttentionDoc(), 2);
    const a = record.attention![0]!;
    expect(a).toMatchObject({ node: 'sa', kind: 'self', shape: [3, 3] });
    const alpha = probesOf(plan, weights, 'sa', false).alpha!;
    for (let i = 0; i < 3; i++) {
      let sum = 0;
      for (let t = 0; t < 3; t++) {
        expect(a.alpha[i * 3 + t]).toBe(Math.fround(alpha.data[(2 * T + i) * T + t]!));
        sum += a.alpha[i * 3 + t]!;
      }
      expect(sum).toBeCloseTo(1, 5);
    }
    const json = JSON.parse(JSON.stringify(telemetryToJson(batches[0]!))) as { records: { attention: { node: string; shape: number[]; alpha: number[] }[] }[] };
    expect(json.records[0]!.attention[0]).toMatchObject({ node: 'sa', shape: [3, 3] });
    expect(json.records[0]!.attention[0]!.alpha).toHaveLength(9);
  });

  it('records nothing for a graph without attention (a PositionalEncoding is a whole-sequence op without α)', () => {
    const g = new GraphBuilder()
      .node('x', 'Input', { role: 'sequence', size: V, dtype: 'index' })
      .node('y', 'Input', { role: 'sequence', size: C, dtype: 'index' })
      .node('emb', 'Embedding', { vocab: V, size: 4 })
      .node('pe', 'PositionalEncoding', { kind: 'sinusoidal', maxLen: T })
      .node('out', 'Linear', { units: C })
      .node('loss', 'CrossEntropy')
      .edge('x.out', 'emb.index')
      .edge('emb.out', 'pe.in')
      .edge('pe.out', 'out.in0')
      .edge('out.out', 'loss.logits')
      .edge('y.out', 'loss.target');
    const r = compile(g.doc());
    if (!r.ok) throw new Error(r.problems.map((p) => p.message).join('; '));
    const exec = new Executor(r.plan, WeightStore.initialise(r.plan, createRng(1)));
    exec.bind(bindBatch(r.plan, fixedBatch()));
    exec.forward();
    expect(r.plan.ops.some((op) => op.kind === 'sequence')).toBe(true);
    expect(attentionRecords(exec, 0)).toEqual([]);
  });

  it('on an encoder–decoder graph cuts query rows to the target length τ′ and memory columns to the source length τ', () => {
    const g = new GraphBuilder()
      .node('x', 'Input', { role: 'sequence', size: 3 })
      .node('dec_x', 'Input', { role: 'sequence', size: 2, axis: 'target' })
      .node('y', 'Input', { role: 'sequence', size: 3, axis: 'target', dtype: 'index' })
      .node('enc', 'GRU', { hidden: 4 })
      .node('last', 'LastStep')
      .node('s_prev', 'Delay', { size: 4 })
      .node('attn', 'Attention', { score: 'general', local: true, localSize: 2, d: 1.5 })
      .node('cat', 'Concat', { inputs: 2 })
      .node('dec', 'GRU', { hidden: 4 })
      .node('out', 'Linear', { units: 3 })
      .node('loss', 'CrossEntropy')
      .edge('x.out', 'enc.in')
      .edge('enc.h', 'attn.memory')
      .edge('enc.h', 'last.in')
      .edge('last.out', 'dec.h0')
      .edge('last.out', 's_prev.init')
      .edge('dec.h', 's_prev.in')
      .edge('s_prev.out', 'attn.query')
      .edge('dec_x.out', 'cat.in0')
      .edge('attn.context', 'cat.in1')
      .edge('cat.out', 'dec.in')
      .edge('dec.h', 'out.in0')
      .edge('out.out', 'loss.logits')
      .edge('y.out', 'loss.target');
    const plan = planOf(g);
    const exec = new Executor(plan, randomWeights(plan));
    exec.bind(randomFeed(plan, [5, 3, 2], 5, 3, { lengths: [3, 1, 4], T: 4 }));
    exec.forward();
    const probes = exec.attentionProbes('attn'); // alpha: (B,T',T), p: (B,T')
    for (const [b, rows, cols] of [
      [0, 3, 5],
      [1, 1, 3],
      [2, 4, 2],
    ] as const) {
      const [a] = attentionRecords(exec, b);
      expect(a).toMatchObject({ node: 'attn', kind: 'attend', shape: [rows, cols] });
      for (let i = 0; i < rows; i++) {
        expect(a!.p![i]).toBe(Math.fround(probes.p!.data[b * 4 + i]!));
        for (let t = 0; t < cols; t++) expect(a!.alpha[i * cols + t]).toBe(Math.fround(probes.alpha!.data[(b * 4 + i) * 5 + t]!));
      }
    }
  });
});
