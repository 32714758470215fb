import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/compiler';
import { Delay } from '../../../src/nodes/delay';
import { RNN } from '../../../src/nodes/rnn';
import type { PortShape } from '../../../src/nodes/types';
import { GraphBuilder } from '../compiler/graph-builder';

const seq = (dim: number): PortShape => ({ role: 'sequence', dim, dtype: 'real' });

function rnnDoc(params: Record<string, unknown>) {
  return new GraphBuilder()
    .node('x', 'Input', { role: 'sequence', size: 3 })
    .node('l0', 'RNN', { hidden: 4, ...params })
    .node('y', 'Input', { role: 'sequence', size: 4 })
    .node('loss', 'MSE')
    .edge('x.out', 'l0.in')
    .edge('l0.h', 'loss.prediction')
    .edge('y.out', 'loss.target')
    .doc();
}

describe('Delay steps', () => {
  it('is absent by default, meaning 1 (documents without it save back unchanged), and refuses 0', () => {
    expect(Delay.params.parse({})).toEqual({ size: 16, init: 'zeros' });
    expect(Delay.params.safeParse({ steps: 0 }).success).toBe(false);
  });
});

describe('RNN skip connection through time (models.md)', () => {
  it('has no skip by default; add owns W_d [H,H] (orthogonal); remove owns nothing more', () => {
    expect(RNN.params.parse({})).not.toHaveProperty('skip');
    const names = (raw: Record<string, unknown>) => RNN.paramTensors(RNN.params.parse({ hidden: 4, ...raw }), { in: seq(3) }).map((t) => t.name);
    expect(names({ skip: { d: 3, mode: 'add' } })).toEqual(['U', 'W', 'b', 'W_d']);
    expect(RNN.paramTensors(RNN.params.parse({ hidden: 4, skip: { d: 3 } }), { in: seq(3) }).find((t) => t.name === 'W_d')).toMatchObject({ shape: [4, 4], init: 'orthogonal' });
    expect(names({ skip: { d: 3, mode: 'remove' } })).toEqual(['U', 'W', 'b']);
    expect(RNN.params.safeParse({ skip: { d: 1 } }).success).toBe(false);
  });

  it('refuses mode add with a learned h0, naming init', () => {
    const r = RNN.params.safeParse({ init: 'learned', skip: { d: 2, mode: 'add' } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].path).toEqual(['init']);
    expect(RNN.params.safeParse({ init: 'learned', skip: { d: 2, mode: 'remove' } }).success).toBe(true);
  });

  it('add: a Delay of 1 and a Delay of d steps both carry h into a three-input Linear; it runs decomposed', () => {
    const attrs = RNN.params.parse({ hidden: 4, skip: { d: 3, mode: 'add' } });
    const dec = RNN.decompose!(attrs);
    const delays = dec.nodes.filter((n) => n.type === 'Delay').map((n) => [n.id, n.params.steps ?? 1]);
    expect(delays).toEqual([
      ['h_prev', 1],
      ['h_skip', 3],
    ]);
    expect(dec.params.W_d).toEqual({ node: 'a', param: 'W2' });
    expect(RNN.fused!.states(attrs)).toEqual([]);
    const r = compile(rnnDoc({ skip: { d: 3, mode: 'add' } }), { fused: true });
    expect(r.ok && r.plan.ops.some((o) => o.type === 'RNN.step')).toBe(false);
    expect(r.ok && r.plan.recurrences.map((x) => x.name)).toEqual(['l0']);
  });

  it('remove: the one Delay reaches back d steps, and the fused step still applies', () => {
    const attrs = RNN.params.parse({ hidden: 4, skip: { d: 2, mode: 'remove' } });
    expect(RNN.decompose!(attrs).nodes.find((n) => n.id === 'h_prev')!.params).toMatchObject({ steps: 2 });
    const r = compile(rnnDoc({ skip: { d: 2, mode: 'remove' } }), { fused: true });
    expect(r.ok && r.plan.ops.filter((o) => o.type === 'RNN.step').length).toBe(1);
    expect(r.ok && r.plan.ops.find((o) => o.kind === 'delay')!.attrs.steps).toBe(2);
  });
});
