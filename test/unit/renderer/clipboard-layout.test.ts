import { describe, expect, it } from 'vitest';
import { applyEdit, createDocument, type Edit } from '../../../src/graph/edits';
import type { GraphDocument } from '../../../src/graph/document';
import { restore } from '../../../src/graph/restore';
import { serialize } from '../../../src/graph/serialize';
import { besideOffset, copyNodes, pasteEdit, wholeDocument } from '../../../renderer/store/clipboard';
import { DEFAULT_NODE_SIZE, layoutEdit } from '../../../renderer/store/layout';

/** The Elman RNN of the examples, built by edits. */
function elman(): GraphDocument {
  const edits: Edit[] = [
    { kind: 'addNode', node: { id: 'x', type: 'Input', position: { x: 0, y: 0 }, params: { size: 8 } } },
    { kind: 'addNode', node: { id: 'a', type: 'Linear', position: { x: 10, y: 10 }, params: { inputs: 2, units: 16 } } },
    { kind: 'addNode', node: { id: 'h', type: 'Tanh', position: { x: 20, y: 20 }, label: 'h' } },
    { kind: 'addNode', node: { id: 'state', type: 'Delay', position: { x: 30, y: 30 }, params: { size: 16 } } },
    { kind: 'connect', edge: { id: 'e1', source: { node: 'x', port: 'out' }, target: { node: 'a', port: 'in0' } } },
    { kind: 'connect', edge: { id: 'e2', source: { node: 'state', port: 'out' }, target: { node: 'a', port: 'in1' } } },
    { kind: 'connect', edge: { id: 'e3', source: { node: 'a', port: 'out' }, target: { node: 'h', port: 'in' } } },
    { kind: 'connect', edge: { id: 'e4', source: { node: 'h', port: 'out' }, target: { node: 'state', port: 'in' } } },
  ];
  const r = applyEdit(createDocument('Elman'), { kind: 'batch', edits });
  if (!r.ok) throw new Error(r.message);
  return r.doc;
}

function apply(doc: GraphDocument, edit: Edit): GraphDocument {
  const r = applyEdit(doc, edit);
  if (!r.ok) throw new Error(r.message);
  return r.doc;
}

