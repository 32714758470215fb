/**
 * Branded identifiers. A plain string cannot be passed where a NodeId is expected without going
 * through one of the constructors below, which check the syntax.
 */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type NodeId = Brand<string, 'NodeId'>;
export type EdgeId = Brand<string, 'EdgeId'>;
/** `<nodeId>.<param>`, e.g. `l0.U_f` or `l0.fwd.U`. */
export type WeightName = Brand<string, 'WeightName'>;

/** Ids are short identifiers: a letter or `_`, then letters, digits, `_` or `-` (at most 64). */
export const ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

export function isValidId(s: string): boolean {
  return ID_PATTERN.test(s);
}

export function nodeId(s: string): NodeId {
  if (!isValidId(s)) throw new Error(`invalid node id ${JSON.stringify(s)}: use letters, digits, _ or -, starting with a letter or _`);
  return s as NodeId;
}

export function edgeId(s: string): EdgeId {
  if (!isValidId(s)) throw new Error(`invalid edge id ${JSON.stringify(s)}: use letters, digits, _ or -, starting with a letter or _`);
  return s as EdgeId;
}

export function weightName(node: NodeId, param: string): WeightName {
  return `${node}.${param}` as WeightName;
}
