import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CURRENT_VERSION } from '../../../src/graph/document';
import type { NodeSpecLookup } from '../../../src/graph/kinds';
import { MIGRATIONS, type Migration } from '../../../src/graph/migrations';
import { restore } from '../../../src/graph/restore';
import { serialize } from '../../../src/graph/serialize';
import { getNodeSpec } from '../../../src/nodes/registry';
import type { NodeSpec } from '../../../src/nodes/types';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'graphs');

describe('every format version has fixtures that restore', () => {
  const versions = readdirSync(FIXTURES).filter((d) => /^v\d+$/.test(d));
  it('has a fixture folder for every version up to the current one', () => {
    for (let v = 1; v <= CURRENT_VERSION; v++) expect(versions).toContain(`v${v}`);
    expect(MIGRATIONS.map((m) => m.from)).toEqual(Array.from({ length: CURRENT_VERSION - 1 }, (_, i) => i + 1));
  });

  const v1 = readdirSync(join(FIXTURES, 'v1')).filter((f) => f.endsWith('.unroll.json'));
  it('has at least two version-1 fixtures', () => expect(v1.length).toBeGreaterThanOrEqual(2));

  it.each(v1)('v1/%s restores unchanged and saves back byte for byte', (file) => {
    const text = readFileSync(join(FIXTURES, 'v1', file), 'utf8');
    const r = restore(text);
    if (!r.ok) throw new Error(JSON.stringify(r.problems, null, 2));
    expect(r.warnings).toEqual([]);
    expect(r.doc).toEqual(JSON.parse(text));
    expect(r.doc.nodes.length).toBeGreaterThan(5);
    expect(serialize(r.doc)).toEqual({ ok: true, text });
  });
});

/**
 * A made-up history for testing the mechanism: in "version 1" nodes had `kind` and `pos: [x, y]`;
 * version 2 renamed `kind` to `type`; version 3 (the current schema in this test) made `pos` a
 * `position` object.
 */
function testChain(log: string[]): Migration[] {
  const nodesOf = (doc: Record<string, unknown>) => doc.nodes as Record<string, unknown>[];
  return [
    {
      from: 2,
      to: 3,
      description: 'pos became position',
      migrate: (doc) => {
        log.push('2→3');
        for (const n of nodesOf(doc)) {
          const [x, y] = n.pos as [number, number];
          delete n.pos;
          n.position = { x, y };
        }
        return doc;
      },
    },
    {
      from: 1,
      to: 2,
      description: 'kind became type',
      migrate: (doc) => {
        log.push('1→2');
        expect(doc.version).toBe(1);
        return { ...doc, nodes: nodesOf(doc).map(({ kind, ...rest }) => ({ ...rest, type: kind })) };
      },
    },
  ];
}

const v1Doc = {
  format: 'unroll.graph',
  version: 1,
  meta: { name: 'old' },
  nodes: [
    { id: 'x', kind: 'Input', version: 1, pos: [0, 10], params: { size: 3 } },
    { id: 'act', kind: 'Tanh', version: 1, pos: [100, 10], params: {} },
  ],
  edges: [{ id: 'e1', source: { node: 'x', port: 'out' }, target: { node: 'act', port: 'in' } }],
};

