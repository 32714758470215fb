/**
 * Numbers in a case's JSON (or in Unroll's result) as leaves by path: `loss`,
 * `outputs.l0.gates.f`, `grads.out.V`, `tbptt[1].grads.l0.W_z`. A leaf is a tensor `{shape, data}`,
 * a plain number (shape `[]`) or a list of numbers (shape `[n]`, nested lists rectangular). Keys that
 * hold dots (`"l0.U_f"`) and nested objects give the same path, so `{"l0": {"h": …}}` and
 * `{"l0.h": …}` are one leaf. Strings, booleans and null are not numeric leaves.
 */

export interface Leaf {
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function isTensor(v: Record<string, unknown>): boolean {
  const keys = Object.keys(v);
  return keys.length === 2 && Array.isArray(v.shape) && Array.isArray(v.data) && v.shape.every((d) => typeof d === 'number') && v.data.every((d) => typeof d === 'number');
}

/** The shape and values of a rectangular nested list of numbers, or null. */
function numericList(v: readonly unknown[]): Leaf | null {
  if (v.every((x) => typeof x === 'number')) return { shape: [v.length], data: v as number[] };
  if (v.length === 0 || !v.every((x) => Array.isArray(x))) return null;
  const parts = v.map((x) => numericList(x as unknown[]));
  const first = parts[0];
  if (first === null || parts.some((p) => p === null || p.shape.length !== first.shape.length || p.shape.some((d, i) => d !== first.shape[i]))) return null;
  const data: number[] = [];
  for (const p of parts) for (let i = 0; i < p!.data.length; i++) data.push(p!.data[i]);
  return { shape: [v.length, ...first.shape], data };
}

export function joinPath(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}.${key}`;
}

/** Every numeric leaf under `value`, by path (`prefix` roots the paths). */
export function flatten(value: unknown, prefix = '', out = new Map<string, Leaf>()): Map<string, Leaf> {
  if (typeof value === 'number') out.set(prefix, { shape: [], data: [value] });
  else if (Array.isArray(value)) {
    const list = numericList(value);
    if (list !== null) out.set(prefix, list);
    else value.forEach((x, i) => flatten(x, `${prefix}[${i}]`, out));
  } else if (isObject(value)) {
    if (isTensor(value)) out.set(prefix, { shape: value.shape as number[], data: value.data as number[] });
    else for (const [k, v] of Object.entries(value)) flatten(v, joinPath(prefix, k), out);
  }
  return out;
}

/** Row-major multi-index of flat position `i` in `shape`. */
export function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  let r = i;
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = r % shape[d];
    r = Math.floor(r / shape[d]);
  }
  return idx;
}
