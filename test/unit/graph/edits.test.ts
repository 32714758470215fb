import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GraphDocument } from '../../../src/graph/document';
import { applyEdit, createDocument, newEdgeId, newNodeId, type Edit } from '../../../src/graph/edits';
import { restore } from '../../../src/graph/restore';
import { serialize } from '../../../src/graph/serialize';
import { encodeWeight } from '../../../src/graph/weights';
import { NODE_TYPES, spec } from './arbitraries';

function apply(doc: GraphDocument, ...edits: Edit[]): GraphDocument {
  for (const e of edits) {
    const r = applyEdit(doc, e);
    if (!r.ok) throw new Error(`${r.code}: ${r.message}`);
    doc = r.doc;
  }
  return doc;
}
const add = (id: string, type: string, params: Record<string, unknown> = {}): Edit => ({ kind: 'addNode', node: { id, type, position: { x: 0, y: 0 }, params } });
const link = (id: string, s: string, sp: string, t: string, tp: string): Edit => ({ kind: 'connect', edge: { id, source: { node: s, port: sp }, target: { node: t, port: tp } } });
const refused = (doc: GraphDocument, edit: Edit) => {
  const r = applyEdit(doc, edit);
  if (r.ok) throw new Error(`expected ${edit.kind} to be refused`);
  return r;
};

/** x → rnn.in0, h.out → rnn.in1, rnn → act → h (an Elman loop), with weights on rnn. */
function elman(): GraphDocument {
  const doc = apply(createDocument('elman'), add('x', 'Input', { size: 3 }), add('rnn', 'Linear', { inputs: 2, units: 4 }), add('act', 'Tanh'), add('h', 'Delay', { size: 4 }), link('e1', 'x', 'out', 'rnn', 'in0'), link('e2', 'h', 'out', 'rnn', 'in1'), link('e3', 'rnn', 'out', 'act', 'in'), link('e4', 'act', 'out', 'h', 'in'));
  const w = encodeWeight('rnn.b', [4], new Float32Array([0.5, -0, 1e-40, 2]));
  if (!w.ok) throw new Error('weight');
  return { ...doc, weights: { ['rnn.b' as never]: w.weight } };
}

/** Applies `edit`, then its inverse, and expects the original back. */
function roundTrip(doc: GraphDocument, edit: Edit): GraphDocument {
  const r = applyEdit(doc, edit);
  if (!r.ok) throw new Error(`${r.code}: ${r.message}`);
  const back = applyEdit(r.doc, r.inverse);
  if (!back.ok) throw new Error(`inverse refused: ${back.code}: ${back.message}`);
  expect(back.doc).toEqual(doc);
  return r.doc;
}

describe('createDocument, newNodeId, newEdgeId', () => {
  it('creates an empty document that restores', () => {
    const doc = createDocument('My net');
    expect(doc).toEqual({ format: 'unroll.graph', version: 1, meta: { name: 'My net' }, nodes: [], edges: [] });
    expect(restore(serialize(doc).ok && (serialize(doc) as { text: string }).text).ok).toBe(true);
  });
  it('gives readable fresh ids', () => {
    let doc = createDocument('n');
    expect(newNodeId(doc, 'Linear')).toBe('linear1');
    doc = apply(doc, add('linear1', 'Linear'), add('linear3', 'Linear'));
    expect(newNodeId(doc, 'Linear')).toBe('linear2');
    expect(newNodeId(doc, 'CrossEntropy')).toBe('crossentropy1');
    expect(newNodeId(doc, '1 weird type!')).toBe('n1weirdtype1');
    expect(newEdgeId(elman())).toBe('e5');
  });
});

