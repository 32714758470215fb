import { describe, expect, it } from 'vitest';
import type { Batch } from '../../../src/data/batch';
import { bpttGradients } from '../../../src/engine/bptt';
import { Executor } from '../../../src/engine/executor';
import { pascanuTerm, resolvePascanu } from '../../../src/engine/pascanu';
import { Rng } from '../../../src/engine/rng';
import type { TrainingConfig } from '../../../src/graph/document';
import { ConfigOverridesSchema } from '../../../src/protocol/training';
import { createSession, OMEGA_METRIC, type StepRow } from '../../../src/training';
import { feedOf } from '../../../src/training/data';
import { addingDoc } from './fixtures';

/** A fixed adding-problem batch (B = 3, T = 6, variable lengths): x (B,T,2), y (B,1). */
function fixedBatch(): Batch {
  const [B, T] = [3, 6];
  const lengths = Int32Array.from([6, 4, 5]);
  const rng = new Rng(21);
  const x = new Float32Array(B * T * 2);
  const mask = new Float32Array(B * T);
  const y = new Float32Array(B);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < lengths[b]; t++) {
      x[(b * T + t) * 2] = rng.range(0, 1);
      x[(b * T + t) * 2 + 1] = t === 0 || t === 2 ? 1 : 0;
      mask[b * T + t] = 1;
    }
    y[b] = rng.range(0, 2);
  }
  return { B, T, x, y, lengths, mask };
}

const SGD = { kind: 'sgd' as const, lr: 0.1, momentum: 0 };

async function train(training: Partial<TrainingConfig>, fused = false, cell: 'RNN' | 'LSTM' | 'GRU' = 'RNN') {
  const doc = addingDoc(cell, { optimizer: SGD, batchSize: 3, ...training });
  const rows: StepRow[] = [];
  const session = createSession({ doc, batches: [fixedBatch()], fused, onStep: (r) => rows.push(r) });
  const before = session.weights.clone();
  const result = await session.start();
  return { doc, session, before, rows, result };
}

