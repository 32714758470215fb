import { restore } from '../src/graph/restore';
import { serialize } from '../src/graph/serialize';
import type { Problem } from '../src/graph/problems';
import { fail, isPlainFileName, ok, type DocumentProblem, type OpenResult, type Reply, type RequestHandlers } from '../src/protocol';
import { EXAMPLES } from './examples';

/**
 * The host's implementation of the protocol, written once. The web host and Electron adapt it to
 * their transports; what differs between them (where a saved file goes) comes in as options.
 */
export interface ServiceOptions {
  readonly host: 'electron' | 'web';
  readonly name: string;
  readonly version: string;
  /**
   * Electron: asks the user where to save (suggesting `fileName`) and writes `text` atomically,
   * answering the path, or `cancelled`. Absent in the web host, where the browser downloads the text.
   */
  readonly saveFile?: (fileName: string, text: string) => Promise<Reply<{ path: string }>>;
}

/** Opening goes through `restore()`, the only way into a document. */
export function openText(text: string): OpenResult {
  const restored = restore(text);
  const plain = (p: Problem): DocumentProblem => ({ code: p.code, path: p.path, message: p.message });
  if (restored.ok) return { status: 'restored', doc: restored.doc, warnings: restored.warnings.map(plain) };
  return { status: 'refused', problems: restored.problems.map(plain) };
}

/** `My graph` → `My graph.unroll.json`; characters a file system may refuse become `_`. */
export function documentFileName(name: string): string {
  const base = [...name].map((c) => (isPlainFileName(c) ? c : '_')).join('').trim() || 'untitled';
  return `${base.slice(0, 180)}.unroll.json`;
}

export function createService(opts: ServiceOptions): RequestHandlers {
  return {
    'app.info': async () => ok({ name: opts.name, version: opts.version, host: opts.host }),
    'examples.list': async () => ok({ examples: EXAMPLES.map(({ id, title, description }) => ({ id, title, description })) }),
    'examples.open': async ({ id }) => {
      const example = EXAMPLES.find((e) => e.id === id);
      if (example === undefined) return fail('not-found', `no example ${JSON.stringify(id)}: expected one of ${EXAMPLES.map((e) => e.id).join(', ')}`, 'id');
      return ok(openText(example.text()));
    },
    'document.open': async ({ text }) => ok(openText(text)),
    'document.save': async ({ doc, fileName }) => {
      const saved = serialize(doc);
      if (!saved.ok) {
        const first = saved.problems[0];
        return fail('bad-payload', `the document cannot be saved: ${saved.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, first === undefined ? 'doc' : `doc${first.path.slice(1)}`);
      }
      const name = fileName ?? documentFileName(doc.meta.name);
      if (opts.saveFile === undefined) return ok({ text: saved.text, fileName: name });
      const written = await opts.saveFile(name, saved.text);
      if (!written.ok) return written;
      return ok({ text: saved.text, fileName: name, path: written.result.path });
    },
  };
}