describe('applyEdit: each kind', () => {
  it('addNode fills defaults and refuses bad nodes', () => {
    const doc = apply(createDocument('n'), add('l', 'Linear', { units: 8 }));
    expect(doc.nodes[0]).toEqual({ id: 'l', type: 'Linear', version: 1, position: { x: 0, y: 0 }, params: { inputs: 1, units: 8, bias: true } });
    expect(refused(doc, add('l', 'Tanh')).code).toBe('duplicate-id');
    expect(refused(doc, add('9lives', 'Tanh')).code).toBe('invalid-id');
    expect(refused(doc, add('m', 'Warp')).message).toContain('"Warp"');
    expect(refused(doc, add('m', 'Linear', { units: 0 }))).toMatchObject({ code: 'invalid-param', message: expect.stringContaining('units') });
    expect(refused(doc, add('m', 'Linear', { width: 3 })).code).toBe('unknown-param');
    expect(refused(doc, { kind: 'addNode', node: { id: 'm', type: 'Tanh', position: { x: NaN, y: 0 } } }).code).toBe('invalid-position');
    expect(refused(doc, { kind: 'addNode', node: { id: 'm', type: 'Tanh', position: { x: 0, y: 0 } }, index: 5 }).code).toBe('invalid-index');
    expect(refused(doc, { kind: 'addNode', node: { id: 'm', type: 'Tanh', position: { x: 0, y: 0 } }, weights: { 'l.W0': { shape: [1], dtype: 'float32', data: 'AAAAAA==' } } }).code).toBe('invalid-weight');
    roundTrip(doc, add('t', 'Tanh'));
  });

  it('removeNode removes its edges and weights, and undo puts them back in place', () => {
    const doc = elman();
    const r = applyEdit(doc, { kind: 'removeNode', id: 'rnn' });
    if (!r.ok) throw new Error(r.message);
    expect(r.doc.nodes.map((n) => n.id)).toEqual(['x', 'act', 'h']);
    expect(r.doc.edges.map((e) => e.id)).toEqual(['e4']);
    expect(r.doc.weights).toEqual({});
    roundTrip(doc, { kind: 'removeNode', id: 'rnn' });
    roundTrip(doc, { kind: 'removeNode', id: 'x' });
    expect(refused(doc, { kind: 'removeNode', id: 'ghost' }).code).toBe('unknown-node');
  });

  it('moveNode', () => {
    const doc = elman();
    const moved = roundTrip(doc, { kind: 'moveNode', id: 'act', position: { x: -0, y: 5e-324 } });
    expect(Object.is(moved.nodes[2]!.position.x, -0)).toBe(true);
    expect(refused(doc, { kind: 'moveNode', id: 'act', position: { x: Infinity, y: 0 } }).code).toBe('invalid-position');
    expect(refused(doc, { kind: 'moveNode', id: 'nope', position: { x: 0, y: 0 } }).code).toBe('unknown-node');
  });

  it('connect refuses unknown nodes and ports, wrong directions, occupied inputs, self-loops', () => {
    const doc = apply(elman(), add('out', 'Linear', { units: 2 }));
    roundTrip(doc, link('e9', 'act', 'out', 'out', 'in0'));
    expect(refused(doc, link('e9', 'ghost', 'out', 'out', 'in0')).code).toBe('unknown-node');
    expect(refused(doc, link('e9', 'act', 'y', 'out', 'in0')).code).toBe('unknown-port');
    expect(refused(doc, link('e9', 'act', 'out', 'out', 'in1')).message).toContain('its inputs are: in0');
    expect(refused(doc, link('e9', 'act', 'out', 'out', 'out')).code).toBe('port-direction'); // out → out
    expect(refused(doc, link('e9', 'act', 'in', 'out', 'in0')).code).toBe('port-direction'); // in → in
    expect(refused(doc, link('e9', 'x', 'out', 'rnn', 'in0'))).toMatchObject({ code: 'port-occupied', message: expect.stringContaining('"e1"') });
    expect(refused(doc, link('e9', 'out', 'out', 'out', 'in0')).code).toBe('self-loop');
    expect(refused(doc, link('e1', 'act', 'out', 'out', 'in0')).code).toBe('duplicate-id');
    expect(refused(doc, link('e 9', 'act', 'out', 'out', 'in0')).code).toBe('invalid-id');
  });

  it('disconnect', () => {
    const doc = elman();
    const after = roundTrip(doc, { kind: 'disconnect', id: 'e2' });
    expect(after.edges.map((e) => e.id)).toEqual(['e1', 'e3', 'e4']);
    expect(refused(doc, { kind: 'disconnect', id: 'e99' }).code).toBe('unknown-edge');
  });

  it('setParam validates with the kind schema and keeps edges on existing ports', () => {
    const doc = elman();
    const wider = roundTrip(doc, { kind: 'setParam', node: 'rnn', name: 'units', value: 32 });
    expect(wider.nodes[1]!.params.units).toBe(32);
    roundTrip(doc, { kind: 'setParam', node: 'rnn', name: 'inputs', value: 3 });
    expect(refused(doc, { kind: 'setParam', node: 'rnn', name: 'units', value: -1 })).toMatchObject({ code: 'invalid-param', message: expect.stringContaining('units') });
    expect(refused(doc, { kind: 'setParam', node: 'rnn', name: 'units', value: 'many' }).code).toBe('invalid-param');
    expect(refused(doc, { kind: 'setParam', node: 'rnn', name: 'gain', value: 1 }).code).toBe('unknown-param');
    expect(refused(doc, { kind: 'setParam', node: 'rnn', name: 'inputs', value: 1 })).toMatchObject({ code: 'port-in-use', message: expect.stringContaining('"e2"') });
    expect(refused(doc, { kind: 'setParam', node: 'ghost', name: 'units', value: 1 }).code).toBe('unknown-node');
  });

  it('setLabel sets and removes labels', () => {
    const doc = elman();
    const labelled = roundTrip(doc, { kind: 'setLabel', node: 'act', label: 'h(t)' });
    expect(labelled.nodes[2]!.label).toBe('h(t)');
    const cleared = roundTrip(labelled, { kind: 'setLabel', node: 'act', label: undefined });
    expect('label' in cleared.nodes[2]!).toBe(false);
    expect(refused(doc, { kind: 'setLabel', node: 'act', label: 'x'.repeat(201) }).code).toBe('invalid-label');
    expect(refused(doc, { kind: 'setLabel', node: 'nope', label: 'a' }).code).toBe('unknown-node');
  });

  it('batch is all or nothing and undoes in reverse order', () => {
    const doc = elman();
    roundTrip(doc, { kind: 'batch', edits: [add('o', 'Linear', { units: 2 }), link('e5', 'act', 'out', 'o', 'in0'), { kind: 'removeNode', id: 'rnn' }] });
    const r = refused(doc, { kind: 'batch', edits: [add('o', 'Linear'), link('e5', 'act', 'out', 'o', 'in7')] });
    expect(r).toMatchObject({ code: 'unknown-port', message: expect.stringMatching(/^edit 2 of 2 \(connect\)/) });
    expect(refused(doc, { kind: 'teleport' } as unknown as Edit).code).toBe('unknown-edit');
  });

  it('never changes the input document', () => {
    const doc = elman();
    const before = JSON.stringify(doc);
    apply(doc, { kind: 'removeNode', id: 'rnn' }, add('z', 'Sigmoid'), { kind: 'setLabel', node: 'x', label: 'in' });
    expect(JSON.stringify(doc)).toBe(before);
  });
});

