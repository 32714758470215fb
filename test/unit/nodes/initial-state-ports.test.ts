import { describe, expect, it } from 'vitest';
import { compile, expandGraph, FUSED_SUFFIX, type Plan, type PlanOp } from '../../../src/compiler';
import { Bidirectional } from '../../../src/nodes/bidirectional';
import { Delay } from '../../../src/nodes/delay';
import { fusedStepDims, fusedStepSpec, initialStatePorts } from '../../../src/nodes/fused';
import { GRU } from '../../../src/nodes/gru';
import { Jordan } from '../../../src/nodes/jordan';
import { Leaky } from '../../../src/nodes/leaky';
import { LSTM } from '../../../src/nodes/lstm';
import { RNN } from '../../../src/nodes/rnn';
import type { NodeSpec, PortShape } from '../../../src/nodes/types';
import { GraphBuilder } from '../compiler/graph-builder';

const seq = (dim: number): PortShape => ({ role: 'sequence', dim, dtype: 'real' });
const vec = (dim: number): PortShape => ({ role: 'vector', dim, dtype: 'real' });
const state = (dim: number): PortShape => ({ role: 'state', dim, dtype: 'real' });

function shapeOf<P>(spec: NodeSpec<P>, raw: Record<string, unknown>, inputs: Record<string, PortShape | undefined>) {
  return spec.shape(spec.params.parse(raw), inputs);
}
function tensorNames<P>(spec: NodeSpec<P>, raw: Record<string, unknown>, inputs: Record<string, PortShape | undefined>): string[] {
  return spec.paramTensors(spec.params.parse(raw), inputs).map((d) => d.name);
}
function inputPorts<P>(spec: NodeSpec<P>, raw: Record<string, unknown> = {}) {
  return spec.ports(spec.params.parse(raw)).filter((p) => p.direction === 'in');
}
function planOf(doc: ReturnType<GraphBuilder['doc']>, fused = false): Plan {
  const r = compile(doc, { fused });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.plan;
}
const opOf = (plan: Plan, node: string): PlanOp => {
  const op = plan.ops.find((o) => o.node === node);
  if (op === undefined) throw new Error(`no op for ${node}: ${plan.ops.map((o) => o.node).join(', ')}`);
  return op;
};

/**
 * An LSTM encoder (hidden 4) whose last h and c start an LSTM decoder (hidden 4) on another input;
 * the decoder's readout is trained by MSE. Both cells have `init` as given.
 */
function encoderDecoder(init: 'zeros' | 'learned' = 'learned') {
  return new GraphBuilder()
    .node('x', 'Input', { role: 'sequence', size: 3 })
    .node('y', 'Input', { role: 'sequence', size: 2 })
    .node('t', 'Input', { role: 'sequence', size: 1 })
    .node('enc', 'LSTM', { hidden: 4, init })
    .node('enc_h', 'LastStep')
    .node('enc_c', 'LastStep')
    .node('dec', 'LSTM', { hidden: 4, init })
    .node('out', 'Linear', { units: 1 })
    .node('loss', 'MSE')
    .edge('x.out', 'enc.in')
    .edge('enc.h', 'enc_h.in')
    .edge('enc.c', 'enc_c.in')
    .edge('y.out', 'dec.in')
    .edge('enc_h.out', 'dec.h0')
    .edge('enc_c.out', 'dec.c0')
    .edge('dec.h', 'out.in0')
    .edge('out.out', 'loss.prediction')
    .edge('t.out', 'loss.target');
}

describe('Delay: the `init` input', () => {
  it('is an optional real vector input', () => {
    expect(inputPorts(Delay).find((p) => p.name === 'init')).toMatchObject({ roles: ['vector'], dtype: 'real', optional: true });
  });

  it('must have the Delay’s size; the error names the port and says what to change', () => {
    const r = shapeOf(Delay, { size: 4 }, { in: seq(4), init: vec(3) });
    expect(r).toMatchObject({ ok: false, code: 'dim-mismatch', port: 'init' });
    if (!r.ok) expect(r.message).toMatch(/"init" has size 3.*size is 4/);
    expect(shapeOf(Delay, { size: 4 }, { init: seq(4) })).toMatchObject({ ok: false, code: 'incompatible-roles', port: 'init' });
    expect(shapeOf(Delay, { size: 4 }, { init: state(4) })).toMatchObject({ ok: false, code: 'incompatible-roles', port: 'init' });
  });

  it('leaves the output shape to the size param alone', () => {
    const out = { ok: true, outputs: { out: state(4) } };
    expect(shapeOf(Delay, { size: 4 }, {})).toEqual(out);
    expect(shapeOf(Delay, { size: 4 }, { init: vec(4) })).toEqual(out);
    expect(shapeOf(Delay, { size: 4, steps: 3 }, { in: seq(4), init: vec(4) })).toEqual(out);
    expect(Delay.closesCycles).toBe(true);
  });

  it('declares no learned h0 while connected', () => {
    expect(tensorNames(Delay, { size: 4, init: 'learned' }, {})).toEqual(['h0']);
    expect(tensorNames(Delay, { size: 4, init: 'learned' }, { in: seq(4), init: vec(4) })).toEqual([]);
    expect(tensorNames(Delay, { size: 4 }, { init: vec(4) })).toEqual([]);
  });
});

