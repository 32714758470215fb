import { describe, expect, it } from 'vitest';
import { restore } from '../../../src/graph/restore';

/** A small valid document: x → lin → act, with one weight. */
function base(): any {
  return {
    format: 'unroll.graph',
    version: 1,
    meta: { name: 'base' },
    nodes: [
      { id: 'x', type: 'Input', version: 1, position: { x: 0, y: 0 }, params: { size: 3 } },
      { id: 'lin', type: 'Linear', version: 1, position: { x: 100, y: 0 }, params: { inputs: 2, units: 4 } },
      { id: 'act', type: 'Tanh', version: 1, position: { x: 200, y: 0 }, params: {} },
    ],
    edges: [
      { id: 'e1', source: { node: 'x', port: 'out' }, target: { node: 'lin', port: 'in0' } },
      { id: 'e2', source: { node: 'lin', port: 'out' }, target: { node: 'act', port: 'in' } },
    ],
    weights: { 'lin.b': { shape: [4], dtype: 'float32', data: Buffer.from(new Float32Array([1, 2, 3, 4]).buffer).toString('base64') } },
  };
}

function problems(input: unknown, opts = {}) {
  const r = restore(input, opts);
  if (r.ok) throw new Error('expected restore to fail');
  return r.problems;
}
const codesAt = (input: unknown) => problems(input).map((p) => `${p.path} ${p.code}`);

describe('restore(): document checks', () => {
  it('accepts the base document and fills param defaults', () => {
    const r = restore(JSON.stringify(base()));
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(r.doc.nodes[0]!.params).toEqual({ role: 'sequence', size: 3, dtype: 'real' });
    expect(r.doc.nodes[1]!.params).toEqual({ inputs: 2, units: 4, bias: true });
  });

  it('reports every problem at once, each with its JSON path', () => {
    const d = base();
    d.nodes.push({ id: 'x', type: 'Tanh', version: 1, position: { x: 0, y: 0 }, params: {} }); // duplicate id
    d.nodes.push({ id: 'm', type: 'Mystery', version: 1, position: { x: 0, y: 0 }, params: {} });
    d.nodes[1].params.units = 0;
    d.nodes[3].params.alpha = 1;
    d.edges.push({ id: 'e1', source: { node: 'ghost', port: 'out' }, target: { node: 'act', port: 'nope' } });
    d.edges.push({ id: 'e4', source: { node: 'act', port: 'in' }, target: { node: 'x', port: 'out' } });
    d.edges.push({ id: 'e5', source: { node: 'act', port: 'out' }, target: { node: 'lin', port: 'in0' } });
    d.weights['ghost.W'] = { shape: [1], dtype: 'float32', data: 'AAAAAA==' };
    d.weights['act.W'] = { shape: [2], dtype: 'float32', data: 'AAAAAA==' };
    expect(codesAt(d).sort()).toEqual(
      [
        '$.nodes[3].id duplicate-node-id',
        '$.nodes[4].type unknown-node-type',
        '$.nodes[1].params.units schema-too-small',
        '$.nodes[3].params schema-unrecognized-keys',
        '$.edges[2].id duplicate-edge-id',
        '$.edges[2].source.node edge-unknown-node',
        '$.edges[2].target.port unknown-port',
        '$.edges[3].source.port port-direction',
        '$.edges[3].target.port port-direction',
        '$.edges[4].target input-port-occupied',
        '$.weights["ghost.W"] weight-unknown-node',
        '$.weights["act.W"].data weight-size-mismatch',
      ].sort(),
    );
  });

  it('names the unknown type and the available ports', () => {
    const d = base();
    d.nodes[2].type = 'LSTMv9';
    const [p] = problems(d);
    expect(p).toMatchObject({ path: '$.nodes[2].type', code: 'unknown-node-type' });
    expect(p!.message).toContain('"LSTMv9"');
    const e = base();
    e.edges[0].target.port = 'in7';
    const [q] = problems(e);
    expect(q!.message).toContain('its inputs are: in0, in1');
  });

  it('takes one edge per input port, but any number from an output', () => {
    const d = base();
    d.edges.push({ id: 'e3', source: { node: 'x', port: 'out' }, target: { node: 'lin', port: 'in1' } });
    expect(restore(d).ok).toBe(true);
    d.edges.push({ id: 'e4', source: { node: 'act', port: 'out' }, target: { node: 'lin', port: 'in1' } });
    expect(codesAt(d)).toEqual(['$.edges[3].target input-port-occupied']);
  });

  it('checks ports against the node params (Linear with 1 input has no in1)', () => {
    const d = base();
    d.nodes[1].params.inputs = 1;
    d.edges.push({ id: 'e3', source: { node: 'x', port: 'out' }, target: { node: 'lin', port: 'in1' } });
    expect(codesAt(d)).toEqual(['$.edges[2].target.port unknown-port']);
  });

  it('checks weights: NaN bytes, bad base64, bad names', () => {
    const d = base();
    d.weights['lin.b'].data = Buffer.from(new Float32Array([1, NaN, 3, Infinity]).buffer).toString('base64');
    d.weights['lin.W0'] = { shape: [4, 3], dtype: 'float64', data: 'not base64!' };
    d.weights['justaname'] = { shape: [1], dtype: 'float32', data: 'AAAAAA==' };
    const got = problems(d);
    expect(got.map((p) => `${p.path} ${p.code}`)).toEqual(
      expect.arrayContaining(['$.weights["lin.b"].data weight-non-finite', '$.weights["lin.W0"].data schema-invalid-format', '$.weights.justaname schema-invalid-key']),
    );
    expect(got.find((p) => p.code === 'weight-non-finite')!.message).toContain('value 1 is NaN (2 non-finite in all)');
  });

  it('refuses other formats and non-objects', () => {
    expect(codesAt({ ...base(), format: 'other' })).toEqual(['$.format wrong-format']);
    expect(codesAt([base()])).toEqual(['$ not-a-document']);
    expect(codesAt('"just a string"')).toEqual(['$ not-a-document']);
    expect(codesAt('{"format": "unroll.graph", ')).toEqual(['$ json-syntax']);
    expect(codesAt('')).toEqual(['$ json-syntax']);
  });
});

