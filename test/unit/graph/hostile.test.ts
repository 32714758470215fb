import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GraphDocument } from '../../../src/graph/document';
import { restore, type RestoreResult } from '../../../src/graph/restore';
import { serialize } from '../../../src/graph/serialize';
import { documentArb } from './arbitraries';

/**
 * Broken and hostile documents by the thousand: restore() must never throw, every failure must say
 * where (`$`-rooted paths), and a document restored earlier must never change.
 */
const save = (doc: GraphDocument): string => {
  const s = serialize(doc);
  if (!s.ok) throw new Error(JSON.stringify(s.problems));
  return s.text;
};

const held = (() => {
  const doc = fc.sample(documentArb(6), { numRuns: 1, seed: 42 })[0]!;
  const r = restore(save(doc));
  if (!r.ok) throw new Error('the held document must restore');
  return { doc: r.doc, snapshot: save(r.doc) };
})();

function check(input: unknown): RestoreResult {
  let r: RestoreResult;
  try {
    r = restore(input);
  } catch (e) {
    throw new Error(`restore threw: ${String(e)}`);
  }
  if (!r.ok) {
    expect(r.problems.length).toBeGreaterThan(0);
    for (const p of r.problems) {
      expect(p.path.startsWith('$')).toBe(true);
      expect(typeof p.code).toBe('string');
      expect(p.message.length).toBeGreaterThan(0);
    }
  } else {
    expect(serialize(r.doc).ok).toBe(true); // whatever restores can be saved
  }
  expect(save(held.doc)).toBe(held.snapshot);
  return r;
}

/** Walks a parsed tree: every [container, key] pair. */
function slots(tree: unknown): [Record<string | number, unknown>, string | number][] {
  const out: [Record<string | number, unknown>, string | number][] = [];
  const stack = [tree];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    for (const k of Object.keys(v)) {
      const key = Array.isArray(v) ? Number(k) : k;
      out.push([v as Record<string | number, unknown>, key]);
      stack.push((v as Record<string, unknown>)[k]);
    }
  }
  return out;
}

const nanBase64 = Buffer.from(new Float32Array([NaN, 1]).buffer).toString('base64');

type Mutation = (tree: any, pick: number, payload: unknown) => void;
const MUTATIONS: Record<string, Mutation> = {
  replace: (t, pick, payload) => {
    const s = slots(t);
    if (s.length === 0) return;
    const [obj, key] = s[pick % s.length]!;
    obj[key] = payload;
  },
  remove: (t, pick) => {
    const s = slots(t);
    if (s.length === 0) return;
    const [obj, key] = s[pick % s.length]!;
    if (Array.isArray(obj)) obj.splice(key as number, 1);
    else delete obj[key];
  },
  protoKey: (t, pick, payload) => {
    const objs = slots(t).map(([o, k]) => o[k]).filter((v): v is object => typeof v === 'object' && v !== null && !Array.isArray(v));
    const target = objs.length > 0 ? objs[pick % objs.length]! : t;
    const key = ['__proto__', 'constructor', 'prototype'][pick % 3]!;
    Object.defineProperty(target, key, { value: payload, enumerable: true, writable: true, configurable: true });
  },
  unknownType: (t, pick) => {
    if (t.nodes?.length) t.nodes[pick % t.nodes.length].type = `Made${pick}Up`;
  },
  duplicateNode: (t, pick) => {
    if (t.nodes?.length) t.nodes.push({ ...t.nodes[pick % t.nodes.length] });
  },
  duplicateEdge: (t, pick) => {
    if (t.edges?.length) t.edges.push({ ...t.edges[pick % t.edges.length] });
  },
  danglingEdge: (t, pick) => {
    if (t.edges?.length) t.edges[pick % t.edges.length].source.node = 'nowhere';
  },
  nanWeight: (t, pick) => {
    if (t.nodes?.length) t.weights = { ...t.weights, [`${t.nodes[pick % t.nodes.length].id}.W`]: { shape: [2], dtype: 'float32', data: nanBase64 } };
  },
  badBase64: (t, pick) => {
    const names = Object.keys(t.weights ?? {});
    if (names.length) t.weights[names[pick % names.length]!].data = ['%%%%', 'AAA', 'AA=A', 'AAAAAAAA'][pick % 4];
  },
  hugeNumber: (t, pick, payload) => {
    const s = slots(t);
    if (s.length === 0) return;
    const [obj, key] = s[pick % s.length]!;
    obj[key] = [1e308 * 10, -1e308 * 10, NaN, 2 ** 1024, Number.MAX_SAFE_INTEGER * 2, typeof payload === 'number' ? payload : 1e300][pick % 6];
  },
};

