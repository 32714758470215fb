import { describe, expect, it } from 'vitest';
import { validateGraph } from '../../../src/compiler';
import { GraphBuilder } from './graph-builder';

describe('validateGraph on large graphs', () => {
  it('validates a 300-node stack of 100 recurrent layers with no problems', () => {
    const g = new GraphBuilder().node('x', 'Input', { size: 8 });
    let prev = 'x.out';
    for (let l = 0; l < 100; l++) {
      g.node(`a${l}`, 'Linear', { inputs: 2, units: 8 }).node(`h${l}`, 'Tanh').node(`d${l}`, 'Delay', { size: 8 });
      g.edge(prev, `a${l}.in0`).edge(`d${l}.out`, `a${l}.in1`).edge(`a${l}.out`, `h${l}.in`).edge(`h${l}.out`, `d${l}.in`);
      prev = `h${l}.out`;
    }
    const v = validateGraph(g.doc());
    expect(v.problems).toEqual([]);
    expect(v.order).toHaveLength(301);
    expect(v.shapes.get('h99.out')).toEqual({ role: 'sequence', dim: 8, dtype: 'real' });
  });

  it('handles a 10000-node chain and a 5000-node cycle without deep recursion', () => {
    const chain = new GraphBuilder().node('n0', 'Input', { size: 2 });
    for (let i = 1; i < 10000; i++) chain.node(`n${i}`, 'Tanh').edge(`n${i - 1}.out`, `n${i}.in`);
    const v = validateGraph(chain.doc());
    expect(v.problems).toEqual([]);
    expect(v.shapes.get('n9999.out')).toEqual({ role: 'sequence', dim: 2, dtype: 'real' });

    const ring = new GraphBuilder();
    for (let i = 0; i < 5000; i++) ring.node(`r${i}`, 'Sigmoid').edge(`r${i}.out`, `r${(i + 1) % 5000}.in`);
    const [p, ...rest] = validateGraph(ring.doc()).problems;
    expect(rest).toEqual([]);
    expect(p.code).toBe('cycle-without-delay');
    expect(p.nodes).toHaveLength(5000);
  });
});