describe('cells: the `h0` (and LSTM `c0`) inputs', () => {
  const cells: [NodeSpec<any>, string[]][] = [
    [RNN, ['h0']],
    [GRU, ['h0']],
    [LSTM, ['h0', 'c0']],
  ];

  it('RNN, GRU and LSTM declare them as optional vectors; Leaky, Jordan and Bidirectional do not', () => {
    for (const [spec, names] of cells) {
      const ins = inputPorts(spec);
      expect(ins.map((p) => p.name), spec.type).toEqual(['in', ...names]);
      for (const p of ins.slice(1)) expect(p, `${spec.type}.${p.name}`).toMatchObject({ roles: ['vector'], dtype: 'real', optional: true });
    }
    for (const spec of [Leaky, Jordan, Bidirectional] as NodeSpec<any>[]) expect(inputPorts(spec).map((p) => p.name), spec.type).toEqual(['in']);
  });

  it('must have `hidden` units; the error names the port, also while `in` is unknown', () => {
    for (const [spec, names] of cells) {
      for (const name of names) {
        const r = shapeOf(spec, { hidden: 5 }, { in: seq(3), [name]: vec(4) });
        expect(r, `${spec.type}.${name}`).toMatchObject({ ok: false, code: 'dim-mismatch', port: name });
        if (!r.ok) expect(r.message).toMatch(new RegExp(`"${name}" has size 4.*5 hidden units`));
        expect(shapeOf(spec, { hidden: 5 }, { [name]: vec(4) }), `${spec.type}.${name}, in unknown`).toMatchObject({ ok: false, port: name });
        expect(shapeOf(spec, { hidden: 5 }, { in: seq(3), [name]: seq(5) })).toMatchObject({ ok: false, code: 'incompatible-roles', port: name });
      }
      const all = Object.fromEntries(names.map((n) => [n, vec(5)]));
      expect(shapeOf(spec, { hidden: 5 }, { in: seq(3), ...all })).toEqual(shapeOf(spec, { hidden: 5 }, { in: seq(3) }));
    }
  });

  it('replace the learned initial value of their own state only', () => {
    expect(tensorNames(RNN, { hidden: 2, init: 'learned' }, { in: seq(3) })).toContain('h0');
    expect(tensorNames(RNN, { hidden: 2, init: 'learned' }, { in: seq(3), h0: vec(2) })).not.toContain('h0');
    expect(tensorNames(GRU, { hidden: 2, init: 'learned' }, { in: seq(3), h0: vec(2) })).not.toContain('h0');
    const lstm = (inputs: Record<string, PortShape>) => tensorNames(LSTM, { hidden: 2, init: 'learned' }, { in: seq(3), ...inputs }).filter((n) => n === 'h0' || n === 'c0');
    expect(lstm({})).toEqual(['h0', 'c0']);
    expect(lstm({ h0: vec(2) })).toEqual(['c0']);
    expect(lstm({ c0: vec(2) })).toEqual(['h0']);
    expect(lstm({ h0: vec(2), c0: vec(2) })).toEqual([]);
    expect(tensorNames(LSTM, { hidden: 2 }, { in: seq(3) }).filter((n) => n === 'h0' || n === 'c0')).toEqual([]);
  });

  it('feed the inner Delays’ `init` (every Delay of an RNN with a skip connection)', () => {
    const targets = (spec: NodeSpec<any>, raw: Record<string, unknown>) => {
      const d = spec.decompose!(spec.params.parse(raw));
      return Object.fromEntries(Object.entries(d.inputs).filter(([k]) => k !== 'in').map(([k, ts]) => [k, ts.map((t) => `${t.node}.${t.port}`)]));
    };
    expect(targets(RNN, {})).toEqual({ h0: ['h_prev.init'] });
    expect(targets(RNN, { skip: { d: 3, mode: 'remove' } })).toEqual({ h0: ['h_prev.init'] });
    expect(targets(RNN, { skip: { d: 3, mode: 'add' } })).toEqual({ h0: ['h_prev.init', 'h_skip.init'] });
    expect(targets(GRU, { resetAfter: true })).toEqual({ h0: ['h_prev.init'] });
    expect(targets(LSTM, { peepholes: true })).toEqual({ h0: ['h_prev.init'], c0: ['c_prev.init'] });
  });
});

