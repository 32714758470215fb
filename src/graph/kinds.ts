import { getNodeSpec, nodeTypes } from '../nodes/registry';
import type { NodeSpec, PortDecl } from '../nodes/types';
import { addZodIssues, zodSummary, type PathSegment, type ProblemList } from './problems';

/**
 * The document's view of the node registry: parsing a node's params for its kind (migrating
 * params saved by an older version of the kind) and listing its ports.
 */
export type NodeSpecLookup = (type: string) => NodeSpec<any> | undefined;

export const registryLookup: NodeSpecLookup = getNodeSpec;

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function unknownTypeMessage(type: string, lookup: NodeSpecLookup): string {
  const known = lookup === registryLookup ? nodeTypes() : [];
  return `unknown node type ${JSON.stringify(type)}${known.length > 0 ? `; known types: ${known.join(', ')}` : ''}`;
}

/**
 * Parses `raw` params saved with `version` of `spec`'s kind: migrates them step by step to the
 * current version, parses them with the kind's schema (defaults filled) and refuses names the kind
 * does not have. Adds problems under `base` and returns `undefined` on failure.
 */
export function parseNodeParams(spec: NodeSpec<any>, version: number, raw: Record<string, unknown>, base: readonly PathSegment[], problems: ProblemList): Record<string, unknown> | undefined {
  const at = (...rest: PathSegment[]) => [...base, ...rest];
  if (version > spec.version) {
    problems.add(at('version'), 'node-version-newer', `this ${spec.type} node was saved by a newer Unroll (params version ${version}; this Unroll knows up to ${spec.version}); update Unroll to open it`);
    return undefined;
  }
  let params = raw;
  for (let v = version; v < spec.version; v++) {
    if (!spec.migrate) {
      problems.add(at('version'), 'node-migration-missing', `${spec.type} params version ${v} cannot be upgraded to ${spec.version}: this Unroll has no migration for it`);
      return undefined;
    }
    try {
      const next: unknown = spec.migrate({ ...params }, v);
      if (!isPlainObject(next)) throw new Error('the migration did not return an object');
      params = next;
    } catch (e) {
      problems.add(at('params'), 'node-migration-failed', `upgrading ${spec.type} params from version ${v} to ${v + 1} failed: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }
  return checkParams(spec, params, at('params'), problems);
}

/** Parses params with the kind's schema and refuses unknown names; problems under `base` (the params object). */
export function checkParams(spec: NodeSpec<any>, params: Record<string, unknown>, base: readonly PathSegment[], problems: ProblemList): Record<string, unknown> | undefined {
  let parsed: { success: boolean; data?: unknown; error?: { issues: readonly { code: string; path: PropertyKey[]; message: string }[] } };
  try {
    parsed = spec.params.safeParse(params);
  } catch (e) {
    problems.add(base, 'params-invalid', `${spec.type} params could not be checked: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
  if (!parsed.success) {
    addZodIssues(problems, base, parsed.error?.issues ?? []);
    return undefined;
  }
  const out = parsed.data;
  if (!isPlainObject(out)) {
    problems.add(base, 'params-invalid', `${spec.type} params must be an object`);
    return undefined;
  }
  let ok = true;
  for (const key of Object.keys(params)) {
    if (!Object.hasOwn(out, key)) {
      problems.add([...base, key], 'unknown-param', `${spec.type} has no param "${key}"; its params are: ${Object.keys(out).join(', ') || '(none)'}`);
      ok = false;
    }
  }
  return ok ? out : undefined;
}

/** Parses params for an edit: a one-line message instead of problems. */
export function parseParamsForEdit(spec: NodeSpec<any>, params: Record<string, unknown>): { ok: true; params: Record<string, unknown> } | { ok: false; code: string; message: string } {
  let parsed: { success: boolean; data?: unknown; error?: { issues: readonly { code: string; path: PropertyKey[]; message: string }[] } };
  try {
    parsed = spec.params.safeParse(params);
  } catch (e) {
    return { ok: false, code: 'invalid-param', message: `${spec.type} params could not be checked: ${e instanceof Error ? e.message : String(e)}` };
  }
  const known = (): string => {
    const d = spec.params.safeParse({});
    return (d.success && isPlainObject(d.data) ? Object.keys(d.data).join(', ') : '') || '(none)';
  };
  const unknownMessage = (keys: readonly string[]) => `${spec.type} has no param ${keys.map((k) => `"${k}"`).join(', ')}; its params are: ${known()}`;
  if (!parsed.success || !isPlainObject(parsed.data)) {
    const issues = parsed.error?.issues ?? [];
    const unrecognized = issues.flatMap((i) => {
      const keys = (i as { keys?: unknown }).keys;
      return i.code === 'unrecognized_keys' && Array.isArray(keys) ? keys.map(String) : [];
    });
    if (unrecognized.length > 0) return { ok: false, code: 'unknown-param', message: unknownMessage(unrecognized) };
    return { ok: false, code: 'invalid-param', message: `invalid ${spec.type} params: ${zodSummary(issues)}` };
  }
  const out = parsed.data;
  const unknown = Object.keys(params).filter((k) => !Object.hasOwn(out, k));
  if (unknown.length > 0) return { ok: false, code: 'unknown-param', message: unknownMessage(unknown) };
  return { ok: true, params: out };
}

/** The node's ports for its params; `undefined` when the kind's `ports` throws. */
export function portsOf(spec: NodeSpec<any>, params: Record<string, unknown>): readonly PortDecl[] | undefined {
  try {
    return spec.ports(params);
  } catch {
    return undefined;
  }
}

export function portNames(ports: readonly PortDecl[], direction: 'in' | 'out'): string {
  const names = ports.filter((p) => p.direction === direction).map((p) => p.name);
  return names.length > 0 ? names.join(', ') : '(none)';
}
