import { GraphDocumentSchema, WeightSchema, type GraphDocument } from './document';
import { addZodIssues, ProblemList, type PathSegment, type Problem } from './problems';
import { checkWeight } from './weights';

/**
 * Writes a document as pretty JSON with a stable key order (known fields in the order of the format
 * description, other keys sorted), so that saving the same document twice gives the same bytes and
 * diffs stay small. Refuses — with the path of each offender — any non-finite number, any value
 * JSON cannot hold, a document the schema refuses, and weights that do not decode to finite values.
 */
export type SerializeResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly problems: Problem[] };

const KEY_ORDER = [
  'format', 'id', 'kind', 'type', 'version', 'label', 'name', 'description', 'created', 'modified', 'tags', 'meta',
  'position', 'x', 'y', 'params', 'source', 'target', 'node', 'port', 'nodes', 'edges', 'training', 'weights', 'shape', 'dtype', 'data',
];
const RANK = new Map(KEY_ORDER.map((k, i) => [k, i]));

/** Known keys first in KEY_ORDER, then the rest by UTF-16 code units. */
function compareKeys(a: string, b: string): number {
  const ra = RANK.get(a);
  const rb = RANK.get(b);
  if (ra !== undefined || rb !== undefined) return (ra ?? Infinity) - (rb ?? Infinity) || 0;
  return a < b ? -1 : a > b ? 1 : 0;
}

const MAX_DEPTH = 64;
const INDENT = '  ';

function print(value: unknown, path: PathSegment[], depth: number, problems: ProblemList): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) {
        problems.add(path, 'non-finite-number', `${value} cannot be saved: a document stores finite numbers only`);
        return 'null';
      }
      return Object.is(value, -0) ? '-0' : JSON.stringify(value);
    case 'object':
      break;
    default:
      problems.add(path, 'not-json-value', `${typeof value} cannot be saved in a JSON document`);
      return 'null';
  }
  if (depth >= MAX_DEPTH) {
    problems.add(path, 'too-deep', `values are nested more than ${MAX_DEPTH} levels deep (or refer to themselves)`);
    return 'null';
  }
  const pad = INDENT.repeat(depth + 1);
  const close = INDENT.repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const items: string[] = [];
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (v === undefined) problems.add([...path, i], 'not-json-value', 'undefined cannot be saved in a JSON array');
      items.push(print(v, [...path, i], depth + 1, problems));
    }
    const scalars = value.every((v) => typeof v !== 'object' || v === null);
    return scalars ? `[${items.join(', ')}]` : `[\n${pad}${items.join(`,\n${pad}`)}\n${close}]`;
  }
  const keys = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort(compareKeys);
  if (keys.length === 0) return '{}';
  const lines = keys.map((k) => `${pad}${JSON.stringify(k)}: ${print((value as Record<string, unknown>)[k], [...path, k], depth + 1, problems)}`);
  return `{\n${lines.join(',\n')}\n${close}}`;
}

export function serialize(doc: GraphDocument): SerializeResult {
  const problems = new ProblemList();
  try {
    const text = print(doc, [], 0, problems);
    if (problems.size === 0) {
      const parsed = GraphDocumentSchema.safeParse(doc);
      if (!parsed.success) addZodIssues(problems, [], parsed.error.issues);
    }
    for (const [name, w] of Object.entries(doc.weights ?? {})) {
      const valid = WeightSchema.safeParse(w);
      if (!valid.success) continue; // reported above
      const c = checkWeight(valid.data);
      if (!c.ok) problems.add(['weights', name, 'data'], c.code, `weight "${name}" cannot be saved: ${c.message}`);
    }
    if (problems.size > 0) return { ok: false, problems: problems.result() };
    return { ok: true, text: `${text}\n` };
  } catch (e) {
    problems.add('$', 'unserializable', `the document could not be written: ${e instanceof Error ? e.message : 'unknown error'}`);
    return { ok: false, problems: problems.result() };
  }
}