describe('an LSTM encoder’s last h and c start an LSTM decoder', () => {
  it('expands to edges into the decoder’s Delays’ `init`', () => {
    const g = expandGraph(encoderDecoder().doc());
    const into = (node: string, port: string) => g.edges.filter((e) => e.target.node === node && e.target.port === port).map((e) => `${e.source.node}.${e.source.port}`);
    expect(into('dec.h_prev', 'init')).toEqual(['enc_h.out']);
    expect(into('dec.c_prev', 'init')).toEqual(['enc_c.out']);
    expect(into('enc.h_prev', 'init')).toEqual([]);
    const dec = g.composites.find((c) => c.id === 'dec')!;
    expect(Object.keys(dec.feeds).sort()).toEqual(['c0', 'h0', 'in']);
  });

  it('compiles decomposed: the Delay ops read `init`; the decoder owns no learned h0/c0, the encoder does', () => {
    const plan = planOf(encoderDecoder().doc());
    expect(opOf(plan, 'dec.h_prev')).toMatchObject({ kind: 'delay', inputs: { in: 'dec.h.out', init: 'enc_h.out' } });
    expect(opOf(plan, 'dec.c_prev')).toMatchObject({ kind: 'delay', inputs: { in: 'dec.c.out', init: 'enc_c.out' } });
    expect(opOf(plan, 'enc.h_prev').inputs.init).toBeUndefined();
    const names = plan.params.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['enc.h0', 'enc.c0', 'dec.U_f', 'dec.W_f']));
    expect(names.filter((n) => n.startsWith('dec.') && /\.(h0|c0)$/.test(n))).toEqual([]);
    expect(opOf(plan, 'dec.h_prev').params).toEqual({});
    expect(opOf(plan, 'enc.h_prev').params).toEqual({ h0: 'enc.h0' });
    // the encoder's last states are read before the decoder's loop starts
    const phaseOf = (node: string) => plan.phases.findIndex((ph) => ph.ops.some((k) => plan.ops[k].node === node));
    expect(phaseOf('enc_h')).toBeLessThan(phaseOf('dec.h_prev'));
    expect(phaseOf('enc_c')).toBeLessThan(phaseOf('dec.c_prev'));
  });

  it('compiles fused: the step reads `in` and the previous states only; the Delays keep `init`', () => {
    const plan = planOf(encoderDecoder().doc(), true);
    const step = opOf(plan, 'dec');
    expect(step.type).toBe(`LSTM${FUSED_SUFFIX}`);
    expect(step.inputs).toEqual({ in: 'y.out', h_prev: 'dec.h_prev.out', c_prev: 'dec.c_prev.out' });
    expect(Object.keys(step.params).filter((n) => n === 'h0' || n === 'c0')).toEqual([]);
    expect(opOf(plan, 'dec.h_prev').inputs).toEqual({ in: 'dec.h.out', init: 'enc_h.out' });
    expect(opOf(plan, 'dec.c_prev').inputs).toEqual({ in: 'dec.c.out', init: 'enc_c.out' });
    expect(plan.params.map((p) => p.name).filter((n) => n.startsWith('dec.') && /\.(h0|c0)$/.test(n))).toEqual([]);
  });

  it('refuses an initial state of the wrong size on the decoder, naming its port', () => {
    const doc = encoderDecoder().node('dec2', 'GRU', { hidden: 5 }).edge('y.out', 'dec2.in').edge('enc_h.out', 'dec2.h0').doc();
    const r = compile(doc);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toEqual([expect.objectContaining({ code: 'dim-mismatch', nodeId: 'dec2', port: 'h0' })]);
  });
});

describe('the fused step leaves the initial-state inputs out', () => {
  it('initialStatePorts finds the ports that feed Delays’ `init` only', () => {
    expect([...initialStatePorts(LSTM, LSTM.params.parse({}))].sort()).toEqual(['c0', 'h0']);
    expect([...initialStatePorts(RNN, RNN.params.parse({ skip: { d: 2, mode: 'add' } }))]).toEqual(['h0']);
    expect([...initialStatePorts(GRU, GRU.params.parse({}))]).toEqual(['h0']);
    expect([...initialStatePorts(Bidirectional, Bidirectional.params.parse({}))]).toEqual([]);
    expect([...initialStatePorts(Delay, Delay.params.parse({}))]).toEqual([]);
  });

  it('fusedStepSpec and fusedStepDims have no h0/c0', () => {
    for (const spec of [RNN, GRU, LSTM] as NodeSpec<any>[]) {
      const attrs = spec.params.parse({ hidden: 2 });
      const ins = fusedStepSpec(spec)
        .ports(attrs)
        .filter((p) => p.direction === 'in')
        .map((p) => p.name);
      const prev = spec.fused!.states(attrs).map((s) => s.previous);
      expect(ins, spec.type).toEqual(['in', ...prev]);
      expect(Object.keys(fusedStepDims(spec, attrs)).sort(), spec.type).toEqual(['in', ...prev].sort());
    }
  });
});

