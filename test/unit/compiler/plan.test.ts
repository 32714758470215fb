import { describe, expect, it } from 'vitest';
import { compile, formatPlan, type Plan } from '../../../src/compiler';
import { Executor } from '../../../src/engine/executor';
import { elmanGraph, planOf, randomFeed, randomWeights } from '../engine/executor-fixtures';
import { elman, GraphBuilder } from './graph-builder';

const opNodes = (plan: Plan, phase: number) => plan.phases[phase].ops.map((k) => plan.ops[k].node);

describe('compile: the Elman RNN from gates', () => {
  const plan = planOf(elmanGraph());

  it('has its inputs, params (names, shapes, initialisers), losses and recorded recurrence', () => {
    expect(plan.inputs).toEqual([
      { node: 'x', value: 'x.out', role: 'sequence', size: 3, dtype: 'real' },
      { node: 'y', value: 'y.out', role: 'sequence', size: 4, dtype: 'index' },
    ]);
    expect(plan.params.map((p) => [p.name, p.shape, p.init])).toEqual([
      ['a.W0', [5, 3], 'glorot'],
      ['a.W1', [5, 5], 'orthogonal'],
      ['a.b', [5], 'zeros'],
      ['o.W0', [4, 5], 'glorot'],
      ['o.b', [4], 'zeros'],
    ]);
    expect(plan.losses).toEqual([{ op: plan.ops.findIndex((o) => o.node === 'loss'), node: 'loss', reduction: 'sumTimeMeanBatch', perStep: true }]);
    expect(plan.recurrences).toEqual([{ name: 'h', node: 'h', delay: 'd', source: 'h.out', dim: 5 }]);
  });

  it('runs the recurrence as a time loop carrying d, and the readout batched over all steps', () => {
    expect(plan.phases.map((p) => p.kind)).toEqual(['loop', 'batched']);
    expect(opNodes(plan, 0)).toEqual(['d', 'a', 'h']);
    expect(plan.phases[0]).toMatchObject({ delays: [0] });
    expect(opNodes(plan, 1)).toEqual(['o', 'loss']);
  });

  it('is plain data: a JSON round trip gives the same plan, which runs to the same numbers', () => {
    const copy = JSON.parse(JSON.stringify(plan)) as Plan;
    expect(copy).toEqual(plan);
    const feed = randomFeed(plan, [3, 2], 3);
    const store = randomWeights(plan);
    const run = (p: Plan) => {
      const e = new Executor(p, store);
      e.bind(feed);
      return e.forward().total;
    };
    expect(run(copy)).toBe(run(plan));
  });

  it('prints readably', () => {
    const text = formatPlan(plan);
    expect(text.split('\n').slice(0, 3)).toEqual(['plan: 5 ops in 2 phases, 5 params (69 values), 1 losses', 'inputs:', '  x: sequence real [B,T,3]']);
    expect(text).toContain('  1. time loop (carries d)');
    expect(text).toContain('     a: Linear(in0←x.out, in1←d.out) → a.out [B,T,5]  params a.W0, a.W1, a.b');
    expect(text).toContain('     end of step: d ← h.out (frozen past τ_b)');
    expect(text).toContain('  2. batched over all steps ([T·B] rows)');
    expect(text).toContain('  h: h = h.out (5 units), carried by d');
  });
});