describe('restore() against hostile input', () => {
  it('survives mutated documents (3,000 cases)', () => {
    fc.assert(
      fc.property(documentArb(6), fc.constantFrom(...Object.keys(MUTATIONS)), fc.nat(), fc.jsonValue({ maxDepth: 3 }), fc.boolean(), (doc, kind, pick, payload, asText) => {
        const tree = JSON.parse(save(doc));
        MUTATIONS[kind]!(tree, pick, payload);
        const r = check(asText ? JSON.stringify(tree) : tree);
        if (kind === 'protoKey' || (doc.nodes.length > 0 && (kind === 'unknownType' || kind === 'nanWeight'))) expect(r.ok).toBe(false);
        if (kind === 'protoKey' && !r.ok) expect(r.problems.some((p) => p.code === 'forbidden-key')).toBe(true);
        // (as text, JSON.stringify has already turned a non-finite number into null)
        if (kind === 'hugeNumber' && !asText && pick % 6 < 3) expect(r.ok).toBe(false);
        if (kind === 'hugeNumber' && !asText && pick % 6 < 4 && !r.ok) expect(r.problems.some((p) => p.code === 'non-finite-number')).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('survives truncated and spliced text (3,000 cases)', () => {
    fc.assert(
      fc.property(documentArb(5), fc.nat(), fc.nat(), fc.string({ maxLength: 8 }), (doc, a, b, junk) => {
        const text = save(doc);
        const cut = a % (text.length + 1);
        check(text.slice(0, cut));
        const at = b % (text.length + 1);
        check(text.slice(0, at) + junk + text.slice(at));
      }),
      { numRuns: 1500 },
    );
  });

  it('survives text-level attacks: 1e400, __proto__ keys, deep nesting (2,000 cases)', () => {
    fc.assert(
      fc.property(documentArb(4), fc.nat(), fc.constantFrom('1e400', '-1e400', '"__proto__"', 'deep', 'deepObject'), fc.integer({ min: 65, max: 100_000 }), (doc, pick, attack, depth) => {
        const text = save(doc);
        let bad: string;
        if (attack === 'deep') bad = text.replace('"nodes": [', `"nodes": [${'['.repeat(depth)}`);
        else if (attack === 'deepObject') bad = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
        else if (attack === '"__proto__"') {
          const keys = [...text.matchAll(/\n\s*"[A-Za-z]+":/g)];
          const k = keys[pick % keys.length]!;
          bad = text.slice(0, k.index) + '\n"__proto__": {"x": 1},' + text.slice(k.index);
        } else {
          const nums = [...text.matchAll(/: -?\d+(\.\d+)?(e[+-]?\d+)?/g)];
          const n = nums[pick % nums.length]!;
          bad = `${text.slice(0, n.index)}: ${attack}${text.slice(n.index! + n[0].length)}`;
        }
        const r = check(bad);
        expect(r.ok).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('survives random JSON and random values (2,000 cases)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.jsonValue().map((v) => ({ format: 'unroll.graph', version: 1, ...(typeof v === 'object' && v !== null ? v : { v }) })), fc.anything({ withBigInt: true, withMap: true, withSet: true, withDate: true, withTypedArray: true, withNullPrototype: true, withBoxedValues: true, withSparseArray: true })), (v) => {
        check(v);
      }),
      { numRuns: 2000 },
    );
  });
});
