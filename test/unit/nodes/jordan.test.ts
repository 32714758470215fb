import { describe, expect, it } from 'vitest';
import { fromValues } from '../../../src/engine/tensor';
import { ArgMax } from '../../../src/nodes/arg-max';
import { Jordan } from '../../../src/nodes/jordan';
import type { PortShape } from '../../../src/nodes/types';

const seq = (dim: number): PortShape => ({ role: 'sequence', dim, dtype: 'real' });
const attrs = (raw: Record<string, unknown>) => Jordan.params.parse(raw);

describe('Jordan (models.md "Output-recurrent (Jordan) RNN")', () => {
  it('owns U [H,I], W [H,O], b [H], V [O,H], c [O]', () => {
    expect(Jordan.paramTensors(attrs({ hidden: 6, size: 4 }), { in: seq(3) }).map((t) => [t.name, t.shape, t.init])).toEqual([
      ['U', [6, 3], 'glorot'],
      ['W', [6, 4], 'glorot'],
      ['b', [6], 'zeros'],
      ['V', [4, 6], 'glorot'],
      ['c', [4], 'zeros'],
    ]);
  });

  it('has a teacher input only with teacher forcing; its size must be O, and the error names it', () => {
    expect(Jordan.ports(attrs({})).map((p) => p.name)).toEqual(['in', 'o', 'h']);
    expect(Jordan.ports(attrs({ teacherForcing: true })).map((p) => p.name)).toEqual(['in', 'teacher', 'o', 'h']);
    const tf = attrs({ hidden: 5, size: 4, teacherForcing: true });
    expect(Jordan.shape(tf, { in: seq(3), teacher: seq(4) })).toEqual({ ok: true, outputs: { o: seq(4), h: seq(5) } });
    expect(Jordan.shape(tf, { in: seq(3) })).toEqual({ ok: true, outputs: {} });
    expect(Jordan.shape(tf, { in: seq(3), teacher: seq(3) })).toMatchObject({ ok: false, code: 'dim-mismatch', port: 'teacher' });
  });

  it('feeds back softmax(o), o, its arg-max one-hot, or the teacher, through a Delay with initial value 0', () => {
    const fed = (raw: Record<string, unknown>) => {
      const d = Jordan.decompose!(attrs({ hidden: 3, size: 4, ...raw }));
      expect(d.nodes.find((n) => n.id === 'f_prev')!.params).toEqual({ size: 4 });
      const into = d.edges.find((e) => e.target.node === 'f_prev');
      return into === undefined ? `outer ${Object.keys(d.inputs).find((k) => d.inputs[k].some((p) => p.node === 'f_prev'))}` : (d.nodes.find((n) => n.id === into.source.node)?.type ?? '');
    };
    expect(fed({})).toBe('Softmax');
    expect(fed({ feedback: 'logits' })).toBe('Linear');
    expect(fed({ feedback: 'argmax' })).toBe('ArgMax');
    expect(fed({ teacherForcing: true })).toBe('outer teacher');
  });
});

describe('ArgMax', () => {
  it('one-hot of the largest score, ties to the lowest index, no gradient', () => {
    const o = fromValues([2, 3], [0.1, 2, 2, -1, -3, -1]);
    const { outputs } = ArgMax.kernel!.forward({ in: o }, {}, {});
    expect(Array.from(outputs.out.data)).toEqual([0, 1, 0, 1, 0, 0]);
    const g = ArgMax.kernel!.backward({ out: fromValues([2, 3], [1, 1, 1, 1, 1, 1]) }, null, { in: o }, {}, {});
    expect(Array.from(g.inputs.in.data)).toEqual([0, 0, 0, 0, 0, 0]);
  });
});