describe('format migrations (an injected test chain v1 → v2 → v3)', () => {
  it('migrates step by step, in order, and says so in a warning', () => {
    const log: string[] = [];
    const r = restore(JSON.stringify(v1Doc), { migrations: testChain(log), currentVersion: 3 });
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(log).toEqual(['1→2', '2→3']);
    expect(r.doc.version).toBe(CURRENT_VERSION);
    expect(r.doc.nodes.map((n) => [n.type, n.position])).toEqual([
      ['Input', { x: 0, y: 10 }],
      ['Tanh', { x: 100, y: 10 }],
    ]);
    expect(r.doc.nodes[0]!.params).toEqual({ role: 'sequence', size: 3, dtype: 'real' });
    expect(r.warnings).toEqual([expect.objectContaining({ code: 'document-migrated', path: '$.version' })]);
    expect(r.warnings[0]!.message).toContain('from format version 1 to 3');
  });

  it('starts from the version the file states', () => {
    const log: string[] = [];
    const v2 = { ...v1Doc, version: 2, nodes: v1Doc.nodes.map(({ kind, ...n }) => ({ ...n, type: kind })) };
    const r = restore(v2, { migrations: testChain(log), currentVersion: 3 });
    expect(r.ok).toBe(true);
    expect(log).toEqual(['2→3']);
  });

  it('does not migrate a file of the current version', () => {
    const log: string[] = [];
    const v3 = { ...v1Doc, version: 3, nodes: v1Doc.nodes.map(({ kind, pos, ...n }) => ({ ...n, type: kind, position: { x: pos[0], y: pos[1] } })) };
    const r = restore(v3, { migrations: testChain(log), currentVersion: 3 });
    expect(r.ok && r.warnings).toEqual([]);
    expect(log).toEqual([]);
  });

  it('refuses a version newer than current, saying a newer Unroll wrote it', () => {
    const r = restore({ ...v1Doc, version: 4 }, { migrations: testChain([]), currentVersion: 3 });
    expect(r).toEqual({ ok: false, problems: [expect.objectContaining({ path: '$.version', code: 'version-newer' })] });
    expect(!r.ok && r.problems[0]!.message).toMatch(/written by a newer version of Unroll/);
    const real = restore({ ...v1Doc, version: CURRENT_VERSION + 1 });
    expect(!real.ok && real.problems[0]!.code).toBe('version-newer');
  });

  it('refuses a missing step and a failing step', () => {
    const missing = restore(v1Doc, { migrations: testChain([]).filter((m) => m.from !== 1), currentVersion: 3 });
    expect(!missing.ok && missing.problems[0]).toMatchObject({ code: 'migration-missing', path: '$.version' });
    const throwing: Migration[] = [{ from: 1, to: 2, description: 'broken', migrate: () => { throw new Error('boom'); } }];
    const failed = restore(v1Doc, { migrations: throwing, currentVersion: 2 });
    expect(!failed.ok && failed.problems[0]).toMatchObject({ code: 'migration-failed' });
    expect(!failed.ok && failed.problems[0]!.message).toContain('boom');
  });

  it('validates the migrated document like any other', () => {
    const sloppy: Migration[] = [{ from: 1, to: 2, description: 'forgets pos', migrate: (doc) => ({ ...doc, nodes: (doc.nodes as object[]).map((n) => ({ ...n, type: 'Tanh', kind: undefined })) }) }];
    const r = restore(v1Doc, { migrations: sloppy, currentVersion: 2 });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems.map((p) => p.path)).toContain('$.nodes[0]');
  });

  it.each([
    [undefined, 'version-missing'],
    ['1', 'version-invalid'],
    [1.5, 'version-invalid'],
    [0, 'version-invalid'],
  ])('refuses version %j', (version, code) => {
    const r = restore({ ...v1Doc, version });
    expect(!r.ok && r.problems).toEqual([expect.objectContaining({ path: '$.version', code })]);
  });
});

describe('node params migrations (NodeSpec.migrate)', () => {
  // A Linear whose params are at version 3: v1 called `units` `size`, v2 had no `bias` (always on).
  const linear = getNodeSpec('Linear')!;
  const calls: number[] = [];
  const Linear3: NodeSpec<any> = {
    ...linear,
    version: 3,
    migrate: (params, from) => {
      calls.push(from);
      if (from === 1) {
        const { size, ...rest } = params;
        return { ...rest, units: size };
      }
      return { ...params, bias: true };
    },
  };
  const lookup = (withMigrate: boolean): NodeSpecLookup => (type) => (type === 'Linear' ? (withMigrate ? Linear3 : { ...Linear3, migrate: undefined }) : getNodeSpec(type));
  const doc = (version: number, params: Record<string, unknown>) => ({
    format: 'unroll.graph',
    version: 1,
    meta: { name: 'n' },
    nodes: [{ id: 'l', type: 'Linear', version, position: { x: 0, y: 0 }, params }],
    edges: [],
  });

  it('migrates params step by step to the kind version and warns', () => {
    calls.length = 0;
    const r = restore(doc(1, { size: 7, inputs: 2 }), { nodeSpec: lookup(true) });
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(calls).toEqual([1, 2]);
    expect(r.doc.nodes[0]).toMatchObject({ version: 3, params: { units: 7, inputs: 2, bias: true } });
    expect(r.warnings).toEqual([expect.objectContaining({ code: 'node-migrated', path: '$.nodes[0].version' })]);
  });

  it('refuses a node saved by a newer kind version, and an old one without a migration', () => {
    const newer = restore(doc(4, {}), { nodeSpec: lookup(true) });
    expect(!newer.ok && newer.problems[0]).toMatchObject({ code: 'node-version-newer', path: '$.nodes[0].version' });
    const noMigrate = restore(doc(2, {}), { nodeSpec: lookup(false) });
    expect(!noMigrate.ok && noMigrate.problems[0]).toMatchObject({ code: 'node-migration-missing', path: '$.nodes[0].version' });
  });

  it('reports params that are still invalid after migration under the node', () => {
    const r = restore(doc(1, { size: 0 }), { nodeSpec: lookup(true) });
    expect(!r.ok && r.problems[0]!.path).toBe('$.nodes[0].params.units');
  });
});
