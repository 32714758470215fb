import { describe, expect, it } from 'vitest';
import { validateGraph } from '../../../src/compiler';
import { elman, GraphBuilder } from './graph-builder';

const seq = (dim: number) => ({ role: 'sequence', dim, dtype: 'real' });

describe('validateGraph: an Elman RNN built from gates', () => {
  it('has no problems and the right shapes', () => {
    const v = validateGraph(elman().doc());
    expect(v.problems).toEqual([]);
    expect(Object.fromEntries(v.shapes)).toEqual({
      'x.out': seq(3),
      'y.out': { role: 'sequence', dim: 4, dtype: 'index' },
      'a.out': seq(5),
      'h.out': seq(5),
      'd.out': { role: 'state', dim: 5, dtype: 'real' },
      'o.out': seq(4),
      'loss.loss': { role: 'scalar', dim: 0, dtype: 'real' },
    });
  });

  it('orders the nodes topologically with the Delay edge cut', () => {
    const { order } = validateGraph(elman().doc());
    expect([...order].sort()).toEqual(['a', 'd', 'h', 'loss', 'o', 'x', 'y']);
    const at = (id: string) => order.indexOf(id as never);
    for (const [before, after] of [['x', 'a'], ['d', 'a'], ['a', 'h'], ['h', 'o'], ['o', 'loss'], ['y', 'loss']]) expect(at(before)).toBeLessThan(at(after));
  });

  it('without the Delay reports one cycle-without-delay naming both nodes of the cycle, and nothing more', () => {
    const v = validateGraph(elman({ delay: false }).doc());
    expect(v.problems).toHaveLength(1);
    const [p] = v.problems;
    expect(p).toMatchObject({ code: 'cycle-without-delay', nodeId: 'a', nodes: ['a', 'h'] });
    expect(p.message).toMatch(/"a", "h".*Delay/);
    expect(v.shapes.has('a.out')).toBe(false);
    expect(v.shapes.has('o.out')).toBe(false);
    expect(v.order).not.toContain('a');
  });
});

describe('validateGraph: cycles', () => {
  it('names every node of a longer cycle, however the cycle is entered', () => {
    const g = new GraphBuilder()
      .node('x', 'Input', { size: 2 })
      .node('p', 'Add')
      .node('q', 'Sigmoid')
      .node('r', 'Multiply')
      .node('s', 'Tanh')
      .edge('x.out', 'p.in0')
      .edge('p.out', 'q.in')
      .edge('q.out', 'r.in0')
      .edge('x.out', 'r.in1')
      .edge('r.out', 's.in')
      .edge('s.out', 'p.in1');
    const cycles = validateGraph(g.doc()).problems.filter((p) => p.code === 'cycle-without-delay');
    expect(cycles).toHaveLength(1);
    expect(cycles[0].nodes).toEqual(['p', 'q', 'r', 's']);
  });

  it('reports a node feeding itself', () => {
    const g = new GraphBuilder().node('x', 'Input').node('m', 'Multiply').edge('x.out', 'm.in0').edge('m.out', 'm.in1');
    expect(validateGraph(g.doc()).problems).toEqual([expect.objectContaining({ code: 'cycle-without-delay', nodeId: 'm', nodes: ['m'] })]);
  });

  it('accepts a Delay feeding itself and a Delay of a Delay (h_{t−2})', () => {
    const g = new GraphBuilder()
      .node('x', 'Input', { size: 2 })
      .node('d1', 'Delay', { size: 2 })
      .node('d2', 'Delay', { size: 2 })
      .node('k', 'Delay', { size: 2, init: 'learned' })
      .node('sum', 'Add', { inputs: 3 })
      .edge('x.out', 'd1.in')
      .edge('d1.out', 'd2.in')
      .edge('k.out', 'k.in')
      .edge('x.out', 'sum.in0')
      .edge('d2.out', 'sum.in1')
      .edge('k.out', 'sum.in2');
    const v = validateGraph(g.doc());
    expect(v.problems).toEqual([]);
    expect(v.shapes.get('sum.out')).toEqual(seq(2));
  });
});

