import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyEdit, createDocument, type Edit } from '../../../src/graph/edits';
import type { GraphDocument } from '../../../src/graph/document';
import { AUTOSAVE_FILE, createAutosave } from '../../../main/autosave';
import { dataDirFor } from '../../../main/data-dir';
import { createService } from '../../../main/service';

const root = mkdtempSync(join(tmpdir(), 'unroll-autosave-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(root, `d${n++}`);

/** A document with `count` Linear nodes: a few hundred kilobytes of text for large counts. */
function bigDoc(name: string, count: number): GraphDocument {
  let doc = createDocument(name);
  const edits: Edit[] = [];
  for (let i = 0; i < count; i++) edits.push({ kind: 'addNode', node: { id: `n${i}`, type: 'Linear', position: { x: i, y: i }, label: `node ${i} ${'·'.repeat(40)}` } });
  const r = applyEdit(doc, { kind: 'batch', edits });
  if (!r.ok) throw new Error(r.message);
  doc = r.doc;
  return doc;
}

describe('autosave', () => {
  it('is absent at first, then round-trips through serialize() and restore(), then clears', async () => {
    const dir = fresh();
    const a = createAutosave(dir);
    expect(await a.read()).toEqual({ ok: true, result: { status: 'none' } });
    const doc = bigDoc('Draft', 3);
    const w = await a.write(doc);
    expect(w.ok).toBe(true);
    const r = await a.read();
    if (!r.ok || r.result.status !== 'found') throw new Error(`expected an autosave, got ${JSON.stringify(r)}`);
    expect(r.result.doc).toEqual(doc);
    expect(Date.parse(r.result.savedAt)).not.toBeNaN();
    expect(await a.clear()).toEqual({ ok: true, result: { cleared: true } });
    expect(await a.clear()).toEqual({ ok: true, result: { cleared: false } });
    expect(await a.read()).toEqual({ ok: true, result: { status: 'none' } });
  });

  it('is never seen half-written while it is rewritten', async () => {
    const dir = fresh();
    const a = createAutosave(dir);
    const docs = [bigDoc('A', 400), bigDoc('B', 900)];
    await a.write(docs[0]!);
    let stop = false;
    let reads = 0;
    const reader = (async () => {
      while (!stop) {
        const text = await readFile(a.path, 'utf8');
        const name = (JSON.parse(text) as { meta: { name: string } }).meta.name; // throws on a partial file
        expect(['A', 'B']).toContain(name);
        reads++;
      }
    })();
    for (let i = 0; i < 20; i++) expect((await a.write(docs[i % 2]!)).ok).toBe(true);
    stop = true;
    await reader;
    expect(reads).toBeGreaterThan(0);
    // No temporary files are left behind.
    expect(readdirSync(dir)).toEqual([AUTOSAVE_FILE]);
  });

  it('keeps the previous autosave when a write fails', async () => {
    const dir = fresh();
    const a = createAutosave(dir);
    await a.write(createDocument('Kept'));
    const before = readFileSync(a.path, 'utf8');
    const bad = { ...createDocument('Bad'), nodes: [{ id: 'x', type: 'Linear', version: 1, position: { x: Number.NaN, y: 0 }, params: {} }] } as unknown as GraphDocument;
    const w = await a.write(bad);
    expect(w.ok || w.error.code).toBe('bad-payload');
    expect(readFileSync(a.path, 'utf8')).toBe(before);
  });

  it('reports a write into an unusable folder as an io error', async () => {
    const file = join(fresh());
    writeFileSync(file, 'not a folder');
    const w = await createAutosave(file).write(createDocument('x'));
    expect(w.ok || w.error.code).toBe('io');
  });

  it('reports a corrupt autosave with its problems instead of crashing', async () => {
    const dir = fresh();
    mkdirSync(dir);
    writeFileSync(join(dir, AUTOSAVE_FILE), '{"format":"unroll.graph","version":1,"meta":{"name":"x"},"nodes":[{"id":"a"');
    const r = await createAutosave(dir).read();
    if (!r.ok || r.result.status !== 'refused') throw new Error(`expected a refused autosave, got ${JSON.stringify(r)}`);
    expect(r.result.problems[0]).toMatchObject({ path: '$', code: 'json-syntax' });
    writeFileSync(join(dir, AUTOSAVE_FILE), JSON.stringify({ format: 'unroll.graph', version: 1, meta: { name: 'x' }, nodes: [{ id: 'a', type: 'Nope', version: 1, position: { x: 0, y: 0 }, params: {} }], edges: [] }));
    const r2 = await createAutosave(dir).read();
    expect(r2.ok && r2.result.status === 'refused' && r2.result.problems.some((p) => p.path.startsWith('$.nodes[0]'))).toBe(true);
  });

  it('is served by the protocol handlers', async () => {
    const dir = fresh();
    const service = createService({ host: 'web', name: 'Unroll', version: '1', dataDir: dir });
    expect((await service['autosave.write']({ doc: createDocument('Via service') })).ok).toBe(true);
    expect(await service['autosave.read']({})).toMatchObject({ ok: true, result: { status: 'found', doc: { meta: { name: 'Via service' } } } });
    expect(await service['autosave.clear']({})).toEqual({ ok: true, result: { cleared: true } });
  });
});

describe('data folder', () => {
  it('prefers UNROLL_DATA_DIR, then the platform folder', () => {
    expect(dataDirFor('linux', { UNROLL_DATA_DIR: '/data/u' }, '/home/a')).toBe('/data/u');
    expect(dataDirFor('linux', {}, '/home/a')).toBe('/home/a/.local/share/unroll');
    expect(dataDirFor('linux', { XDG_DATA_HOME: '/x' }, '/home/a')).toBe('/x/unroll');
    expect(dataDirFor('darwin', {}, '/Users/a')).toBe('/Users/a/Library/Application Support/Unroll');
    expect(dataDirFor('win32', { APPDATA: 'C:/Users/a/AppData/Roaming' }, 'C:/Users/a')).toBe(join('C:/Users/a/AppData/Roaming', 'Unroll'));
    expect(dataDirFor('linux', {}, '/home/a', '/electron/userData')).toBe('/electron/userData');
    expect(dataDirFor('linux', { UNROLL_DATA_DIR: '/data/u' }, '/home/a', '/electron/userData')).toBe('/data/u');
  });
});
