import { readFile, stat } from 'node:fs/promises';
import type { GraphDocument } from '../src/graph/document';
import type { Problem } from '../src/graph/problems';
import { restore } from '../src/graph/restore';
import { serialize } from '../src/graph/serialize';
import { fail, isPlainFileName, MAX_DOCUMENT_TEXT, ok, type DocumentProblem, type OpenResult, type Reply } from '../src/protocol';

/** Opening goes through `restore()`, the only way into a document. */
export function openText(text: string): OpenResult {
  const restored = restore(text);
  const plain = (p: Problem): DocumentProblem => ({ code: p.code, path: p.path, message: p.message });
  if (restored.ok) return { status: 'restored', doc: restored.doc, warnings: restored.warnings.map(plain) };
  return { status: 'refused', problems: restored.problems.map(plain) };
}

/** `My graph` → `My graph.unroll.json`; characters a file system may refuse become `_`. */
export function documentFileName(name: string, suffix = ''): string {
  const base = [...name].map((c) => (isPlainFileName(c) ? c : '_')).join('').trim() || 'untitled';
  return `${base.slice(0, 180)}${suffix}.unroll.json`;
}

/** The document as saved text, or a `bad-payload` error listing every problem with its path under `doc`. */
export function documentText(doc: GraphDocument): Reply<string> {
  const saved = serialize(doc);
  if (saved.ok) return ok(saved.text);
  const first = saved.problems[0];
  return fail('bad-payload', `the document cannot be saved: ${saved.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, first === undefined ? 'doc' : `doc${first.path.slice(1)}`);
}

/** The document without its weights (an export for sharing the architecture only). */
export function withoutWeights(doc: GraphDocument): GraphDocument {
  const { weights: _weights, ...rest } = doc;
  return rest;
}

/** Reads a document file, refusing one larger than a document may be before reading it. */
export async function readDocumentFile(path: string): Promise<Reply<string>> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return fail('not-found', `${path} is not a file`);
    if (info.size > MAX_DOCUMENT_TEXT * 4) return fail('io', `${path} is ${info.size} bytes: larger than an Unroll document may be`);
    return ok(await readFile(path, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not-found' : 'io';
    return fail(code, `could not read ${path}: ${(err as Error).message}`);
  }
}
