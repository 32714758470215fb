import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { restore } from '../../../src/graph/restore';
import { serialize } from '../../../src/graph/serialize';
import { decodeWeight } from '../../../src/graph/weights';
import { documentArb } from './arbitraries';

function save(doc: Parameters<typeof serialize>[0]): string {
  const s = serialize(doc);
  if (!s.ok) throw new Error(JSON.stringify(s.problems));
  return s.text;
}

describe('save → restore round trip', () => {
  it('restores exactly what was saved, weights bit for bit', () => {
    fc.assert(
      fc.property(documentArb(), (doc) => {
        const text = save(doc);
        const r = restore(text);
        if (!r.ok) throw new Error(JSON.stringify(r.problems));
        expect(r.warnings).toEqual([]);
        expect(r.doc).toEqual(doc);
        r.doc.nodes.forEach((n, i) => {
          expect(Object.is(n.position.x, doc.nodes[i]!.position.x) && Object.is(n.position.y, doc.nodes[i]!.position.y)).toBe(true); // -0 stays -0
        });
        for (const [name, w] of Object.entries(doc.weights ?? {})) {
          const a = decodeWeight(w);
          const b = decodeWeight(r.doc.weights![name as keyof typeof r.doc.weights]!);
          expect(b.constructor).toBe(a.constructor);
          expect(new Uint8Array(b.buffer, b.byteOffset, b.byteLength)).toEqual(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('restore → serialize → restore is stable: the same text and the same document', () => {
    fc.assert(
      fc.property(documentArb(), (doc) => {
        const text = save(doc);
        const first = restore(text);
        if (!first.ok) throw new Error(JSON.stringify(first.problems));
        const again = save(first.doc);
        expect(again).toBe(text);
        const second = restore(again);
        expect(second.ok && second.doc).toEqual(first.doc);
      }),
      { numRuns: 200 },
    );
  });

  it('accepts already-parsed data as well as text, and never shares objects with the input', () => {
    fc.assert(
      fc.property(documentArb(4), (doc) => {
        const data = JSON.parse(save(doc)) as Record<string, unknown>;
        const r = restore(data);
        if (!r.ok) throw new Error(JSON.stringify(r.problems));
        expect(r.doc).not.toBe(data);
        expect(r.doc.nodes).not.toBe(data.nodes);
        expect(r.doc.meta).not.toBe(data.meta);
        (data.meta as Record<string, unknown>).name = 'changed afterwards';
        expect(r.doc.meta.name).not.toBe('changed afterwards');
      }),
      { numRuns: 50 },
    );
  });

  it('returns a deep-frozen document of ordinary objects', () => {
    const r = restore(save(fc.sample(documentArb(), { numRuns: 1, seed: 7 })[0]!));
    if (!r.ok) throw new Error('restore failed');
    expect(Object.isFrozen(r.doc)).toBe(true);
    expect(Object.isFrozen(r.doc.nodes)).toBe(true);
    expect(Object.isFrozen(r.doc.meta)).toBe(true);
    expect(Object.getPrototypeOf(r.doc)).toBe(Object.prototype);
    for (const n of r.doc.nodes) {
      expect(Object.isFrozen(n.params)).toBe(true);
      expect(Object.isFrozen(n.position)).toBe(true);
    }
  });
});
