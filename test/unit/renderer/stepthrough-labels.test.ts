import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/compiler/compile';
import { unrollView } from '../../../src/compiler/unroll-view';
import type { TraceResult } from '../../../src/protocol';
import { momentAt } from '../../../renderer/stepthrough/stepStore';
import { nodeValues, wireLabels } from '../../../renderer/stepthrough/wireLabels';
import { elman } from '../compiler/graph-builder';

/** A trace of the Elman graph over T = 3 steps with recognisable numbers: norm of h at step s = s, its gradient 10·s. */
function fakeTrace(): TraceResult {
  const port = (node: string, port: string, value: string, perStep: boolean, dtype: 'real' | 'index' = 'real') => {
    const n = perStep ? 3 : 1;
    const scale = node === 'h' ? 1 : 100;
    return { node, port, value, perStep, axis: 0 as const, dtype, dim: 5, norms: Array.from({ length: n }, (_, i) => scale * (i + 1)), grads: Array.from({ length: n }, (_, i) => 10 * scale * (i + 1)), lead: Array.from({ length: n * 2 }, (_, i) => i / 10), leadWidth: 2 };
  };
  return {
    weights: { source: 'initial' },
    data: 'random',
    T: 3,
    targetT: 0,
    B: 2,
    lengths: [3, 2],
    sample: 0,
    loss: 1,
    ports: [port('x', 'out', 'x.out', true), port('a', 'out', 'a.out', true), port('h', 'out', 'h.out', true), port('o', 'out', 'o.out', true), port('y', 'out', 'y.out', true, 'index')],
    edges: [],
  };
}

describe('step-through walk and wire labels', () => {
  it('walks forward 1 … T, then backward T … 1', () => {
    expect([0, 1, 2, 3, 4, 5].map((m) => momentAt(m, 3))).toEqual([
      { phase: 'forward', t: 1 },
      { phase: 'forward', t: 2 },
      { phase: 'forward', t: 3 },
      { phase: 'backward', t: 3 },
      { phase: 'backward', t: 2 },
      { phase: 'backward', t: 1 },
    ]);
    expect(momentAt(99, 3)).toEqual({ phase: 'backward', t: 1 });
  });

  it('labels wires with values computed so far going forward, gradients going backward', () => {
    const g = elman().doc();
    const r = compile(g);
    if (!r.ok) throw new Error('compile');
    const view = unrollView(r.plan, g, { steps: 3 });
    const trace = fakeTrace();
    const delayInto = (s: number) => view.edges.find((e) => e.kind === 'delay' && e.target === `a@s${s}`)!.id;
    const f1 = wireLabels(view, trace, { phase: 'forward', t: 1 });
    // h_1 → a_2 is computed at step 1: ‖h_1‖ = 1
    expect(f1.get(delayInto(2))).toEqual({ kind: 'value', text: '‖v‖ 1.00', norm: 1 });
    expect(f1.has(delayInto(3))).toBe(false);
    const f2 = wireLabels(view, trace, { phase: 'forward', t: 2 });
    expect(f2.get(delayInto(3))?.norm).toBe(2);
    expect(f2.size).toBeGreaterThan(f1.size);
    // ids are not labelled
    expect([...f2.keys()].some((id) => view.edges.find((e) => e.id === id)?.value === 'y.out')).toBe(false);
    const b3 = wireLabels(view, trace, { phase: 'backward', t: 3 });
    expect(b3.has(delayInto(2))).toBe(false);
    const b2 = wireLabels(view, trace, { phase: 'backward', t: 2 });
    expect(b2.get(delayInto(3))).toEqual({ kind: 'grad', text: '∂ 20.0', norm: 20 });
    // node values going forward only, up to the current step
    const v = nodeValues(view, trace, { phase: 'forward', t: 2 });
    expect(v.get('h@s2')).toBe('(0.200, 0.300…)');
    expect(v.has('h@s3')).toBe(false);
    expect(v.get('y@s1')).toBe('id 0');
    expect(nodeValues(view, trace, { phase: 'backward', t: 2 }).size).toBe(0);
  });
});