describe('compile: phases', () => {
  it('puts input projections before the loop as one batched phase', () => {
    const g = new GraphBuilder()
      .node('x', 'Input', { size: 2 })
      .node('u', 'Linear', { units: 4 })
      .node('s', 'Add')
      .node('h', 'Tanh')
      .node('d', 'Delay', { size: 4 })
      .node('w', 'Linear', { units: 4, bias: false })
      .node('v', 'Linear', { units: 1 })
      .edge('x.out', 'u.in0')
      .edge('u.out', 's.in0')
      .edge('d.out', 'w.in0')
      .edge('w.out', 's.in1')
      .edge('s.out', 'h.in')
      .edge('h.out', 'd.in')
      .edge('h.out', 'v.in0');
    const plan = planOf(g);
    expect(plan.phases.map((p) => p.kind)).toEqual(['batched', 'loop', 'batched']);
    expect(opNodes(plan, 0)).toEqual(['u']);
    expect(opNodes(plan, 1)).toEqual(['d', 'w', 's', 'h']);
    expect(opNodes(plan, 2)).toEqual(['v']);
  });

  it('runs a Delay on no cycle as a loop of its own, not recorded as a recurrence; it shifts by one step', () => {
    const g = new GraphBuilder().node('x', 'Input', { size: 2 }).node('d', 'Delay', { size: 2 }).node('s', 'Add').edge('x.out', 'd.in').edge('x.out', 's.in0').edge('d.out', 's.in1');
    const plan = planOf(g);
    expect(plan.phases.map((p) => p.kind)).toEqual(['loop', 'batched']);
    expect(plan.recurrences).toEqual([]);
    const e = new Executor(plan, randomWeights(plan));
    const x = Float64Array.from([1, 2, 3, 4, 5, 6]); // one sample, 3 steps of size 2
    e.bind({ feeds: { x }, lengths: Int32Array.of(3), T: 3 });
    e.forward();
    expect(Array.from(e.value('d.out').data)).toEqual([0, 0, 1, 2, 3, 4]);
  });

  it('with loopEverything, runs every per-step node inside one time loop', () => {
    const plan = planOf(elmanGraph(), { loopEverything: true });
    expect(plan.phases).toHaveLength(1);
    expect(opNodes(plan, 0)).toEqual(['d', 'a', 'h', 'o', 'loss']);
  });
});

describe('compile: composite nodes are expanded', () => {
  const cell = (type: string, params: Record<string, unknown>) =>
    new GraphBuilder()
      .node('x', 'Input', { size: 2 })
      .node('y', 'Input', { size: 2 })
      .node('l0', type, { hidden: 3, ...params })
      .node('o', 'Linear', { units: 2 })
      .node('loss', 'MSE')
      .edge('x.out', 'l0.in')
      .edge('l0.h', 'o.in0')
      .edge('o.out', 'loss.prediction')
      .edge('y.out', 'loss.target');

  it('RNN: weights keep the cell’s names, the recurrence is named by the cell, and it equals the same cell built from gates', () => {
    const plan = planOf(cell('RNN', { init: 'learned' }));
    expect(plan.params.map((p) => [p.name, p.shape])).toEqual([
      ['l0.h0', [3]],
      ['l0.U', [3, 2]],
      ['l0.W', [3, 3]],
      ['l0.b', [3]],
      ['o.W0', [2, 3]],
      ['o.b', [2]],
    ]);
    expect(plan.recurrences.map((r) => [r.name, r.node, r.delay])).toEqual([['l0', 'l0', 'l0.h_prev']]);

    const gates = new GraphBuilder()
      .node('x', 'Input', { size: 2 })
      .node('y', 'Input', { size: 2 })
      .node('d', 'Delay', { size: 3, init: 'learned' })
      .node('a', 'Linear', { inputs: 2, units: 3 })
      .node('h', 'Tanh')
      .node('o', 'Linear', { units: 2 })
      .node('loss', 'MSE')
      .edge('x.out', 'a.in0')
      .edge('d.out', 'a.in1')
      .edge('a.out', 'h.in')
      .edge('h.out', 'd.in')
      .edge('h.out', 'o.in0')
      .edge('o.out', 'loss.prediction')
      .edge('y.out', 'loss.target');
    const open = planOf(gates);
    const fused = randomWeights(plan);
    const same = randomWeights(open);
    const rename: Record<string, string> = { 'd.h0': 'l0.h0', 'a.W0': 'l0.U', 'a.W1': 'l0.W', 'a.b': 'l0.b', 'o.W0': 'o.W0', 'o.b': 'o.b' };
    for (const [to, from] of Object.entries(rename)) same.get(to).set(fused.get(from));
    const feed = randomFeed(plan, [4, 2], 4);
    const run = (p: Plan, w: typeof fused) => {
      const e = new Executor(p, w);
      e.bind(feed);
      return e.forward().total;
    };
    expect(run(plan, fused)).toBe(run(open, same));
  });

  it('LSTM: per-gate weights with the forget bias initialised by the cell; h and c recorded; gate probes', () => {
    const plan = planOf(cell('LSTM', { forgetBias: 1 }));
    const names = plan.params.map((p) => p.name);
    for (const g of ['i', 'f', 'g', 'o']) expect(names).toEqual(expect.arrayContaining([`l0.U_${g}`, `l0.W_${g}`, `l0.b_${g}`]));
    expect(plan.params.find((p) => p.name === 'l0.b_f')!.init).toEqual({ constant: 1 });
    expect(plan.params.find((p) => p.name === 'l0.b_i')!.init).toBe('zeros');
    expect(plan.params.find((p) => p.name === 'l0.W_o')!.init).toBe('orthogonal');
    expect(plan.recurrences.map((r) => [r.name, r.source]).sort()).toEqual([
      ['l0', 'l0.h.out'],
      ['l0.c', 'l0.c.out'],
    ]);
    expect(plan.probes.map((p) => `${p.node}.${p.name}=${p.value}`)).toEqual(['l0.i=l0.i.out', 'l0.f=l0.f.out', 'l0.g=l0.g.out', 'l0.o=l0.o.out']);
    expect(plan.phases.map((p) => p.kind)).toEqual(['loop', 'batched']);
  });
});