describe('Bidirectional LSTM: `finalC`', () => {
  it('exists for an LSTM cell only', () => {
    const outs = (raw: Record<string, unknown>) =>
      Bidirectional.ports(Bidirectional.params.parse(raw))
        .filter((p) => p.direction === 'out')
        .map((p) => p.name);
    expect(outs({ cell: 'lstm' })).toEqual(['h', 'final', 'finalC']);
    expect(outs({ cell: 'gru' })).toEqual(['h', 'final']);
    expect(outs({ cell: 'rnn' })).toEqual(['h', 'final']);
    expect(Object.keys(Bidirectional.decompose!(Bidirectional.params.parse({ cell: 'gru' })).outputs).sort()).toEqual(['final', 'h']);
  });

  it('has 2H units with concat and H with sum, like `final`', () => {
    expect(shapeOf(Bidirectional, { hidden: 3 }, { in: seq(2) })).toEqual({ ok: true, outputs: { h: seq(6), final: vec(6), finalC: vec(6) } });
    expect(shapeOf(Bidirectional, { hidden: 3, merge: 'sum' }, { in: seq(2) })).toEqual({ ok: true, outputs: { h: seq(3), final: vec(3), finalC: vec(3) } });
  });

  it('joins the last step of each direction’s c', () => {
    for (const merge of ['concat', 'sum'] as const) {
      const d = Bidirectional.decompose!(Bidirectional.params.parse({ merge }));
      expect(d.outputs.finalC).toEqual({ node: 'final_c', port: 'out' });
      const type = (id: string) => d.nodes.find((n) => n.id === id)?.type;
      expect(type('final_c')).toBe(merge === 'concat' ? 'Concat' : 'Add');
      const into = (node: string) => d.edges.filter((e) => e.target.node === node).map((e) => `${e.source.node}.${e.source.port}→${e.target.port}`);
      expect(into('final_c')).toEqual(['fwd_last_c.out→in0', 'bwd_last_c.out→in1']);
      expect(into('fwd_last_c')).toEqual(['fwd.c→in']);
      expect(into('bwd_last_c')).toEqual(['bwd.c→in']);
      expect([type('fwd_last_c'), type('bwd_last_c')]).toEqual(['LastStep', 'LastStep']);
    }
  });

  it('starts an LSTM decoder of 2H units from [h→; h←] and [c→; c←], fused or not', () => {
    const doc = new GraphBuilder()
      .node('x', 'Input', { role: 'sequence', size: 3 })
      .node('t', 'Input', { role: 'sequence', size: 1 })
      .node('bi', 'Bidirectional', { hidden: 3 })
      .node('dec', 'LSTM', { hidden: 6, init: 'learned' })
      .node('out', 'Linear', { units: 1 })
      .node('loss', 'MSE')
      .edge('x.out', 'bi.in')
      .edge('x.out', 'dec.in')
      .edge('bi.final', 'dec.h0')
      .edge('bi.finalC', 'dec.c0')
      .edge('dec.h', 'out.in0')
      .edge('out.out', 'loss.prediction')
      .edge('t.out', 'loss.target')
      .doc();
    for (const fused of [false, true]) {
      const plan = planOf(doc, fused);
      expect(opOf(plan, 'dec.h_prev').inputs.init, `fused ${fused}`).toBe('bi.final.out');
      expect(opOf(plan, 'dec.c_prev').inputs.init, `fused ${fused}`).toBe('bi.final_c.out');
      expect(plan.buffers.find((b) => b.id === 'bi.final_c.out')).toMatchObject({ role: 'vector', dim: 6 });
      expect(opOf(plan, 'bi.final_c').inputs).toEqual({ in0: 'bi.fwd_last_c.out', in1: 'bi.bwd_last_c.out' });
      expect(opOf(plan, 'bi.fwd_last_c').inputs.in).toBe('bi.fwd.c.out');
      expect(plan.params.map((p) => p.name).filter((n) => n.startsWith('dec.') && /\.(h0|c0)$/.test(n))).toEqual([]);
    }
    const sized = new GraphBuilder()
      .node('x', 'Input', { role: 'sequence', size: 3 })
      .node('bi', 'Bidirectional', { hidden: 3 })
      .node('dec', 'LSTM', { hidden: 3 })
      .edge('x.out', 'bi.in')
      .edge('x.out', 'dec.in')
      .edge('bi.finalC', 'dec.c0')
      .doc();
    const r = compile(sized);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toEqual([expect.objectContaining({ code: 'dim-mismatch', nodeId: 'dec', port: 'c0' })]);
  });
});
