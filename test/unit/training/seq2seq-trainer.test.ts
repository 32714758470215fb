import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/compiler/compile';
import type { Plan } from '../../../src/compiler/plan';
import type { Batch } from '../../../src/data/batch';
import { createTask } from '../../../src/data/registry';
import { Executor } from '../../../src/engine/executor';
import { bindBatch } from '../../../src/engine/feeds';
import { createRng } from '../../../src/engine/rng';
import { WeightStore } from '../../../src/engine/weights';
import { batchLoss, createSession, metricSums, metricValues, SessionError, Watchdog, type Recording, type SessionEvent } from '../../../src/training';
import { divergence } from '../../../src/training/watchdog';
import { encDecDoc, reverseExample, type Doc } from './seq2seq-fixtures';

/** The trainer on an encoder–decoder: metrics, loss, watchdog and records on the target axis. */

function setup(doc: Doc, seed = 1): { plan: Plan; exec: Executor; batch: Batch } {
  const c = compile(doc);
  if (!c.ok) throw new Error(c.problems.map((p) => p.message).join('; '));
  const exec = new Executor(c.plan, WeightStore.initialise(c.plan, createRng(seed)));
  // source lengths 2..5 (T = 5), target lengths 3..6 (T' = 6): the axes' valid steps differ
  const batch = createTask('reverse', { symbols: 3, minLength: 2, maxLength: 5 }).batch(createRng(seed + 1), 6);
  exec.bind(bindBatch(c.plan, batch));
  return { plan: c.plan, exec, batch };
}

describe('metrics and loss on the target axis', () => {
  it('accuracy counts the valid target steps (Σ τ′_b) and compares arg-max logits with y there', () => {
    const { plan, exec, batch } = setup(encDecDoc());
    exec.forward();
    const sums = metricSums(plan, exec);
    const acc = sums.get('loss.accuracy')!;
    const target = batch.target!;
    const validTarget = target.lengths.reduce((a, l) => a + l, 0);
    expect(acc.count).toBe(validTarget);
    expect(validTarget).not.toBe(batch.lengths.reduce((a, l) => a + l, 0));
    const logits = exec.value('out.out'); // (B,T',C)
    expect(logits.shape).toEqual([6, target.T, 4]);
    let right = 0;
    for (let b = 0; b < 6; b++) {
      for (let i = 0; i < target.lengths[b]; i++) {
        const row = Array.from(logits.data.subarray((b * target.T + i) * 4, (b * target.T + i + 1) * 4));
        if (row.indexOf(Math.max(...row)) === batch.y[b * target.T + i]) right++;
      }
    }
    expect(acc.sum).toBe(right);
    expect(metricValues(sums)['loss.accuracy']).toBeCloseTo(right / validTarget, 15);
  });

  it('batchLoss divides a meanValidSteps loss by the valid target steps, as the forward pass does', () => {
    for (const reduction of ['meanValidSteps', 'sumTimeMeanBatch'] as const) {
      const { exec, batch } = setup(encDecDoc({ reduction }));
      const total = exec.forward().total;
      expect(batchLoss(exec)).toBeCloseTo(total, 12);
      if (reduction === 'meanValidSteps') {
        const rows = exec.stepLosses('loss').data;
        const sum = rows.reduce((a, v) => a + v, 0);
        expect(total).toBeCloseTo(sum / batch.target!.lengths.reduce((a, l) => a + l, 0), 12);
      }
    }
  });
});

describe('watchdog on the target axis', () => {
  it('names the decoder node and its decoder step for a non-finite forward value', () => {
    const { plan, exec } = setup(encDecDoc());
    exec.weights.get('out.b')[2] = NaN;
    exec.forward();
    const found = new Watchdog(plan).forward(exec, 0, exec.stepCount)!;
    expect(found).toMatchObject({ stage: 'forward', node: 'out', value: 'out.out', step: 1, sample: 0, found: 'NaN' });
    const d = divergence(found, 4);
    expect(d).not.toHaveProperty('targetAxis');
    expect(d.message).toMatch(/training step 4: NaN in the forward pass at "out.out" \(node "out"\), decoder \(target-axis\) step 1, sample 0/);
  });

  it('finds non-finite gradients in backward order: the decoder steps (T′ … 1) before the encoder steps', () => {
    const { plan, exec } = setup(encDecDoc());
    exec.forward();
    const grads = exec.backward();
    const dog = new Watchdog(plan);
    const T = exec.stepCount;
    expect(dog.gradients(exec, 0, T, grads)).toBeUndefined();
    const B = exec.batchSize;
    const source = (name: string) => plan.recurrences.find((r) => r.name === name)!.source;
    const enc = exec.rawGradient(source('enc')); // (T,B,4)
    enc[(3 * B + 2) * 4 + 1] = NaN; // source step 4, sample 2
    expect(dog.gradients(exec, 0, T, grads)).toMatchObject({ stage: 'gradient', node: 'enc', value: source('enc'), step: 4, sample: 2, found: 'NaN' });
    const dec = exec.rawGradient(source('dec')); // (T',B,4)
    dec[(5 * B + 1) * 4] = Infinity; // decoder step 6 (past T = 5), sample 1
    const found = dog.gradients(exec, 0, T, grads)!;
    expect(found).toMatchObject({ node: 'dec', value: source('dec'), step: 6, sample: 1, found: 'Infinity' });
    expect(divergence(found, 2).message).toMatch(/decoder \(target-axis\) step 6, sample 1/);
  });

  it('names a non-finite loss term by its decoder step', () => {
    const { plan, exec } = setup(encDecDoc());
    exec.weights.get('out.b')[0] = 1e308;
    exec.weights.get('out.b')[1] = -1e308;
    exec.forward();
    const dog = new Watchdog(plan);
    expect(dog.forward(exec, 0, exec.stepCount)).toBeUndefined();
    expect(dog.loss(exec, 0, exec.stepCount)).toMatchObject({ stage: 'loss', node: 'loss', step: 1, found: 'Infinity' });
  });
});

