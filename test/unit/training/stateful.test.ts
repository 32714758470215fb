import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { restore } from '../../../src/graph/restore';
import { compile } from '../../../src/compiler/compile';
import { aesopCorpus } from '../../../src/data/tasks/charlm';
import { charLmTask } from '../../../src/data/text';
import { Executor } from '../../../src/engine/executor';
import { Rng } from '../../../src/engine/rng';
import { createSession } from '../../../src/training';
import { GraphBuilder } from '../compiler/graph-builder';

/** ids → OneHot → GRU (6) → Linear → CE on the built-in text, consecutive windows of 8 characters. */
function lmDoc(stateful: boolean | undefined) {
  const V = aesopCorpus().symbols.length;
  const g = new GraphBuilder()
    .node('x', 'Input', { role: 'sequence', size: V, dtype: 'index' })
    .node('y', 'Input', { role: 'sequence', size: V, dtype: 'index' })
    .node('oh', 'OneHot', { classes: V })
    .node('rnn', 'GRU', { hidden: 6 })
    .node('out', 'Linear', { units: V })
    .node('loss', 'CrossEntropy')
    .edge('x.out', 'oh.index')
    .edge('oh.out', 'rnn.in')
    .edge('rnn.h', 'out.in0')
    .edge('out.out', 'loss.logits')
    .edge('y.out', 'loss.target');
  return { ...g.doc(), training: { task: 'charlm', taskParams: { T: 8, contiguous: true }, optimizer: { kind: 'sgd' as const, lr: 1e-300, momentum: 0 }, batchSize: 3, steps: 3, seed: 2, backend: 'reference', ...(stateful === undefined ? {} : { stateful }) } };
}

async function stepLosses(doc: ReturnType<typeof lmDoc>): Promise<{ losses: number[]; weights: Map<string, Float64Array> }> {
  const losses: number[] = [];
  const s = createSession({ doc: doc as never, telemetry: { recordEvery: 0 }, onEvent: (e) => e.type === 'telemetry' && losses.push(...Array.from(e.batch.loss)) });
  await s.start();
  return { losses, weights: new Map(s.weights.names().map((n) => [n, s.weights.get(n).slice()])) };
}

describe('stateful batches', () => {
  it('a contiguous text task serves consecutive windows of one stream per sample, and marks where a stream starts over', () => {
    const task = charLmTask(aesopCorpus(), { T: 8, contiguous: true });
    const rng = new Rng(1);
    const a = task.batch(rng, 3, 1);
    const b = task.batch(rng, 3, 2);
    expect(a.continues).toBe(false);
    expect(b.continues).toBe(true);
    // each sample's second window is the next 8 characters of its stream: stream r starts at r·S
    const { ids } = aesopCorpus();
    const n = ids.length;
    const S = Math.floor(n / 3);
    for (let r = 0; r < 3; r++) {
      expect(Array.from(a.x.slice(r * 8, r * 8 + 8))).toEqual(Array.from(ids.slice(r * S, r * S + 8)));
      expect(Array.from(b.x.slice(r * 8, r * 8 + 8))).toEqual(Array.from(ids.slice(r * S + 8, r * S + 16)));
      expect(b.x[r * 8]).toBe(a.y[r * 8 + 7]);
    }
    const chunks = Math.floor((Math.floor(n / 3) - 1) / 8);
    expect(task.batch(rng, 3, chunks + 1).continues).toBe(false); // the streams start over
    expect(Array.from(task.batch(rng, 3, chunks + 1).x)).toEqual(Array.from(a.x));
  });

  it('carries each sample’s final state into the next batch: the second step’s loss is the loss from the carried state', async () => {
    const on = await stepLosses(lmDoc(true));
    const off = await stepLosses(lmDoc(false));
    expect(on.losses[0]).toBe(off.losses[0]); // nothing carried into the first batch
    expect(on.losses[1]).not.toBe(off.losses[1]);
    // recompute with the (unchanged: lr ≈ 0) weights: batch 1 from zeros, batch 2 from its final state
    const plan = (() => {
      const r = compile(lmDoc(true));
      if (!r.ok) throw new Error('compile');
      return r.plan;
    })();
    const store = (await import('../../../src/engine/weights')).WeightStore.initialise(plan, new Rng(0));
    for (const [name, w] of on.weights) store.get(name).set(w);
    const exec = new Executor(plan, store);
    const task = charLmTask(aesopCorpus(), { T: 8, contiguous: true });
    const feed = (k: number) => {
      const bt = task.batch(new Rng(0), 3, k);
      return { feeds: { x: bt.x, y: bt.y }, lengths: bt.lengths, T: 8 };
    };
    exec.bind(feed(1));
    exec.forward();
    const carried = exec.finalHistories();
    exec.bind(feed(2));
    expect(exec.forward(0, 8, { initialStates: carried }).total).toBeCloseTo(on.losses[1], 10);
    expect(exec.forward().total).toBeCloseTo(off.losses[1], 10);
  });

  it('refuses stateful training of an encoder–decoder, naming the setting', async () => {
    const r = restore(readFileSync(join(__dirname, '..', '..', '..', 'examples', 'seq2seq-attention-reverse.unroll.json'), 'utf8'));
    if (!r.ok) throw new Error('example does not restore');
    const doc = { ...r.doc, training: { ...r.doc.training!, stateful: true, steps: 1, backend: 'reference' } };
    await expect(async () => createSession({ doc }).start()).rejects.toThrow(/training\.stateful: an encoder–decoder starts every batch from its encoder/);
  });
});
