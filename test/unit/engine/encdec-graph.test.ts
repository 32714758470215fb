import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/compiler/compile';
import { bpttGradients } from '../../../src/engine/bptt';
import { Executor } from '../../../src/engine/executor';
import { recurrenceGradNorms } from '../../../src/engine/telemetry-records';
import { GraphBuilder } from '../compiler/graph-builder';
import { gradcheckPlan, planOf, randomFeed, randomWeights } from './executor-fixtures';

/**
 * An encoder–decoder with attention on two time axes: x (source, 3) → GRU `enc` (4) → LastStep →
 * the decoder's h0 and the query Delay's init; dec_x (target, 2) and the attention context →
 * Concat → `cell` decoder (4) → Linear (3 classes) → CE against y (target).
 */
function encdec(score: string, options: { local?: boolean; cell?: 'GRU' | 'RNN' | 'LSTM'; bridge?: boolean; loss?: 'CE' | 'MSE' } = {}): GraphBuilder {
  const cell = options.cell ?? 'GRU';
  const bridge = options.bridge ?? true;
  const ce = (options.loss ?? 'CE') === 'CE';
  const g = new GraphBuilder()
    .node('x', 'Input', { role: 'sequence', size: 3 })
    .node('dec_x', 'Input', { role: 'sequence', size: 2, axis: 'target' })
    .node('y', 'Input', { role: 'sequence', size: 3, axis: 'target', ...(ce ? { dtype: 'index' } : {}) })
    .node('enc', cell, { hidden: 4 })
    .node('s_prev', 'Delay', { size: 4 })
    .node('attn', 'Attention', { score, attnSize: 3, local: options.local ?? false, localSize: 2, d: 1.5 })
    .node('cat', 'Concat', { inputs: 2 })
    .node('dec', cell, { hidden: 4 })
    .node('out', 'Linear', { units: 3 })
    .node('loss', ce ? 'CrossEntropy' : 'MSE')
    .edge('x.out', 'enc.in')
    .edge('enc.h', 'attn.memory')
    .edge('dec.h', 's_prev.in')
    .edge('s_prev.out', 'attn.query')
    .edge('dec_x.out', 'cat.in0')
    .edge('attn.context', 'cat.in1')
    .edge('cat.out', 'dec.in')
    .edge('dec.h', 'out.in0')
    .edge('out.out', ce ? 'loss.logits' : 'loss.prediction')
    .edge('y.out', 'loss.target');
  if (bridge) {
    g.node('last', 'LastStep').edge('enc.h', 'last.in').edge('last.out', 'dec.h0').edge('last.out', 's_prev.init');
    if (cell === 'LSTM') g.node('last_c', 'LastStep').edge('enc.c', 'last_c.in').edge('last_c.out', 'dec.c0');
  }
  return g;
}

const SOURCE = [5, 3, 2];
const TARGET = { lengths: [3, 1, 4], T: 4 };