describe('restore(): limits and hostile input', () => {
  it('refuses text over the size limit (configurable) before parsing it', () => {
    const text = JSON.stringify(base());
    expect(restore(text, { maxBytes: text.length }).ok).toBe(true);
    expect(problems(text, { maxBytes: text.length - 1 })[0]!.code).toBe('too-large');
    const wide = JSON.stringify({ ...base(), meta: { name: 'é'.repeat(100) } });
    expect(problems(wide, { maxBytes: wide.length + 50 })[0]!.code).toBe('too-large'); // UTF-8 bytes, not characters
  });

  it('refuses deep nesting without parsing it: 100k levels of [ and of {"a":', () => {
    expect(codesAt('['.repeat(100_000) + ']'.repeat(100_000))).toEqual(['$ too-deep']);
    expect(codesAt('{"a":'.repeat(100_000))).toEqual(['$ too-deep']);
    const d = base();
    let deep: unknown = 1;
    for (let i = 0; i < 70; i++) deep = [deep];
    d.nodes[0].params.size = deep;
    expect(problems(d)[0]!.code).toBe('too-deep'); // already-parsed data is walked iteratively
    expect(problems(JSON.stringify(d))[0]!.code).toBe('too-deep');
  });

  it('applies the array, key and value limits', () => {
    expect(problems({ ...base(), extra: new Array(11).fill(0) }, { limits: { maxArrayLength: 10 } })[0]).toMatchObject({ code: 'too-long', path: '$.extra' });
    expect(problems({ ...base(), meta: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i])) }, { limits: { maxObjectKeys: 10 } })[0]!.code).toBe('too-many-keys');
    expect(problems(base(), { limits: { maxValues: 10 } })[0]!.code).toBe('too-many-values');
  });

  it('refuses __proto__, constructor and prototype keys anywhere, naming each', () => {
    const text = JSON.stringify(base())
      .replace('"params":{"size":3}', '"params":{"size":3,"__proto__":{"polluted":1}}')
      .replace('"meta":{', '"meta":{"constructor":{"prototype":1},');
    const got = problems(text);
    expect(got.filter((p) => p.code === 'forbidden-key').map((p) => p.path)).toEqual(['$.meta.constructor', '$.nodes[0].params.__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses 1e400 (Infinity after parsing) with its path', () => {
    const text = JSON.stringify(base()).replace('"x":100', '"x":1e400');
    expect(codesAt(text)).toEqual(['$.nodes[1].position.x non-finite-number']);
  });

  it('never throws on hostile objects: throwing getters, proxies, class instances, cycles, bigints', () => {
    const getter = base();
    Object.defineProperty(getter.meta, 'name', { get: () => { throw new Error('gotcha'); }, enumerable: true });
    expect(codesAt(getter)).toEqual(['$.meta.name not-plain-data']);

    const proxy = new Proxy(base(), { ownKeys: () => { throw new Error('trap'); } });
    expect(codesAt(proxy)).toEqual(['$ unreadable']);
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    expect(problems(revocable.proxy)[0]!.path).toBe('$');

    const cyclic = base();
    cyclic.meta.self = cyclic;
    expect(problems(cyclic)[0]!.code).toBe('too-deep');

    const odd = base();
    odd.meta.when = new Date(0);
    odd.meta.big = 10n;
    odd.meta.fn = () => 1;
    odd.nodes[0].params.size = NaN;
    expect(codesAt(odd)).toEqual(['$.meta.when not-plain-data', '$.meta.big not-json-value', '$.meta.fn not-json-value', '$.nodes[0].params.size non-finite-number']);

    const thrower = { get format(): string { throw new Error('no'); } };
    expect(problems(thrower)[0]).toMatchObject({ path: '$.format', code: 'not-plain-data' }); // the getter never runs
    for (const v of [undefined, null, 0, true, Symbol('s'), () => 0, new Map()]) expect(restore(v).ok).toBe(false);
  });

  it('accepts null-prototype objects and ignores undefined properties, like JSON', () => {
    const d = base();
    const meta = Object.create(null) as Record<string, unknown>;
    meta.name = 'np';
    meta.description = undefined;
    d.meta = meta;
    const r = restore(d);
    expect(r.ok && Object.getPrototypeOf(r.doc.meta)).toBe(Object.prototype);
    expect(r.ok && 'description' in r.doc.meta).toBe(false);
  });

  it('caps the report at 500 problems and says how many more there were', () => {
    const d = base();
    d.edges = Array.from({ length: 2000 }, (_, i) => ({ id: `e${i}`, source: { node: 'nope', port: 'out' }, target: { node: 'act', port: 'in' } }));
    const got = problems(d);
    expect(got).toHaveLength(501);
    expect(got.at(-1)).toMatchObject({ path: '$', code: 'too-many-problems' });
  });
});
