import type { PortDecl, PortRole, PortShape, ShapeErrorCode, ShapeResult } from './types';

/**
 * Shape-rule helpers shared by the node kinds. The role rule (docs/adding-a-node.md):
 * element-wise nodes accept `sequence`, `vector` and `state` and output the widest role of their
 * inputs, in the order vector < state < sequence. A vector combined with a sequence is broadcast over
 * time; a state (a value carried from step t−1, produced by a Delay) combined with a sequence is a
 * per-step value of the recurrence, i.e. a sequence; a state combined with vectors stays a state.
 */

export const ELEMENTWISE_ROLES: readonly PortRole[] = ['sequence', 'vector', 'state'];

const ROLE_RANK: Record<PortRole, number> = { scalar: -1, vector: 0, state: 1, sequence: 2 };

/** The widest of some roles (see the rule above). */
export function widestRole(roles: readonly PortRole[]): PortRole {
  let best: PortRole = 'vector';
  for (const r of roles) if (ROLE_RANK[r] > ROLE_RANK[best]) best = r;
  return best;
}

export function shapeError(code: ShapeErrorCode, port: string, message: string): ShapeResult {
  return { ok: false, code, port, message };
}

export function ok(outputs: Record<string, PortShape>): ShapeResult {
  return { ok: true, outputs };
}

/** Nothing to infer yet: some input is unknown. */
export const UNKNOWN: ShapeResult = { ok: true, outputs: {} };

function roleList(roles: readonly PortRole[]): string {
  return roles.length === 1 ? `a ${roles[0]}` : `a ${roles.slice(0, -1).join(', ')} or ${roles[roles.length - 1]}`;
}

/**
 * Checks every known input against its declaration (role and dtype). Returns the first error, or
 * null. Inputs of unknown shape are skipped.
 */
export function checkDeclared(ports: readonly PortDecl[], inputs: Readonly<Record<string, PortShape | undefined>>): ShapeResult | null {
  for (const p of ports) {
    if (p.direction !== 'in') continue;
    const s = inputs[p.name];
    if (s === undefined) continue;
    if (!p.roles.includes(s.role)) {
      return shapeError('incompatible-roles', p.name, `input "${p.name}" takes ${roleList(p.roles)}, but receives a ${s.role}`);
    }
    const want = p.dtype ?? 'real';
    if (s.dtype !== want) {
      const say = (d: string) => (d === 'index' ? 'class ids (index)' : 'real values');
      return shapeError('incompatible-dtype', p.name, `input "${p.name}" takes ${say(want)}, but receives ${say(s.dtype)}`);
    }
  }
  return null;
}

/** The shapes of the required inputs, or null when one of them is not known yet. */
export function requiredShapes(ports: readonly PortDecl[], inputs: Readonly<Record<string, PortShape | undefined>>): PortShape[] | null {
  const out: PortShape[] = [];
  for (const p of ports) {
    if (p.direction !== 'in' || p.optional) continue;
    const s = inputs[p.name];
    if (s === undefined) return null;
    out.push(s);
  }
  return out;
}

/** Input ports `in0 … in{k-1}`. */
export function numberedInputs(k: number, roles: readonly PortRole[], describe: (i: number) => string): PortDecl[] {
  return Array.from({ length: k }, (_, i) => ({ name: `in${i}`, direction: 'in' as const, roles, dtype: 'real' as const, description: describe(i) }));
}

export function outputPort(name: string, roles: readonly PortRole[], description: string): PortDecl {
  return { name, direction: 'out', roles, dtype: 'real', description };
}

/**
 * The shape rule of an element-wise node: every input has the same feature size as the first,
 * and the single output `out` has that size and the widest input role.
 */
export function elementwiseShape(ports: readonly PortDecl[], inputs: Readonly<Record<string, PortShape | undefined>>): ShapeResult {
  const bad = checkDeclared(ports, inputs);
  if (bad) return bad;
  const ins = ports.filter((p) => p.direction === 'in');
  let first: { name: string; dim: number } | undefined;
  for (const p of ins) {
    const s = inputs[p.name];
    if (s === undefined) continue;
    if (first === undefined) first = { name: p.name, dim: s.dim };
    else if (s.dim !== first.dim) {
      return shapeError('dim-mismatch', p.name, `input "${p.name}" has size ${s.dim}, but "${first.name}" has size ${first.dim}; element-wise inputs must have the same size`);
    }
  }
  const known = requiredShapes(ports, inputs);
  if (known === null || first === undefined) return UNKNOWN;
  return ok({ out: { role: widestRole(known.map((s) => s.role)), dim: first.dim, dtype: 'real' } });
}

/** The ports of a one-input element-wise node: `in` → `out`. */
export function unaryPorts(inDescription: string, outDescription: string): PortDecl[] {
  return [
    { name: 'in', direction: 'in', roles: ELEMENTWISE_ROLES, dtype: 'real', description: inDescription },
    outputPort('out', ELEMENTWISE_ROLES, outDescription),
  ];
}

/**
 * The shape rule of a node that turns class/token ids on its `index` input into real vectors of
 * size `outDim` (OneHot, Embedding): the ids' class count must equal the node's `countParam`.
 */
export function idsToVectorsShape(
  ports: readonly PortDecl[],
  inputs: Readonly<Record<string, PortShape | undefined>>,
  kind: string,
  countParam: string,
  count: number,
  outDim: number,
): ShapeResult {
  const bad = checkDeclared(ports, inputs);
  if (bad) return bad;
  const k = inputs.index;
  if (k === undefined) return UNKNOWN;
  if (k.dim !== count) {
    return shapeError('dim-mismatch', 'index', `input "index" has ${k.dim} classes, but this ${kind}'s ${countParam} is ${count}; set its ${countParam} to ${k.dim}`);
  }
  return ok({ out: { role: k.role, dim: outDim, dtype: 'real' } });
}