describe('encoder–decoder graphs: two time axes', () => {
  it('puts the decoder on the target axis: its Inputs, ops, loop, loss and recorded state', () => {
    const plan = planOf(encdec('additive'));
    const axisOf = (node: string) => plan.ops.find((op) => op.node === node)?.axis ?? 0;
    expect(plan.inputs.map((i) => [i.node, i.axis ?? 0])).toEqual([
      ['x', 0],
      ['dec_x', 1],
      ['y', 1],
    ]);
    expect(plan.ops.find((op) => op.node === 'attn')).toMatchObject({ kind: 'attend', axis: 1 });
    expect(axisOf('out')).toBe(1);
    expect(axisOf('enc.h_prev')).toBe(0);
    expect(plan.losses[0]).toMatchObject({ node: 'loss', axis: 1 });
    const loops = plan.phases.filter((p) => p.kind === 'loop');
    expect(loops.map((p) => p.axis ?? 0)).toEqual([0, 1]);
    // the attention and the query Delay run inside the decoder's loop, after the bridge
    const decLoop = loops[1].ops.map((k) => plan.ops[k].node);
    expect(decLoop).toEqual(expect.arrayContaining(['attn', 's_prev', 'dec.h_prev']));
    const lastPhase = plan.phases.findIndex((p) => p.ops.some((k) => plan.ops[k].node === 'last'));
    expect(lastPhase).toBeLessThan(plan.phases.indexOf(loops[1]));
    expect(plan.recurrences.map((r) => [r.name, r.axis ?? 0])).toEqual([
      ['enc', 0],
      ['dec', 1],
    ]);
  });

  it('gives exact gradients for every weight, for every score, local or global, with uneven source and target lengths', () => {
    for (const [score, local] of [
      ['additive', false],
      ['dot', false],
      ['scaled', true],
      ['general', true],
    ] as const) {
      const plan = planOf(encdec(score, { local }));
      const r = gradcheckPlan(plan, randomFeed(plan, SOURCE, 5, 11, TARGET));
      expect(r.worst, `${score} local=${local}: ${r.where}`).toBeLessThan(2e-5); // relative to max(|g|, 1e-6): gradients near 1e-6 carry central-difference noise of ~1e-11
      expect(r.checked).toBeGreaterThan(100);
    }
  });

  it('gives exact gradients through an LSTM bridge (h0 and c0), without a bridge, and with MSE on an RNN decoder', () => {
    for (const g of [encdec('dot', { cell: 'LSTM' }), encdec('general', { bridge: false }), encdec('additive', { cell: 'RNN', loss: 'MSE' })]) {
      const plan = planOf(g);
      const r = gradcheckPlan(plan, randomFeed(plan, SOURCE, 5, 5, TARGET));
      expect(r.worst, r.where).toBeLessThan(2e-5);
    }
  });

  it('does not depend on the order of the edges (a Delay’s init wired before its input)', () => {
    const loss = (reverse: boolean) => {
      const g = encdec('additive');
      if (reverse) g.edges.reverse();
      const plan = planOf(g);
      const exec = new Executor(plan, randomWeights(plan));
      exec.bind(randomFeed(plan, SOURCE, 5, 3, TARGET));
      return exec.forward().total;
    };
    const a = loss(false);
    expect(Number.isFinite(a)).toBe(true);
    expect(loss(true)).toBeCloseTo(a, 12);
  });

  it('runs the fused cells to the same numbers as the decomposed ones', () => {
    const g = encdec('additive', { cell: 'LSTM' });
    const run = (fused: boolean) => {
      const plan = planOf(g, { fused });
      const exec = new Executor(plan, randomWeights(plan));
      const r = bpttGradients(exec, randomFeed(plan, SOURCE, 5, 2, TARGET));
      return { loss: r.loss.total, grads: r.grads };
    };
    const a = run(false);
    const b = run(true);
    expect(b.loss).toBeCloseTo(a.loss, 12);
    for (const [name, g] of a.grads) {
      const h = b.grads.get(name)!;
      for (let i = 0; i < g.length; i++) expect(h[i]).toBeCloseTo(g[i], 10);
    }
  });

  it('masks the target axis by its own lengths: loss terms, attention weights and recorded norms are zero at padded decoder steps', () => {
    const plan = planOf(encdec('additive', { local: true }));
    const exec = new Executor(plan, randomWeights(plan));
    const feed = randomFeed(plan, SOURCE, 5, 3, TARGET);
    exec.bind(feed);
    expect(exec.stepsOf(1)).toBe(4);
    bpttGradients(exec, feed);
    const steps = exec.stepLosses('loss'); // (B, T')
    expect(steps.shape).toEqual([3, 4]);
    expect(steps.data[1 * 4 + 1]).toBe(0); // sample 1 has one target step
    expect(steps.data[1 * 4 + 0]).toBeGreaterThan(0);
    const { alpha, p } = exec.attentionProbes('attn');
    expect(alpha.shape).toEqual([3, 4, 5]);
    expect(p.shape).toEqual([3, 4]);
    for (let b = 0; b < 3; b++) {
      for (let i = 0; i < 4; i++) {
        const row = alpha.data.slice((b * 4 + i) * 5, (b * 4 + i + 1) * 5);
        const valid = i < TARGET.lengths[b];
        for (let t = SOURCE[b]; t < 5; t++) expect(row[t]).toBe(0); // past τ_x
        if (!valid) expect(row.every((v) => v === 0)).toBe(true);
        else expect(p.data[b * 4 + i]).toBeGreaterThan(0);
      }
    }
    const norms = recurrenceGradNorms(exec);
    const dec = norms.find((n) => n.name === 'dec')!;
    expect(dec.perStep).toHaveLength(4);
    expect(dec.perSample[1 * 4 + 2]).toBe(0);
    expect(dec.perSample[1 * 4 + 0]).toBeGreaterThan(0);
    expect(norms.find((n) => n.name === 'enc')!.perStep).toHaveLength(5);
  });

  it('refuses chunked runs and a batch without the target axis, naming what is wrong', () => {
    const plan = planOf(encdec('dot'));
    const exec = new Executor(plan, randomWeights(plan));
    const feed = randomFeed(plan, SOURCE, 5, 3, TARGET);
    const { target: _, ...noTarget } = feed;
    expect(() => exec.bind(noTarget)).toThrow(/target \(decoder\) time axis.*T' and lengths/);
    expect(() => exec.bind({ ...feed, target: { T: 4, lengths: Int32Array.from([3, 5, 1]) } })).toThrow(/sample 1 has target length 5, outside \[1, 4\]/);
    expect(() => exec.bind({ ...feed, target: { T: 3, lengths: Int32Array.from([3, 1, 2]) } })).toThrow(/Input "dec_x" needs \(B,T',D\) = 18 values for B = 3, T' = 3/);
    exec.bind(feed);
    expect(() => exec.forward(0, 2)).toThrow(/second \(target\) time axis.*cannot run in chunks/);
  });

  it('refuses a node that mixes the two time axes, and a cycle closed through a Delay’s init, naming the nodes', () => {
    const mixed = new GraphBuilder()
      .node('x', 'Input', { role: 'sequence', size: 2 })
      .node('z', 'Input', { role: 'sequence', size: 2, axis: 'target' })
      .node('sum', 'Add', { inputs: 2 })
      .node('y', 'Input', { role: 'sequence', size: 2, axis: 'target' })
      .node('loss', 'MSE')
      .edge('x.out', 'sum.in0')
      .edge('z.out', 'sum.in1')
      .edge('sum.out', 'loss.prediction')
      .edge('y.out', 'loss.target');
    const r = compile(mixed.doc());
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'time-axis-mismatch', nodeId: 'sum' })]));

    const loop = new GraphBuilder()
      .node('x', 'Input', { role: 'sequence', size: 2 })
      .node('d', 'Delay', { size: 2 })
      .node('a', 'Add', { inputs: 2 })
      .node('last', 'LastStep')
      .node('y', 'Input', { role: 'sequence', size: 2 })
      .node('loss', 'MSE')
      .edge('x.out', 'a.in0')
      .edge('d.out', 'a.in1')
      .edge('a.out', 'd.in')
      .edge('a.out', 'last.in')
      .edge('last.out', 'd.init')
      .edge('a.out', 'loss.prediction')
      .edge('y.out', 'loss.target');
    const c = compile(loop.doc());
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.problems[0]).toMatchObject({ code: 'cycle-without-delay' });
  });
});
