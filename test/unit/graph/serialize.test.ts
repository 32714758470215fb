import { describe, expect, it } from 'vitest';
import type { GraphDocument } from '../../../src/graph/document';
import { applyEdit, createDocument } from '../../../src/graph/edits';
import { serialize } from '../../../src/graph/serialize';

function doc(): GraphDocument {
  const r = applyEdit(createDocument('s'), {
    kind: 'batch',
    edits: [
      { kind: 'addNode', node: { id: 'lin', type: 'Linear', position: { x: 1, y: 2 }, params: { units: 3 } } },
      { kind: 'addNode', node: { id: 'act', type: 'Tanh', position: { x: 3, y: 4 } } },
      { kind: 'connect', edge: { id: 'e1', source: { node: 'lin', port: 'out' }, target: { node: 'act', port: 'in' } } },
    ],
  });
  if (!r.ok) throw new Error(r.message);
  return r.doc;
}

const fail = (d: unknown) => {
  const r = serialize(d as GraphDocument);
  if (r.ok) throw new Error('expected serialize to refuse');
  return r.problems.map((p) => `${p.path} ${p.code}`);
};

describe('serialize()', () => {
  it('writes pretty JSON with a stable key order, whatever the order in memory', () => {
    const d = doc();
    const shuffled = { weights: undefined, edges: d.edges, nodes: d.nodes.map((n) => ({ params: n.params, position: { y: n.position.y, x: n.position.x }, version: n.version, type: n.type, id: n.id })), meta: d.meta, version: d.version, format: d.format };
    const a = serialize(d);
    const b = serialize(shuffled as unknown as GraphDocument);
    expect(a).toEqual(b);
    expect(a.ok && a.text.startsWith('{\n  "format": "unroll.graph",\n  "version": 1,\n  "meta": {')).toBe(true);
    expect(a.ok && a.text).toContain('"params": {\n        "bias": true,\n        "inputs": 1,\n        "units": 3\n      }');
    expect(a.ok && a.text.endsWith('}\n')).toBe(true);
  });

  it('writes -0 as -0 and arrays of numbers on one line', () => {
    const d = doc();
    const withZero = { ...d, nodes: [{ ...d.nodes[0]!, position: { x: -0, y: 1e-320 } }, d.nodes[1]!], weights: { 'lin.b': { shape: [3], dtype: 'float32', data: 'AAAAAAAAAAAAAAAA' } } };
    const r = serialize(withZero as GraphDocument);
    expect(r.ok && r.text).toContain('"x": -0');
    expect(r.ok && r.text).toContain('"y": 1e-320');
    expect(r.ok && r.text).toContain('"shape": [3]');
  });

  it('refuses non-finite numbers anywhere, naming each', () => {
    const d = doc();
    const bad = {
      ...d,
      nodes: [{ ...d.nodes[0]!, position: { x: NaN, y: 0 }, params: { ...d.nodes[0]!.params, units: Infinity } }, d.nodes[1]!],
      meta: { name: 'x', tags: [] },
    };
    expect(fail(bad)).toEqual(['$.nodes[0].position.x non-finite-number', '$.nodes[0].params.units non-finite-number']);
  });

  it('refuses weights that decode to NaN, or do not match their shape', () => {
    const nan = Buffer.from(new Float64Array([1, NaN]).buffer).toString('base64');
    const d = { ...doc(), weights: { 'lin.W0': { shape: [2], dtype: 'float64', data: nan }, 'lin.b': { shape: [4], dtype: 'float32', data: 'AAAAAA==' } } };
    expect(fail(d)).toEqual(['$.weights["lin.W0"].data weight-non-finite', '$.weights["lin.b"].data weight-size-mismatch']);
  });

  it('refuses values JSON cannot hold, cycles and documents the schema refuses', () => {
    const d = doc() as unknown as Record<string, unknown>;
    expect(fail({ ...d, meta: { name: 'x', tags: [undefined] } })).toContain('$.meta.tags[0] not-json-value');
    expect(fail({ ...d, meta: { name: 10n } })).toEqual(['$.meta.name not-json-value']);
    const cyclic: Record<string, unknown> = { name: 'c' };
    cyclic.self = cyclic;
    expect(fail({ ...d, meta: cyclic })[0]).toMatch(/too-deep$/);
    expect(fail({ ...d, format: 'other' })).toEqual(['$.format schema-invalid-value']);
  });
});