describe('training an encoder–decoder', () => {
  it('refuses truncated BPTT up front, naming the target-axis Inputs', () => {
    try {
      createSession({ doc: encDecDoc({}, { tbptt: { k1: 2, k2: 2 } }) });
      expect.unreachable();
    } catch (e) {
      expect((e as SessionError).code).toBe('session-bad-config');
      expect((e as SessionError).details?.[0]?.where).toBe('tbptt');
      expect((e as Error).message).toMatch(/training.tbptt: this graph has a second \(target\) time axis \(Inputs "y_in", "y"\).*full BPTT only; remove tbptt/);
    }
  });

  it('applies the Pascanu term to an RNN encoder, and refuses it on a decoder cell (target axis) by name', async () => {
    const rnn = (doc: Doc): Doc => ({ ...doc, nodes: doc.nodes.map((n) => (n.id === 'enc' || n.id === 'dec' ? { ...n, type: 'RNN', params: { hidden: 4 } } : n)) });
    const rows: Record<string, number>[] = [];
    const s = createSession({ doc: rnn(encDecDoc({}, { pascanu: { nodes: ['enc'], lambda: 1 } })), telemetry: { recordEvery: 0 }, onStep: (row) => rows.push(row.metrics) });
    expect((await s.start()).status).toBe('finished');
    expect(rows.every((m) => Number.isFinite(m['pascanu.omega']))).toBe(true);
    expect(() => createSession({ doc: rnn(encDecDoc({}, { pascanu: { nodes: ['dec'], lambda: 1 } })) })).toThrow(/training.pascanu: RNN node "dec" runs on the target \(decoder\) time axis/);
  });

  it('records ‖∂L/∂h‖ and states of each recurrence over its own axis (T for the encoder, T′ for the decoder)', async () => {
    const records: Recording[] = [];
    const s = createSession({ doc: encDecDoc({}, { steps: 2 }), telemetry: { recordEvery: 1, intervalMs: Infinity }, onEvent: (e: SessionEvent) => e.type === 'telemetry' && records.push(...e.batch.records) });
    const r = await s.start();
    expect(r.status).toBe('finished');
    expect(records.length).toBe(2);
    const rec = records[0];
    expect(rec.T).toBe(5);
    const enc = rec.gradNorms.find((g) => g.name === 'enc')!;
    const dec = rec.gradNorms.find((g) => g.name === 'dec')!;
    expect(enc.perStep.length).toBe(5);
    expect(dec.perStep.length).toBe(6);
    expect(dec.perStep[0]).toBeGreaterThan(0);
    expect(rec.states.find((t) => t.node === 'dec')!.shape).toEqual([6, 4]);
    expect(rec.states.find((t) => t.node === 'enc')!.shape).toEqual([5, 4]);
    expect(rec.gates.filter((t) => t.node === 'dec').every((t) => t.shape[0] === 6)).toBe(true);
  });

  it('the example graph trains on the reverse task and reports accuracy over the target axis', async () => {
    const rows: { loss: number; metrics: Record<string, number> }[] = [];
    const s = createSession({ doc: reverseExample(), config: { steps: 3, batchSize: 4 }, telemetry: { recordEvery: 0 }, onStep: (row) => rows.push(row) });
    expect(s.task?.id).toBe('reverse');
    const r = await s.start();
    expect(r.status).toBe('finished');
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(Number.isFinite(row.loss)).toBe(true);
      expect(row.metrics['loss.accuracy']).toBeGreaterThanOrEqual(0);
      expect(row.metrics['loss.accuracy']).toBeLessThanOrEqual(1);
    }
    const ev = s.evaluate(2, 8);
    expect(Number.isFinite(ev.loss)).toBe(true);
    expect(ev.loss).toBeGreaterThan(0);
  });
});