describe('copy and paste', () => {
  it('copies the chosen nodes with the edges among them only', () => {
    const clip = copyNodes(elman(), ['a', 'h', 'nope']);
    expect(clip?.nodes.map((n) => n.id)).toEqual(['a', 'h']);
    expect(clip?.edges.map((e) => e.id)).toEqual(['e3']);
    expect(copyNodes(elman(), [])).toBeUndefined();
  });

  it('pastes with fresh ids, inner edges rewired, labels and params kept, moved by the offset, as one undoable batch', () => {
    const doc = elman();
    const clip = copyNodes(doc, ['a', 'h', 'state'])!;
    const { edit, ids } = pasteEdit(doc, clip, { x: 40, y: 40 });
    expect(edit.kind).toBe('batch');
    expect(ids).toEqual(['linear1', 'tanh1', 'delay1']);
    const r = applyEdit(doc, edit);
    if (!r.ok) throw new Error(r.message);
    const pasted = r.doc;
    expect(pasted.nodes).toHaveLength(7);
    expect(pasted.nodes.find((n) => n.id === 'linear1')).toMatchObject({ position: { x: 50, y: 50 }, params: { inputs: 2, units: 16 } });
    expect(pasted.nodes.find((n) => n.id === 'tanh1')?.label).toBe('h');
    const inner = pasted.edges.slice(doc.edges.length).map((e) => `${e.source.node}.${e.source.port}->${e.target.node}.${e.target.port}`);
    expect(inner.sort()).toEqual(['delay1.out->linear1.in1', 'linear1.out->tanh1.in', 'tanh1.out->delay1.in']);
    expect(new Set(pasted.edges.map((e) => e.id)).size).toBe(pasted.edges.length);
    // One undo step takes it all back.
    expect(apply(pasted, r.inverse)).toEqual(doc);
    // And the result saves and restores.
    const text = serialize(pasted);
    expect(text.ok && restore(text.text).ok).toBe(true);
  });

  it('pastes twice without id clashes and carries weights under the new names', () => {
    const weight = { shape: [1], dtype: 'float64' as const, data: 'AAAAAAAA8D8=' };
    const doc = apply(createDocument('w'), { kind: 'addNode', node: { id: 'd', type: 'Delay', position: { x: 0, y: 0 }, params: { size: 1, init: 'learned' } }, weights: { 'd.h0': weight } });
    const clip = copyNodes(doc, ['d'])!;
    expect(clip.weights).toEqual({ 'd.h0': weight });
    const once = apply(doc, pasteEdit(doc, clip, { x: 1, y: 1 }).edit);
    const second = pasteEdit(once, clip, { x: 2, y: 2 });
    expect(second.ids).toEqual(['delay2']);
    const twice = apply(once, second.edit);
    expect(Object.keys(twice.weights ?? {}).sort()).toEqual(['d.h0', 'delay1.h0', 'delay2.h0']);
  });

  it('imports a whole document beside the open one', () => {
    const doc = elman();
    const other = elman();
    const clip = wholeDocument(other);
    const offset = besideOffset(doc, clip);
    expect(offset).toEqual({ x: 30 + 240, y: 0 });
    const merged = apply(doc, pasteEdit(doc, clip, offset).edit);
    expect(merged.nodes).toHaveLength(8);
    expect(merged.edges).toHaveLength(8);
    expect(besideOffset(createDocument('empty'), clip)).toEqual({ x: 0, y: 0 });
  });
});

describe('auto-layout', () => {
  it('ranks nodes left to right along the edges, lays the Delay edge backwards, keeps the corner, and is one undo step', () => {
    const doc = elman();
    const edit = layoutEdit(doc, new Map())!;
    expect(edit.kind).toBe('batch');
    const laid = apply(doc, edit);
    const at = (id: string) => laid.nodes.find((n) => n.id === id)!.position;
    expect(at('x').x).toBeLessThan(at('a').x);
    expect(at('a').x).toBeLessThan(at('h').x);
    // The Delay comes after the cell it closes the loop of, not before the input.
    expect(at('state').x).toBeGreaterThan(at('a').x);
    expect(Math.min(...laid.nodes.map((n) => n.position.x))).toBe(0);
    expect(Math.min(...laid.nodes.map((n) => n.position.y))).toBe(0);
    // No overlaps at the default size.
    const { width, height } = DEFAULT_NODE_SIZE;
    for (const p of laid.nodes) {
      for (const q of laid.nodes) {
        if (p === q) continue;
        const overlap = p.position.x < q.position.x + width && q.position.x < p.position.x + width && p.position.y < q.position.y + height && q.position.y < p.position.y + height;
        expect(overlap, `${p.id} overlaps ${q.id}`).toBe(false);
      }
    }
    const undo = applyEdit(doc, edit);
    expect(undo.ok && apply(undo.doc, undo.inverse)).toEqual(doc);
    // Laying out a laid-out graph moves nothing.
    expect(layoutEdit(laid, new Map())).toBeUndefined();
    expect(layoutEdit(createDocument('empty'), new Map())).toBeUndefined();
  });

  it('uses measured sizes to keep wide nodes apart', () => {
    const doc = elman();
    const wide = new Map(doc.nodes.map((n) => [n.id, { width: 400, height: 60 }]));
    const laid = apply(doc, layoutEdit(doc, wide)!);
    const xs = laid.nodes.map((n) => n.position.x).sort((p, q) => p - q);
    const gaps = xs.slice(1).map((x, i) => x - xs[i]!).filter((g) => g > 0);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(400);
  });
});
