import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateGraph } from '../../../src/compiler';
import { createDocument } from '../../../src/graph/edits';
import { fail } from '../../../src/protocol';
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

  it('saves through the host file writer, atomically, and reports its path', async () => {
    const target = join(dir, 'saved.unroll.json');
    const asked: string[] = [];
    const service = createService({
      host: 'electron',
      name: 'Unroll',
      version: '1',
      saveFile: async (fileName, text) => {
        asked.push(fileName);
        return writeDocumentFile(target, text);
      },
    });
    const r = await service['document.save']({ doc: createDocument('My graph') });
    expect(asked).toEqual(['My graph.unroll.json']);
    expect(r).toMatchObject({ ok: true, result: { fileName: 'My graph.unroll.json', path: target } });
    expect(openText(readFileSync(target, 'utf8'))).toMatchObject({ status: 'restored', doc: { meta: { name: 'My graph' } } });
  });

  it('passes a cancelled dialog through as data', async () => {
    const service = createService({ host: 'electron', name: 'Unroll', version: '1', saveFile: async () => fail('cancelled', 'saving was cancelled') });
    expect(await service['document.save']({ doc: createDocument('g') })).toEqual({ ok: false, error: { code: 'cancelled', message: 'saving was cancelled' } });
  });

  it('reports a write failure with the path', async () => {
    const r = await writeDocumentFile(join(dir, 'no-such-folder', 'x.json'), '{}');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('io');
    expect(r.error.message).toContain('no-such-folder');
  });
});
