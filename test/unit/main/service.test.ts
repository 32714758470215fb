import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateGraph } from '../../../src/compiler';
import { createDocument } from '../../../src/graph/edits';
import { EXAMPLES } from '../../../main/examples';
import { writeDocumentFile } from '../../../main/files';
import { createService, documentFileName, openText } from '../../../main/service';

const dir = mkdtempSync(join(tmpdir(), 'unroll-service-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('built-in examples', () => {
  it.each(EXAMPLES.map((e) => [e.id, e] as const))('%s restores and validates without problems', (_id, example) => {
    const opened = openText(example.text());
    if (opened.status === 'refused') throw new Error(opened.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
    expect(opened.warnings).toEqual([]);
    expect(validateGraph(opened.doc).problems).toEqual([]);
  });

  it('have unique ids', () => {
    expect(new Set(EXAMPLES.map((e) => e.id)).size).toBe(EXAMPLES.length);
  });
});

describe('service', () => {
  it('reports a refused text with $-rooted paths', () => {
    const r = openText(JSON.stringify({ format: 'unroll.graph', version: 1, meta: { name: 'x' }, nodes: [{ id: 'a', type: 'Nope', version: 1, position: { x: 0, y: 0 }, params: {} }], edges: [] }));
    expect(r.status).toBe('refused');
    if (r.status !== 'refused') return;
    expect(r.problems.some((p) => p.path.startsWith('$.nodes[0]') && p.message.includes('Nope'))).toBe(true);
  });

  it('derives a safe file name from the document name', () => {
    expect(documentFileName('Elman RNN')).toBe('Elman RNN.unroll.json');
    expect(documentFileName('a/b\\c:d')).toBe('a_b_c_d.unroll.json');
    expect(documentFileName('  ')).toBe('untitled.unroll.json');
  });

  it('saves through the save dialog, atomically, and reports its path', async () => {
    const target = join(dir, 'saved.unroll.json');
    const asked: string[] = [];
    const service = createService({
      host: 'electron',
      name: 'Unroll',
      version: '1',
      dataDir: join(dir, 'data-save'),
      dialogs: { chooseOpen: async () => undefined, chooseSave: async (fileName) => (asked.push(fileName), target) },
    });
    const r = await service['document.save']({ doc: createDocument('My graph') });
    expect(asked).toEqual(['My graph.unroll.json']);
    expect(r).toMatchObject({ ok: true, result: { fileName: 'saved.unroll.json', path: target } });
    expect(openText(readFileSync(target, 'utf8'))).toMatchObject({ status: 'restored', doc: { meta: { name: 'My graph' } } });
    // Save again to the same path: no dialog this time, and the file is on the recent list.
    const again = await service['document.save']({ doc: createDocument('Renamed'), path: target });
    expect(again).toMatchObject({ ok: true, result: { path: target } });
    expect(asked).toHaveLength(1);
    expect(openText(readFileSync(target, 'utf8'))).toMatchObject({ status: 'restored', doc: { meta: { name: 'Renamed' } } });
    expect(await service['recent.list']({})).toMatchObject({ ok: true, result: { files: [{ path: target, name: 'saved.unroll.json' }] } });
  });

  it('passes a cancelled dialog through as data', async () => {
    const service = createService({ host: 'electron', name: 'Unroll', version: '1', dataDir: join(dir, 'data-cancel'), dialogs: { chooseOpen: async () => undefined, chooseSave: async () => undefined } });
    expect(await service['document.save']({ doc: createDocument('g') })).toEqual({ ok: false, error: { code: 'cancelled', message: 'saving was cancelled' } });
    expect(await service['document.openFile']({})).toEqual({ ok: false, error: { code: 'cancelled', message: 'opening was cancelled' } });
  });

  it('writes and opens by path only files the user picked', async () => {
    const service = createService({ host: 'electron', name: 'Unroll', version: '1', dataDir: join(dir, 'data-paths'), dialogs: { chooseOpen: async () => undefined, chooseSave: async () => undefined } });
    const elsewhere = join(dir, 'not-picked.unroll.json');
    const w = await service['document.save']({ doc: createDocument('g'), path: elsewhere });
    expect(w.ok || w.error.code).toBe('unauthorized');
    expect(existsSync(elsewhere)).toBe(false);
    const o = await service['document.openFile']({ path: '/etc/passwd' });
    expect(o.ok || o.error.code).toBe('unauthorized');
  });

  it('opens a file through the open dialog and reports a bad one with its paths', async () => {
    const good = join(dir, 'good.unroll.json');
    const bad = join(dir, 'bad.unroll.json');
    writeFileSync(good, EXAMPLES[0]!.text());
    writeFileSync(bad, JSON.stringify({ format: 'unroll.graph', version: 1, meta: { name: 'x' }, nodes: [{ id: '1bad', type: 'Linear', version: 1, position: { x: 0, y: 0 }, params: {} }], edges: [{ id: 'e1', source: { node: 'zz', port: 'out' }, target: { node: '1bad', port: 'in0' } }] }));
    let next = good;
    const service = createService({ host: 'electron', name: 'Unroll', version: '1', dataDir: join(dir, 'data-open'), dialogs: { chooseOpen: async () => next, chooseSave: async () => undefined } });
    expect(await service['document.openFile']({})).toMatchObject({ ok: true, result: { path: good, fileName: 'good.unroll.json', opened: { status: 'restored' } } });
    next = bad;
    const r = await service['document.openFile']({});
    if (!r.ok || r.result.opened.status !== 'refused') throw new Error('expected a refused file');
    const paths = r.result.opened.problems.map((p) => p.path);
    expect(paths).toContain('$.nodes[0].id');
    expect(paths.some((p) => p.startsWith('$.edges[0]'))).toBe(true);
    // Only restored files go on the recent list.
    expect(await service['recent.list']({})).toMatchObject({ ok: true, result: { files: [{ path: good }] } });
  });

  it('exports with or without weights; the web host returns the text and takes no paths', async () => {
    const web = createService({ host: 'web', name: 'Unroll', version: '1', dataDir: join(dir, 'data-web') });
    const doc = { ...createDocument('W'), weights: { 'a.b': { shape: [1], dtype: 'float64' as const, data: 'AAAAAAAA8D8=' } } };
    const full = await web['document.export']({ doc, withWeights: true });
    const bare = await web['document.export']({ doc, withWeights: false });
    if (!full.ok || !bare.ok) throw new Error('export failed');
    expect(full.result.text).toContain('"weights"');
    expect(bare.result.text).not.toContain('"weights"');
    expect(bare.result.fileName).toBe('W.architecture.unroll.json');
    expect((await web['document.openFile']({})).ok || 'refused').toBe('refused');
    const byPath = await web['document.save']({ doc, path: '/tmp/x.unroll.json' });
    expect(byPath.ok || byPath.error.code).toBe('unsupported');
    expect(await web['recent.list']({})).toEqual({ ok: true, result: { files: [] } });
  });

  it('reports a write failure with the path', async () => {
    const r = await writeDocumentFile(join(dir, 'no-such-folder', 'x.json'), '{}');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('io');
    expect(r.error.message).toContain('no-such-folder');
  });
});