describe('validateGraph: each problem names its node and port', () => {
  it('unknown-node-type, without follow-up errors on its edges or downstream', () => {
    const g = new GraphBuilder().node('x', 'Input').node('c', 'GRUish').node('t', 'Tanh').edge('x.out', 'c.in').edge('c.out', 't.in');
    expect(validateGraph(g.doc()).problems).toEqual([
      { code: 'unknown-node-type', nodeId: 'c', message: 'Node "c" has the unknown type "GRUish"; replace it with a known node kind' },
    ]);
  });

  it('invalid-params', () => {
    const v = validateGraph(new GraphBuilder().node('l', 'Linear', { units: 0 }).doc());
    expect(v.problems).toEqual([expect.objectContaining({ code: 'invalid-params', nodeId: 'l' })]);
    expect(v.problems[0].message).toMatch(/units/);
  });

  it('duplicate-node-id', () => {
    const v = validateGraph(new GraphBuilder().node('x', 'Input').node('x', 'Input').doc());
    expect(v.problems).toEqual([expect.objectContaining({ code: 'duplicate-node-id', nodeId: 'x' })]);
  });

  it('unknown-node: an edge to a node that is not there', () => {
    const g = new GraphBuilder().node('x', 'Input').edge('x.out', 'ghost.in', 'e7');
    expect(validateGraph(g.doc()).problems).toEqual([expect.objectContaining({ code: 'unknown-node', nodeId: 'ghost', edgeId: 'e7' })]);
  });

  it('unknown-port: a port the node does not have, listing the ones it has', () => {
    const g = elman().edge('x.out', 'a.in2', 'extra');
    const [p] = validateGraph(g.doc()).problems;
    expect(p).toMatchObject({ code: 'unknown-port', nodeId: 'a', port: 'in2', edgeId: 'extra' });
    expect(p.message).toContain('"in0", "in1"');
  });

  it('unknown-port on the source end only: the input still counts as connected', () => {
    const g = new GraphBuilder().node('x', 'Input').node('t', 'Tanh').edge('x.nope', 't.in', 'en');
    expect(validateGraph(g.doc()).problems).toEqual([expect.objectContaining({ code: 'unknown-port', nodeId: 'x', port: 'nope', edgeId: 'en' })]);
  });

  it('unknown-port: an edge leaving from an input', () => {
    const g = elman().node('t', 'Tanh').edge('a.in0', 't.in', 'backwards');
    const [p] = validateGraph(g.doc()).problems;
    expect(p).toMatchObject({ code: 'unknown-port', nodeId: 'a', port: 'in0', edgeId: 'backwards' });
    expect(p.message).toMatch(/is an input/);
  });

  it('duplicate-input: a second edge into one input names both edges', () => {
    const g = elman().node('x2', 'Input', { size: 3 }).edge('x2.out', 'a.in0', 'second');
    const problems = validateGraph(g.doc()).problems;
    expect(problems).toEqual([expect.objectContaining({ code: 'duplicate-input', nodeId: 'a', port: 'in0', edgeId: 'second' })]);
    expect(problems[0].message).toMatch(/"e0" and "second"/);
  });

  it('missing-input: a required input without an edge', () => {
    const g = new GraphBuilder().node('x', 'Input').node('l', 'Linear', { inputs: 2 }).edge('x.out', 'l.in1');
    const problems = validateGraph(g.doc()).problems;
    expect(problems).toEqual([expect.objectContaining({ code: 'missing-input', nodeId: 'l', port: 'in0' })]);
  });

  it('incompatible-roles: a vector into a Delay (no time axis)', () => {
    const g = new GraphBuilder().node('v', 'Input', { role: 'vector', size: 4 }).node('d', 'Delay', { size: 4 }).node('t', 'Tanh').edge('v.out', 'd.in', 'ev').edge('d.out', 't.in');
    const v = validateGraph(g.doc());
    expect(v.problems).toEqual([expect.objectContaining({ code: 'incompatible-roles', nodeId: 'd', port: 'in', edgeId: 'ev' })]);
    expect(v.problems[0].message).toMatch(/Delay node "d": input "in" takes a sequence or state, but receives a vector/);
  });

  it('incompatible-roles: sequence logits against per-sample targets', () => {
    const g = elman();
    (g.nodes.find((n) => n.id === 'y')!.params as Record<string, unknown>).role = 'vector';
    expect(validateGraph(g.doc()).problems).toEqual([expect.objectContaining({ code: 'incompatible-roles', nodeId: 'loss', port: 'target', edgeId: 'e4' })]);
  });

  it('incompatible-dtype: class ids into a Linear', () => {
    const g = new GraphBuilder().node('tok', 'Input', { dtype: 'index', size: 10 }).node('l', 'Linear').edge('tok.out', 'l.in0');
    expect(validateGraph(g.doc()).problems).toEqual([expect.objectContaining({ code: 'incompatible-dtype', nodeId: 'l', port: 'in0' })]);
  });

  it('dim-mismatch: element-wise inputs of different sizes, naming the port', () => {
    const g = new GraphBuilder().node('a', 'Input', { size: 3 }).node('b', 'Input', { size: 4 }).node('m', 'Multiply').edge('a.out', 'm.in0').edge('b.out', 'm.in1', 'eb');
    const v = validateGraph(g.doc());
    expect(v.problems).toEqual([expect.objectContaining({ code: 'dim-mismatch', nodeId: 'm', port: 'in1', edgeId: 'eb' })]);
    expect(v.shapes.has('m.out')).toBe(false);
  });

  it('dim-mismatch: a class count that differs from the logits', () => {
    const g = elman();
    (g.nodes.find((n) => n.id === 'y')!.params as Record<string, unknown>).size = 7;
    const [p] = validateGraph(g.doc()).problems;
    expect(p).toMatchObject({ code: 'dim-mismatch', nodeId: 'loss', port: 'target' });
    expect(p.message).toMatch(/7 classes.*"logits" has 4/);
  });

  it("dim-mismatch: a recurrent value whose size differs from the Delay's, checked after the recurrence", () => {
    const g = elman();
    (g.nodes.find((n) => n.id === 'd')!.params as Record<string, unknown>).size = 6;
    const problems = validateGraph(g.doc()).problems;
    // The Delay's own size (6) flows into a.in1 without error (W1 is [5, 6]); its input h (5) does not fit.
    expect(problems).toEqual([expect.objectContaining({ code: 'dim-mismatch', nodeId: 'd', port: 'in' })]);
    expect(problems[0].message).toContain('set its size to 5');
  });
});
