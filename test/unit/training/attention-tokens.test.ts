import { describe, expect, it } from 'vitest';
import { maskFromLengths, type Batch } from '../../../src/data/batch';
import { END_SYMBOL } from '../../../src/data/tasks/seq2seq';
import { Executor } from '../../../src/engine/executor';
import { bindBatch } from '../../../src/engine/feeds';
import { createRng } from '../../../src/engine/rng';
import { WeightStore } from '../../../src/engine/weights';
import { attentionRecords, createSession, type Recording, type TelemetryBatch } from '../../../src/training';
import { sampleTokens } from '../../../src/training/tokens';
import { GraphBuilder } from '../compiler/graph-builder';
import { planOf } from '../engine/executor-fixtures';
import { reverseExample } from './seq2seq-fixtures';

const NAMES = { inputSymbols: ['a', 'b', 'c', 'd'], outputSymbols: ['X', 'Y', 'Z'] };

/** n→n token batch: B = 2, T = 4, lengths 4 and 2. */
function nnBatch(): Batch {
  const lengths = Int32Array.of(4, 2);
  return { B: 2, T: 4, x: Int32Array.of(0, 1, 2, 3, 3, 2, 0, 0), y: Int32Array.of(2, 1, 0, 1, 0, 2, 0, 0), lengths, mask: maskFromLengths(lengths, 4) };
}

describe('sampleTokens', () => {
  it('names the input tokens on the source axis and the output tokens of an n→n task there too, cut to the sample’s length', () => {
    expect(sampleTokens(nnBatch(), NAMES, 0)).toEqual({ inputs: ['a', 'b', 'c', 'd'], outputs: ['Z', 'Y', 'X', 'Y'], outputAxis: 0 });
    expect(sampleTokens(nnBatch(), NAMES, 1)).toEqual({ inputs: ['d', 'c'], outputs: ['X', 'Z'], outputAxis: 0 });
  });

  it('puts an n→m task’s output tokens on the target axis, cut to τ′', () => {
    const tl = Int32Array.of(3, 1);
    const batch: Batch = { ...nnBatch(), y: Int32Array.of(1, 1, 2, 0, 0, 0), target: { T: 3, lengths: tl, mask: maskFromLengths(tl, 3) } };
    expect(sampleTokens(batch, NAMES, 0)).toEqual({ inputs: ['a', 'b', 'c', 'd'], outputs: ['Y', 'Y', 'Z'], outputAxis: 1 });
    expect(sampleTokens(batch, NAMES, 1)).toEqual({ inputs: ['d', 'c'], outputs: ['X'], outputAxis: 1 });
  });

  it('names nothing without symbols, for real inputs and targets, or for a sample outside the batch; an unnamed id shows as #k', () => {
    expect(sampleTokens(nnBatch(), undefined, 0)).toEqual({});
    expect(sampleTokens(nnBatch(), {}, 0)).toEqual({});
    expect(sampleTokens(nnBatch(), NAMES, 2)).toEqual({});
    const real: Batch = { ...nnBatch(), x: new Float32Array(8), y: new Float32Array(8) };
    expect(sampleTokens(real, NAMES, 0)).toEqual({});
    expect(sampleTokens(nnBatch(), { inputSymbols: ['a', 'b'] }, 0)).toEqual({ inputs: ['a', 'b', '#2', '#3'] });
  });

  it('shortens a long symbol to 24 characters', () => {
    const long = 'w'.repeat(40);
    expect(sampleTokens(nnBatch(), { inputSymbols: [long, long, long, long] }, 1).inputs).toEqual(['w'.repeat(23) + '…', 'w'.repeat(23) + '…']);
  });
});

