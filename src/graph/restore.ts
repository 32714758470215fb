import { checkDocument } from './check';
import { CURRENT_VERSION, FORMAT, GraphDocumentSchema, type GraphDocument } from './document';
import { cloneJson, deepFreeze } from './freeze';
import { registryLookup, type NodeSpecLookup } from './kinds';
import { DEFAULT_LIMITS, scanText, toPlainTree, type RestoreLimits } from './limits';
import { MIGRATIONS, migrateDocument, type Migration } from './migrations';
import { addZodIssues, ProblemList, type Problem } from './problems';

/**
 * `restore()` is the only way into a `GraphDocument`: from text (a `*.unroll.json` file) or from
 * already-parsed data of unknown origin. It never throws. In order: size and depth limits on the
 * text → JSON parse → a fresh copy of the data under structural limits, refusing `__proto__`,
 * `constructor` and `prototype` keys → format and version (older versions migrated step by step,
 * newer ones refused) → the schema → document checks (see `./check`). It reports every problem it
 * finds, each with a `$`-rooted JSON path. The document it returns is built afresh and deep-frozen:
 * nothing the caller holds is shared with it.
 */
export type RestoreResult =
  | { readonly ok: true; readonly doc: GraphDocument; readonly warnings: Problem[] }
  | { readonly ok: false; readonly problems: Problem[] };

export interface RestoreOptions {
  /** Largest accepted text in UTF-8 bytes (default 64 MiB); shorthand for `limits.maxBytes`. */
  readonly maxBytes?: number;
  readonly limits?: Partial<RestoreLimits>;
  /** Format migrations (default: `MIGRATIONS`). */
  readonly migrations?: readonly Migration[];
  /**
   * The format version the current schema stands for (default `CURRENT_VERSION`). Only tests of
   * migration chains change it; the document returned always carries `CURRENT_VERSION`.
   */
  readonly currentVersion?: number;
  /** Node kinds (default: the node registry). */
  readonly nodeSpec?: NodeSpecLookup;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function safeMessage(e: unknown): string {
  try {
    return e instanceof Error ? e.message : typeof e === 'string' ? e : 'unknown error';
  } catch {
    return 'unknown error';
  }
}

export function restore(input: unknown, opts: RestoreOptions = {}): RestoreResult {
  const problems = new ProblemList();
  try {
    const result = restoreChecked(input, opts, problems);
    if (result) return result;
  } catch (e) {
    problems.add('$', 'unreadable', `the document could not be read: ${safeMessage(e)}`);
  }
  if (problems.size === 0) problems.add('$', 'unreadable', 'the document could not be read');
  return { ok: false, problems: problems.result() };
}

function restoreChecked(input: unknown, opts: RestoreOptions, problems: ProblemList): RestoreResult | undefined {
  const limits: RestoreLimits = { ...DEFAULT_LIMITS, ...opts.limits, ...(opts.maxBytes !== undefined ? { maxBytes: opts.maxBytes } : {}) };
  let data: unknown = input;
  if (typeof input === 'string') {
    if (!scanText(input, limits, problems)) return undefined;
    try {
      data = JSON.parse(input);
    } catch (e) {
      problems.add('$', 'json-syntax', `the file is not valid JSON: ${safeMessage(e)}`);
      return undefined;
    }
  }
  const tree = toPlainTree(data, limits, problems);
  if (tree === undefined) return undefined;
  if (!isPlainObject(tree)) {
    problems.add('$', 'not-a-document', `an Unroll graph document is a JSON object with "format": "${FORMAT}", not ${Array.isArray(tree) ? 'an array' : JSON.stringify(tree)}`);
    return undefined;
  }
  if (tree.format !== FORMAT) {
    problems.add('$.format', 'wrong-format', `this is not an Unroll graph document: "format" must be "${FORMAT}"${tree.format === undefined ? ' and is missing' : ''}`);
    return undefined;
  }

  const current = opts.currentVersion ?? CURRENT_VERSION;
  const version = tree.version;
  if (version === undefined) {
    problems.add('$.version', 'version-missing', '"version" is missing; every Unroll document states its format version (an integer)');
    return undefined;
  }
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    problems.add('$.version', 'version-invalid', `"version" must be a positive integer, not ${JSON.stringify(version)}`);
    return undefined;
  }
  if (version > current) {
    problems.add('$.version', 'version-newer', `this file was written by a newer version of Unroll (format version ${version}; this Unroll reads up to version ${current}); update Unroll to open it`);
    return undefined;
  }
  const warnings: Problem[] = [];
  let doc = tree;
  if (version < current) {
    const migrated = migrateDocument(tree, version, current, opts.migrations ?? MIGRATIONS, problems);
    if (!migrated) return undefined;
    doc = migrated.doc;
    warnings.push({
      path: '$.version',
      code: 'document-migrated',
      message: `the document was upgraded from format version ${version} to ${current} (${migrated.steps.map((s) => s.description).join('; ')}); saving writes version ${current}`,
    });
  }
  // The current schema describes `current`; documents in memory always carry CURRENT_VERSION.
  doc.version = CURRENT_VERSION;

  const parsed = GraphDocumentSchema.safeParse(doc);
  if (!parsed.success) addZodIssues(problems, [], parsed.error.issues);
  const checked = checkDocument(doc, opts.nodeSpec ?? registryLookup, problems);
  if (!parsed.success || problems.size > 0) return undefined;

  const out: GraphDocument = parsed.data;
  out.nodes = out.nodes.map((node, i) => {
    const res = checked.resolved.get(i)!;
    return { ...node, version: res.spec.version, params: cloneJson(res.params) };
  });
  return { ok: true, doc: deepFreeze(out), warnings: [...warnings, ...checked.warnings] };
}
