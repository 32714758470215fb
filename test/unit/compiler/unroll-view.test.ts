import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/compiler/compile';
import type { Plan } from '../../../src/compiler/plan';
import { documentPortValues, MAX_UNROLL_STEPS, unrollView, windowStart } from '../../../src/compiler/unroll-view';
import type { GraphDocument } from '../../../src/graph/document';
import { restore } from '../../../src/graph/restore';
import { elman, GraphBuilder } from './graph-builder';

function planOf(doc: Pick<GraphDocument, 'nodes' | 'edges'>): Plan {
  const r = compile(doc);
  if (!r.ok) throw new Error(r.problems.map((p) => p.message).join('; '));
  return r.plan;
}

function example(name: string): GraphDocument {
  const r = restore(JSON.parse(readFileSync(`examples/${name}.unroll.json`, 'utf8')));
  if (!r.ok) throw new Error(`${name} does not restore`);
  return r.doc;
}

/** Encoder GRU over x (source), decoder GRU with attention over the encoder states (target axis). */
function encdec(): GraphBuilder {
  return new GraphBuilder()
    .node('x', 'Input', { role: 'sequence', size: 3 })
    .node('dec_x', 'Input', { role: 'sequence', size: 2, axis: 'target' })
    .node('y', 'Input', { role: 'sequence', size: 3, axis: 'target', dtype: 'index' })
    .node('enc', 'GRU', { hidden: 4 })
    .node('s_prev', 'Delay', { size: 4 })
    .node('attn', 'Attention', { score: 'dot', attnSize: 3 })
    .node('cat', 'Concat', { inputs: 2 })
    .node('dec', 'GRU', { hidden: 4 })
    .node('out', 'Linear', { units: 3 })
    .node('loss', 'CrossEntropy')
    .node('last', 'LastStep')
    .edge('x.out', 'enc.in')
    .edge('enc.h', 'attn.memory')
    .edge('dec.h', 's_prev.in')
    .edge('s_prev.out', 'attn.query')
    .edge('dec_x.out', 'cat.in0')
    .edge('attn.context', 'cat.in1')
    .edge('cat.out', 'dec.in')
    .edge('dec.h', 'out.in0')
    .edge('out.out', 'loss.logits')
    .edge('y.out', 'loss.target')
    .edge('enc.h', 'last.in')
    .edge('last.out', 'dec.h0')
    .edge('last.out', 's_prev.init');
}

