import { z } from 'zod';

/**
 * Every answer the host gives is data: either `{ ok: true, result }` or `{ ok: false, error }`.
 * Nothing is thrown across the process boundary, so the renderer always gets a code it can act on
 * and a message that names the offending thing.
 */

export const ERROR_CODES = [
  /** The request name is not part of the protocol. */
  'unknown-request',
  /** The payload does not match the request's schema; `path` names the field. */
  'bad-payload',
  /** The caller did not prove it belongs to this launch (web host token, Electron sender frame). */
  'unauthorized',
  /** The thing named in the payload does not exist (an example id, a file). */
  'not-found',
  /** Reading or writing a file failed. */
  'io',
  /** The user dismissed a dialog. */
  'cancelled',
  /** This host cannot do that (e.g. the web host opening a file by path); the message says what to use instead. */
  'unsupported',
  /** A training session could not start or failed: the message (and `details`) name the config field, node or backend. */
  'session',
  /** The model cannot answer this input (`infer`): `path` names the request field (`request.seed`) or `doc` for the graph, the message the character, token or node. */
  'inference',
  /** A batch cannot be traced or a node's gradients checked (`trace.*`): `path` names the field (`data`, `node`) or `doc` for the graph. */
  'trace',
  /** A bug in the host: the message says where. */
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const ProtocolErrorSchema = z.strictObject({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  /** Dotted path of the offending field inside the payload, e.g. `doc.nodes[0].id`. */
  path: z.string().optional(),
  /** Every problem behind the error, when there are several (a graph that does not compile: one per node). */
  details: z.array(z.strictObject({ where: z.string(), code: z.string(), message: z.string() })).optional(),
});
export type ProtocolError = z.infer<typeof ProtocolErrorSchema>;

export type Reply<T> = { readonly ok: true; readonly result: T } | { readonly ok: false; readonly error: ProtocolError };

export function ok<T>(result: T): Reply<T> {
  return { ok: true, result };
}

export function fail(code: ErrorCode, message: string, path?: string): Reply<never> {
  return { ok: false, error: path === undefined ? { code, message } : { code, message, path } };
}

/** `['doc', 'nodes', 0, 'id']` → `doc.nodes[0].id`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/**
 * Turns zod issues into one protocol error. The first issue decides `path`; the message lists every
 * issue with its field so the user sees all of them at once.
 */
export function issuesToError(issues: readonly z.core.$ZodIssue[], root: string): ProtocolError {
  const describe = (issue: z.core.$ZodIssue): { path: string; text: string } => {
    const base = formatPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => (base === '' ? k : `${base}.${k}`));
      return { path: keys[0] ?? base, text: `unknown field ${keys.join(', ')}` };
    }
    return { path: base, text: issue.message };
  };
  const described = issues.map(describe);
  const first = described[0];
  const message = described.map((d) => `${d.path === '' ? root : `${root}.${d.path}`}: ${d.text}`).join('; ');
  return first === undefined || first.path === '' ? { code: 'bad-payload', message } : { code: 'bad-payload', message, path: first.path };
}