/** An edit drawn against the current document: mostly plausible, sometimes invalid. */
type Seed = { kind: number; a: number; b: number; c: number; d: number; value: unknown; x: number };
const seedArb: fc.Arbitrary<Seed> = fc.record({
  kind: fc.constantFrom(0, 0, 1, 2, 3, 3, 3, 4, 5, 6, 6, 6, 7, 8), // connect and setParam drawn more often
  a: fc.nat(),
  b: fc.nat(),
  c: fc.nat(),
  d: fc.nat(),
  value: fc.constantFrom(1, 2, 3, 0, -1, 16, 'x', true, false, 'learned', 'meanValidSteps', 'vector', 'index', undefined),
  x: fc.double({ noNaN: true, noDefaultInfinity: true }),
});

function draw(doc: GraphDocument, s: Seed): Edit {
  const nodes = doc.nodes;
  const pickNode = (k: number) => (nodes.length > 0 && k % 7 !== 6 ? nodes[k % nodes.length]!.id : 'ghost');
  /** Mostly ports of the wanted direction, sometimes any port (to draw direction errors). */
  const portsOf = (id: string, direction: 'in' | 'out', any: boolean) => {
    const n = nodes.find((m) => m.id === id);
    const ports = n ? spec(n.type).ports(n.params).filter((p) => any || p.direction === direction) : [];
    return ports.length > 0 ? ports.map((p) => p.name) : ['out'];
  };
  switch (s.kind) {
    case 0: {
      const type = s.a % 13 === 12 ? 'Bogus' : NODE_TYPES[s.a % NODE_TYPES.length]!;
      const id = s.b % 9 === 8 && nodes.length > 0 ? nodes[0]!.id : newNodeId(doc, type);
      const params = s.c % 3 === 0 ? {} : type === 'Linear' ? { units: s.value, inputs: (s.d % 3) + 1 } : type === 'Delay' ? { size: s.value } : {};
      return { kind: 'addNode', node: { id, type, position: { x: s.x, y: -s.x }, params }, ...(s.d % 4 === 0 ? { index: s.d % (nodes.length + 2) } : {}) };
    }
    case 1:
      return { kind: 'removeNode', id: pickNode(s.a) };
    case 2:
      return { kind: 'moveNode', id: pickNode(s.a), position: { x: s.x, y: s.b } };
    case 3:
    case 4: {
      const from = pickNode(s.a);
      const to = pickNode(s.b);
      const fp = portsOf(from, 'out', s.x > 1e100);
      const tp = portsOf(to, 'in', s.x < -1e100);
      return link(newEdgeId(doc), from, fp[s.c % fp.length]!, to, tp[s.d % tp.length]!);
    }
    case 5:
      return { kind: 'disconnect', id: doc.edges.length > 0 && s.a % 5 !== 4 ? doc.edges[s.a % doc.edges.length]!.id : 'e999' };
    case 6: {
      const id = pickNode(s.a);
      const n = nodes.find((m) => m.id === id);
      const names = n ? [...Object.keys(n.params), 'bogus'] : ['units'];
      const name = names[s.b % names.length]!;
      const current = n?.params[name];
      // Usually a value of the param's own type (often valid), sometimes anything.
      const sameType = typeof current === 'number' ? [1, 2, 3, 4, 16, 0, -1] : typeof current === 'boolean' ? [true, false] : ['learned', 'zeros', 'meanValidSteps', 'vector', 'index', 'real', 'x'];
      return { kind: 'setParam', node: id, name, value: s.d % 4 === 3 ? s.value : sameType[s.c % sameType.length] };
    }
    case 7:
      return { kind: 'setLabel', node: pickNode(s.a), label: s.b % 3 === 0 ? undefined : `label ${s.c}` };
    default:
      return { kind: 'batch', edits: [draw(doc, { ...s, kind: s.a % 8 }), draw(doc, { ...s, kind: s.b % 8, a: s.c, b: s.d })] };
  }
}

