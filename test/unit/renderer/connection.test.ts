import { describe, expect, it } from 'vitest';
import { applyEdit, createDocument } from '../../../src/graph/edits';
import type { GraphDocument } from '../../../src/graph/document';
import { validateGraph } from '../../../src/compiler';
import { checkConnection, edgeBadge } from '../../../renderer/store/connection';

function build(): GraphDocument {
  let doc = createDocument('t');
  const add = (id: string, type: string, params: Record<string, unknown>) => {
    const r = applyEdit(doc, { kind: 'addNode', node: { id, type, version: 1, position: { x: 0, y: 0 }, params } });
    if (!r.ok) throw new Error(r.message);
    doc = r.doc;
  };
  add('x', 'Input', { role: 'sequence', size: 3 });
  add('ids', 'Input', { role: 'sequence', size: 5, dtype: 'index' });
  add('v', 'Input', { role: 'vector', size: 3 });
  add('lin', 'Linear', { inputs: 1, units: 4 });
  add('last', 'LastStep', {});
  return doc;
}

describe('checkConnection (wires validated while dragging)', () => {
  const doc = build();
  const { shapes } = validateGraph(doc);

  it('accepts a real sequence into a Linear input', () => {
    expect(checkConnection(doc, shapes, 'x', 'out', 'lin', 'in0')).toEqual({ ok: true });
  });

  it('refuses class ids into a real-valued input, saying why', () => {
    const r = checkConnection(doc, shapes, 'ids', 'out', 'lin', 'in0');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/ids\.out gives class ids, but lin\.in0 takes real values/);
  });

  it('refuses a vector into a sequence-only input, saying why', () => {
    const r = checkConnection(doc, shapes, 'v', 'out', 'last', 'in');
    expect(!r.ok && r.reason).toMatch(/v\.out gives a vector \(B,3\), but last\.in takes sequence/);
  });

  it("passes on the document's own refusals (self-loop, unknown port)", () => {
    expect(checkConnection(doc, shapes, 'lin', 'out', 'lin', 'in0').ok).toBe(false);
    expect(checkConnection(doc, shapes, 'x', 'out', 'lin', 'nope').ok).toBe(false);
  });

  it('badges an edge with the shape its source carries', () => {
    expect(edgeBadge(shapes, 'x', 'out')).toBe('(B,T,3)');
    expect(edgeBadge(shapes, 'ids', 'out')).toBe('(B,T,5) ids');
    expect(edgeBadge(shapes, 'lin', 'out')).toBeUndefined();
  });
});