describe('unrollView', () => {
  it('draws an Elman RNN from gates as k columns, the Delay as edges from step t−1 to step t', () => {
    const g = elman().doc();
    const v = unrollView(planOf(g), g, { steps: 5 });
    expect(v.columns.filter((c) => c.kind === 'step').map((c) => c.key)).toEqual(['s1', 's2', 's3', 's4', 's5']);
    expect(v.twoAxes).toBe(false);
    expect(v.loops).toEqual([{ axis: 0, nodes: ['a', 'h'] }]);
    // every per-step document node once per step, the Delay never
    for (const id of ['x', 'y', 'a', 'h', 'o', 'loss']) expect(v.nodes.filter((n) => n.node === id)).toHaveLength(5);
    expect(v.nodes.some((n) => n.node === 'd')).toBe(false);
    expect(v.nodes.find((n) => n.id === 'h@s3')).toMatchObject({ kind: 'loop', loop: 0, step: 3, axis: 0 });
    expect(v.nodes.find((n) => n.id === 'o@s3')).toMatchObject({ kind: 'step' });
    // one row per document node, the same in every column
    const rows = new Set(v.nodes.filter((n) => n.node === 'h').map((n) => n.row));
    expect(rows.size).toBe(1);
    const delays = v.edges.filter((e) => e.kind === 'delay');
    expect(delays.map((e) => [e.source, e.target])).toEqual([
      ['h@s1', 'a@s2'],
      ['h@s2', 'a@s3'],
      ['h@s3', 'a@s4'],
      ['h@s4', 'a@s5'],
    ]);
    expect(delays.every((e) => e.label === 'd' && e.value === 'h.out' && e.port === 'in1')).toBe(true);
    expect(delays[1].valueStep).toBe(2);
    const within = v.edges.filter((e) => e.kind === 'within' && e.target === 'a@s2');
    expect(within.map((e) => e.source)).toEqual(['x@s2']);
  });

  it('caps k, cuts it to T and moves the window', () => {
    const g = elman().doc();
    const plan = planOf(g);
    expect(unrollView(plan, g, { steps: 100 }).steps).toBe(MAX_UNROLL_STEPS);
    expect(unrollView(plan, g, { steps: 8, T: 3 }).steps).toBe(3);
    const w = unrollView(plan, g, { steps: 3, first: 4 });
    expect(w.columns.map((c) => c.key)).toEqual(['s4', 's5', 's6']);
    // the first column shown has no Delay edge into it: step 3 is not drawn
    expect(w.edges.filter((e) => e.kind === 'delay').map((e) => e.target)).toEqual(['a@s5', 'a@s6']);
    expect(windowStart(2, 4)).toBe(1);
    expect(windowStart(7, 4)).toBe(4);
  });

  it('draws an LSTM cell as one node per step with its h and c states carried, and the LastStep readout once', () => {
    const doc = example('lstm-adding');
    const plan = planOf(doc);
    const v = unrollView(plan, doc, { steps: 4 });
    const cell = doc.nodes.find((n) => n.type === 'LSTM')!.id as string;
    expect(v.nodes.filter((n) => n.node === cell)).toHaveLength(4);
    expect(v.nodes.some((n) => n.node.startsWith(`${cell}.`))).toBe(false);
    const states = v.edges.filter((e) => e.kind === 'state');
    expect(new Set(states.map((e) => e.label))).toEqual(new Set(['h', 'c']));
    expect(states.filter((e) => e.target === `${cell}@s2`).map((e) => e.source)).toEqual([`${cell}@s1`, `${cell}@s1`]);
    expect(states.some((e) => e.target === `${cell}@s1`)).toBe(false);
    // the readout after LastStep: vectors in the last column, fed from the last step shown
    const post = v.columns.findIndex((c) => c.kind === 'post');
    expect(post).toBe(v.columns.length - 1);
    const last = v.nodes.find((n) => n.type === 'LastStep')!;
    expect(last.column).toBe(post);
    expect(v.edges.find((e) => e.target === last.id)).toMatchObject({ source: `${cell}@s4`, kind: 'vector', valueStep: 4 });
    expect(v.nodes.filter((n) => n.node === 'y')).toHaveLength(1);
  });

  it('shows an encoder–decoder as two loops on two axes, bridged by the encoder’s last state', () => {
    const g = encdec().doc();
    const plan = planOf(g);
    const v = unrollView(plan, g, { steps: 3 });
    expect(v.twoAxes).toBe(true);
    expect(v.columns.map((c) => c.key)).toEqual(['s1', 's2', 's3', 'mid', 't1', 't2', 't3']);
    expect(v.loops.map((l) => [l.axis, [...l.nodes].sort()])).toEqual([
      [0, ['enc']],
      [1, ['attn', 'cat', 'dec']],
    ]);
    expect(v.nodes.find((n) => n.id === 'dec@t2')).toMatchObject({ axis: 1, loop: 1 });
    expect(v.nodes.find((n) => n.node === 'last')?.id).toBe('last@mid');
    // the decoder state through s_prev, and its init from the encoder's last state into step 1
    expect(v.edges.filter((e) => e.kind === 'delay').map((e) => [e.source, e.target, e.label])).toEqual([
      ['dec@t1', 'attn@t2', 's_prev'],
      ['dec@t2', 'attn@t3', 's_prev'],
    ]);
    const inits = v.edges.filter((e) => e.kind === 'init');
    expect(inits.map((e) => [e.source, e.target]).sort()).toEqual([
      ['last@mid', 'attn@t1'],
      ['last@mid', 'dec@t1'],
    ]);
    // attention memory: the encoder's last step shown into every decoder step
    expect(v.edges.filter((e) => e.kind === 'memory').map((e) => e.source + '>' + e.target)).toEqual(['enc@s3>attn@t1', 'enc@s3>attn@t2', 'enc@s3>attn@t3']);
    // both cells carry their own h
    expect(v.edges.filter((e) => e.kind === 'state').map((e) => e.target)).toEqual(['enc@s2', 'enc@s3', 'dec@t2', 'dec@t3']);
  });

  it('maps document ports to plan values (a composite cell’s output to its inner value)', () => {
    const doc = example('elman-adding');
    const values = documentPortValues(planOf(doc), doc);
    expect(values.get('cell.h')).toBe('cell.h.out');
    expect(values.get('x.out')).toBe('x.out');
    expect(values.get('readout.out')).toBe('readout.out');
  });
});