describe('applyEdit: properties over random edit sequences', () => {
  it('apply then inverse gives the original; every result restores as itself; undoing all gives the start', () => {
    fc.assert(
      fc.property(fc.array(seedArb, { maxLength: 50 }), (seeds) => {
        const start = elman();
        let doc = start;
        const undo: Edit[] = [];
        for (const s of seeds) {
          const edit = draw(doc, s);
          const r = applyEdit(doc, edit);
          if (!r.ok) {
            expect(r.code).toMatch(/^[a-z-]+$/);
            expect(r.message.length).toBeGreaterThan(0);
            continue;
          }
          const back = applyEdit(r.doc, r.inverse);
          if (!back.ok) throw new Error(`inverse of ${JSON.stringify(edit)} refused: ${back.message}`);
          expect(back.doc).toEqual(doc);
          const text = serialize(r.doc);
          if (!text.ok) throw new Error(JSON.stringify(text.problems));
          const restored = restore(text.text);
          if (!restored.ok) throw new Error(`after ${JSON.stringify(edit)}: ${JSON.stringify(restored.problems)}`);
          expect(restored.doc).toEqual(r.doc);
          undo.push(r.inverse);
          doc = r.doc;
        }
        for (const inv of undo.reverse()) doc = apply(doc, inv);
        expect(doc).toEqual(start);
      }),
      { numRuns: 250 },
    );
  });
});