/** Tokens (V = 4) → Embedding → self-attention `sa` and a GRU `dec` whose Delay queries Attention `attn` over `sa`; CE over 3 classes. */
function nnGraph() {
  return new GraphBuilder()
    .node('x', 'Input', { role: 'sequence', size: 4, dtype: 'index' })
    .node('y', 'Input', { role: 'sequence', size: 3, dtype: 'index' })
    .node('emb', 'Embedding', { vocab: 4, size: 3 })
    .node('sa', 'SelfAttention', { dk: 2, dv: 3, causal: false })
    .node('s_prev', 'Delay', { size: 3 })
    .node('attn', 'Attention', { score: 'dot' })
    .node('dec', 'GRU', { hidden: 3 })
    .node('out', 'Linear', { units: 3 })
    .node('loss', 'CrossEntropy')
    .edge('x.out', 'emb.index')
    .edge('emb.out', 'sa.in')
    .edge('sa.out', 'attn.memory')
    .edge('dec.h', 's_prev.in')
    .edge('s_prev.out', 'attn.query')
    .edge('attn.context', 'dec.in')
    .edge('dec.h', 'out.in0')
    .edge('out.out', 'loss.logits')
    .edge('y.out', 'loss.target');
}

describe('attention records with tokens', () => {
  const plan = planOf(nnGraph());
  const exec = new Executor(plan, WeightStore.initialise(plan, createRng(4)));
  exec.bind(bindBatch(plan, nnBatch()));
  exec.forward();

  it('labels an Attention node’s rows by the output token each step emits and its columns by the input tokens; a SelfAttention’s both by the input tokens', () => {
    const recs = attentionRecords(exec, 1, sampleTokens(nnBatch(), NAMES, 1));
    const attn = recs.find((a) => a.node === 'attn')!;
    const sa = recs.find((a) => a.node === 'sa')!;
    expect(attn).toMatchObject({ kind: 'attend', shape: [2, 2], rows: ['X', 'Z'], cols: ['d', 'c'] });
    expect(sa).toMatchObject({ kind: 'self', shape: [2, 2], rows: ['d', 'c'], cols: ['d', 'c'] });
  });

  it('leaves an axis unlabelled when the tokens do not fit it (another length, or no names)', () => {
    const recs = attentionRecords(exec, 0, { inputs: ['a', 'b'], outputs: ['Z', 'Y', 'X', 'Y'], outputAxis: 0 });
    const attn = recs.find((a) => a.node === 'attn')!;
    expect(attn.rows).toEqual(['Z', 'Y', 'X', 'Y']);
    expect(attn.cols).toBeUndefined();
    expect(recs.find((a) => a.node === 'sa')!.rows).toBeUndefined();
    // output tokens of a target axis never label a query on the source axis
    expect(attentionRecords(exec, 0, { outputs: ['Z', 'Y', 'X', 'Y'], outputAxis: 1 }).find((a) => a.node === 'attn')!.rows).toBeUndefined();
    for (const a of attentionRecords(exec, 0)) expect([a.rows, a.cols]).toEqual([undefined, undefined]);
  });
});

describe('a training session on the reverse task', () => {
  it('records the recorded sample’s source symbols on the columns and its reversed symbols and the end token on the rows', async () => {
    const doc = reverseExample();
    const records: Recording[] = [];
    const s = createSession({
      doc: { ...doc, training: { ...doc.training!, steps: 2, batchSize: 4 } },
      telemetry: { recordEvery: 1, recordSample: 2 },
      onEvent: (e) => e.type === 'telemetry' && records.push(...(e.batch as TelemetryBatch).records),
    });
    await s.start();
    expect(records.length).toBe(2);
    for (const r of records) {
      const [a] = r.attention!;
      const cols = a!.cols!;
      const rows = a!.rows!;
      expect(cols.length).toBe(a!.shape[1]);
      expect(rows).toEqual([...cols].reverse().concat(END_SYMBOL));
      for (const c of cols) expect(s.task!.inputSymbols).toContain(c);
      expect(r.tokens).toEqual({ inputs: cols, outputs: rows, outputAxis: 1 });
      // the decoder's traces lie on the target axis, whose valid length τ′ the record gives
      expect(r.targetLength).toBe(rows.length);
      const axes = new Map(r.states.map((x) => [x.node, x.axis]));
      expect(axes.get('dec')).toBe(1);
      expect(axes.get('enc')).toBeUndefined();
      for (const g of r.gates) expect(g.axis).toBe(g.node === 'dec' ? 1 : undefined);
    }
  });
});