describe('training with the Pascanu regulariser', () => {
  for (const [cell, fused] of [['RNN', false], ['RNN', true], ['LSTM', false], ['LSTM', true], ['GRU', true]] as const) {
    it(`updates with the gradient of L + λΩ and reports L, with Ω beside it (${cell}, ${fused ? 'fused' : 'decomposed'} plan)`, async () => {
      const lambda = 0.5;
      const { doc, session, before, rows } = await train({ steps: 1, pascanu: { nodes: ['cell'], lambda } }, fused, cell);
      // the same step by hand, from the starting weights and the same batch
      const exec = new Executor(session.plan, before);
      const full = bpttGradients(exec, feedOf(session.plan, fixedBatch(), {}));
      const lossGrads = new Map([...full.grads].map(([k, v]) => [k, v.slice()]));
      const term = pascanuTerm(exec, resolvePascanu(session.plan, doc.nodes, { nodes: ['cell'], lambda }), { total: full.loss.total, grads: full.grads });
      expect(rows[0].loss).toBeCloseTo(full.loss.total, 12);
      expect(rows[0].metrics[OMEGA_METRIC]).toBeCloseTo(term.omega, 12);
      expect(term.omega).toBeGreaterThan(0);
      let usedTotal = 0;
      let lossOnly = 0;
      for (const p of session.plan.params.filter((q) => q.trainable)) {
        const w0 = before.get(p.name);
        const w1 = session.weights.get(p.name);
        const g = term.gradsTotal.get(p.name)!;
        const gL = lossGrads.get(p.name)!;
        for (let i = 0; i < w0.length; i++) {
          usedTotal = Math.max(usedTotal, Math.abs(w1[i] - (w0[i] - SGD.lr * g[i])));
          lossOnly = Math.max(lossOnly, Math.abs(w1[i] - (w0[i] - SGD.lr * gL[i])));
        }
      }
      expect(usedTotal).toBeLessThan(1e-12);
      expect(lossOnly).toBeGreaterThan(1e-4);
      // the reported (pre-clip) gradient norm is the objective's
      const norm = Math.hypot(...session.plan.params.filter((q) => q.trainable).flatMap((p) => Array.from(term.gradsTotal.get(p.name)!)));
      expect(rows[0].gradNorm).toBeCloseTo(norm, 10);
    });
  }

  it('changes the run: with Ω on, losses from step 2 and the weights differ from a run without it', async () => {
    const off = await train({ steps: 4 });
    const on = await train({ steps: 4, pascanu: { nodes: ['cell'], lambda: 1 } });
    expect(on.rows[0].loss).toBe(off.rows[0].loss);
    expect(on.rows.slice(1).map((r) => r.loss)).not.toEqual(off.rows.slice(1).map((r) => r.loss));
    expect(Array.from(on.session.weights.get('cell.W'))).not.toEqual(Array.from(off.session.weights.get('cell.W')));
    expect(on.rows.every((r) => Number.isFinite(r.metrics[OMEGA_METRIC]))).toBe(true);
    expect(off.rows.every((r) => !(OMEGA_METRIC in r.metrics))).toBe(true);
  });

  it('clips the objective gradient', async () => {
    const { rows, session, before } = await train({ steps: 1, pascanu: { nodes: ['cell'], lambda: 1 }, clip: { kind: 'norm', max: 1e-3 } });
    expect(rows[0].clipped).toBe(1);
    const moved = Math.hypot(...session.plan.params.filter((q) => q.trainable).flatMap((p) => Array.from(session.weights.get(p.name), (v, i) => v - before.get(p.name)[i])));
    expect(moved).toBeCloseTo(SGD.lr * 1e-3, 12);
  });

  it('an LSTM trained with Ω still learns: the loss goes down (fixed seed)', async () => {
    const { rows } = await train({ steps: 40, pascanu: { nodes: ['cell'], lambda: 0.1 }, optimizer: { kind: 'adam', lr: 0.02, beta1: 0.9, beta2: 0.999, eps: 1e-8 } }, true, 'LSTM');
    expect(rows).toHaveLength(40);
    expect(rows.every((r) => Number.isFinite(r.loss) && Number.isFinite(r.metrics[OMEGA_METRIC]))).toBe(true);
    const mean = (rs: readonly StepRow[]) => rs.reduce((a, r) => a + r.loss, 0) / rs.length;
    expect(mean(rows.slice(-5))).toBeLessThan(0.5 * mean(rows.slice(0, 5)));
    expect(rows[39].metrics[OMEGA_METRIC]).toBeLessThan(rows[0].metrics[OMEGA_METRIC]);
  });

  it('refuses truncated BPTT, a node that is not a cell, an LSTM with peepholes and an unknown node, naming training.pascanu', () => {
    const start = (training: Partial<TrainingConfig>) => () => createSession({ doc: addingDoc('RNN', training), batches: [fixedBatch()] });
    expect(start({ pascanu: { nodes: ['cell'], lambda: 1 }, tbptt: { k1: 2, k2: 3 } })).toThrow(expect.objectContaining({ code: 'session-bad-config', message: expect.stringMatching(/^training\.pascanu: the Pascanu term needs full BPTT/) }));
    expect(start({ pascanu: { nodes: ['out'], lambda: 1 } })).toThrow(/training\.pascanu: node "out" is a Linear: Ω is available for RNN \(Elman\), LSTM and GRU cells/);
    expect(start({ pascanu: { nodes: ['nope'], lambda: 1 } })).toThrow(/training\.pascanu: there is no node "nope"/);
    const peepholes = () => createSession({ doc: addingDoc('LSTM', { pascanu: { nodes: ['cell'], lambda: 1 } }, { peepholes: true }), batches: [fixedBatch()] });
    expect(peepholes).toThrow(/training\.pascanu: LSTM node "cell" has peepholes/);
  });

  it('is part of the config: λ defaults to 1, overrides set or remove it', () => {
    const s = createSession({ doc: addingDoc('RNN', { pascanu: { nodes: ['cell'] } as TrainingConfig['pascanu'] }), batches: [fixedBatch()] });
    expect(s.config.pascanu).toEqual({ nodes: ['cell'], lambda: 1 });
    const off = createSession({ doc: addingDoc('RNN', { pascanu: { nodes: ['cell'], lambda: 2 } }), batches: [fixedBatch()], config: { pascanu: null } });
    expect(off.config.pascanu).toBeUndefined();
    expect(ConfigOverridesSchema.parse({ pascanu: { nodes: ['l0'], lambda: 0.1 } }).pascanu).toEqual({ nodes: ['l0'], lambda: 0.1 });
    expect(ConfigOverridesSchema.safeParse({ pascanu: { nodes: ['l0'], lambda: -1 } }).success).toBe(false);
  });
});
