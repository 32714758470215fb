import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { GraphDocument } from '../src/graph/document';
import { serialize } from '../src/graph/serialize';
import { fail, MAX_DOCUMENT_TEXT, ok, type AutosaveReadResult, type Reply } from '../src/protocol';
import { openText } from './documents';

/** The autosave file inside the data folder. */
export const AUTOSAVE_FILE = 'autosave.unroll.json';

/**
 * The autosave of the open document. The text is written through `serialize()` to a temporary file
 * that is renamed over the autosave (write-file-atomic), so a reader never sees half a file and a
 * failed write leaves the previous autosave as it was. Reading goes through `restore()`; an autosave
 * that no longer restores is reported with its problems, never thrown.
 */
export interface Autosave {
  write(doc: GraphDocument): Promise<Reply<{ savedAt: string }>>;
  read(): Promise<Reply<AutosaveReadResult>>;
  clear(): Promise<Reply<{ cleared: boolean }>>;
  /** The autosave's full path. */
  readonly path: string;
}

const isMissing = (err: unknown): boolean => (err as NodeJS.ErrnoException).code === 'ENOENT';

export function createAutosave(dataDir: string): Autosave {
  const path = join(dataDir, AUTOSAVE_FILE);
  return {
    path,
    async write(doc) {
      const saved = serialize(doc);
      if (!saved.ok) return fail('bad-payload', `the document cannot be autosaved: ${saved.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, 'doc');
      try {
        await mkdir(dataDir, { recursive: true });
        await writeFileAtomic(path, saved.text, { encoding: 'utf8' });
        const info = await stat(path);
        return ok({ savedAt: info.mtime.toISOString() });
      } catch (err) {
        return fail('io', `could not write the autosave ${path}: ${(err as Error).message}`);
      }
    },
    async read() {
      let text: string;
      let savedAt: string;
      try {
        const info = await stat(path);
        if (info.size > MAX_DOCUMENT_TEXT * 4) return ok({ status: 'refused', savedAt: info.mtime.toISOString(), problems: [{ code: 'too-large', path: '$', message: `the autosave ${path} is ${info.size} bytes, larger than a document may be` }] });
        savedAt = info.mtime.toISOString();
        text = await readFile(path, 'utf8');
      } catch (err) {
        if (isMissing(err)) return ok({ status: 'none' });
        return fail('io', `could not read the autosave ${path}: ${(err as Error).message}`);
      }
      const opened = openText(text);
      if (opened.status === 'refused') return ok({ status: 'refused', savedAt, problems: opened.problems });
      return ok({ status: 'found', savedAt, doc: opened.doc, warnings: opened.warnings });
    },
    async clear() {
      try {
        await stat(path);
      } catch (err) {
        if (isMissing(err)) return ok({ cleared: false });
        return fail('io', `could not remove the autosave ${path}: ${(err as Error).message}`);
      }
      try {
        await rm(path, { force: true });
        return ok({ cleared: true });
      } catch (err) {
        return fail('io', `could not remove the autosave ${path}: ${(err as Error).message}`);
      }
    },
  };
}