describe('compile: fused cells', () => {
  it('runs an LSTM with a fused step kernel as one op between its two Delays, without probes or the c record', () => {
    const g = new GraphBuilder()
      .node('x', 'Input', { size: 2 })
      .node('l0', 'LSTM', { hidden: 3 })
      .node('o', 'Linear', { units: 1 })
      .edge('x.out', 'l0.in')
      .edge('l0.h', 'o.in0');
    const plan = planOf(g, { fused: true });
    expect(plan.phases.map((p) => p.kind)).toEqual(['loop', 'batched']);
    expect(plan.phases[0].ops.map((k) => [plan.ops[k].node, plan.ops[k].type])).toEqual([
      ['l0.c_prev', 'Delay'],
      ['l0.h_prev', 'Delay'],
      ['l0', 'LSTM.step'],
    ]);
    const cell = plan.ops.find((o) => o.node === 'l0')!;
    expect(cell.inputs).toEqual({ in: 'x.out', h_prev: 'l0.h_prev.out', c_prev: 'l0.c_prev.out' });
    expect(cell.outputs).toEqual({ h: 'l0.h.out', c: 'l0.c.out' });
    expect(Object.keys(cell.params).sort()).toEqual(['U_f', 'U_g', 'U_i', 'U_o', 'W_f', 'W_g', 'W_i', 'W_o', 'b_f', 'b_g', 'b_i', 'b_o']);
    expect(plan.probes).toEqual([]);
    expect(plan.recurrences.map((r) => r.name)).toEqual(['l0']);
    expect(plan.buffers.map((b) => b.id).sort()).toEqual(['l0.c.out', 'l0.c_prev.out', 'l0.h.out', 'l0.h_prev.out', 'o.out', 'x.out']);
  });
});

describe('compile: problems', () => {
  it('reports validation problems on the document’s nodes (a cycle without a Delay)', () => {
    const r = compile(elman({ delay: false }).doc());
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ code: 'cycle-without-delay', nodeId: 'a', nodes: ['a', 'h'] });
  });

  it('reports a missing input with its node and port', () => {
    const g = new GraphBuilder().node('x', 'Input', { size: 2 }).node('m', 'Multiply').edge('x.out', 'm.in0');
    const r = compile(g.doc());
    expect(r.ok ? [] : r.problems.map((p) => [p.code, p.nodeId, p.port])).toEqual([['missing-input', 'm', 'in1']]);
  });
});
