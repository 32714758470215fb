/**
 * The reference tensor: a dense, row-major float64 array with a shape. Kernels of the reference
 * backend (and the node kernels in `src/nodes/`) compute on it; it is also what gradient checks
 * perturb. Index tensors (class or token ids) use the same type and hold integral values.
 */
export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

/** Number of elements of a shape (`[]` is a scalar: 1 element). */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function checkShape(shape: readonly number[]): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`invalid tensor shape [${shape.join(', ')}]: every dimension must be a non-negative integer`);
  }
}

export function zeros(shape: readonly number[]): Tensor {
  checkShape(shape);
  return { shape: [...shape], data: new Float64Array(numel(shape)) };
}

export function full(shape: readonly number[], value: number): Tensor {
  const t = zeros(shape);
  t.data.fill(value);
  return t;
}

export function scalar(value: number): Tensor {
  return { shape: [], data: Float64Array.of(value) };
}

/** A tensor holding `values` (row-major); their count must match the shape. */
export function fromValues(shape: readonly number[], values: ArrayLike<number>): Tensor {
  checkShape(shape);
  const n = numel(shape);
  if (values.length !== n) throw new Error(`fromValues: shape [${shape.join(', ')}] needs ${n} values, got ${values.length}`);
  return { shape: [...shape], data: Float64Array.from(values) };
}

export function clone(t: Tensor): Tensor {
  return { shape: [...t.shape], data: t.data.slice() };
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function shapeString(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Throws unless `t` has exactly `shape`; `what` names the tensor in the message. */
export function expectShape(t: Tensor, shape: readonly number[], what: string): void {
  if (!sameShape(t.shape, shape)) throw new Error(`${what}: expected shape ${shapeString(shape)}, got ${shapeString(t.shape)}`);
}

/** Rows and columns of a 2-D tensor `[N, D]`; throws with `what` in the message otherwise. */
export function dims2(t: Tensor, what: string): [number, number] {
  if (t.shape.length !== 2) throw new Error(`${what}: expected a 2-D tensor [N, D], got ${shapeString(t.shape)}`);
  return [t.shape[0], t.shape[1]];
}

/** A new tensor with `f` applied element-wise. */
export function map(t: Tensor, f: (x: number, i: number) => number): Tensor {
  const out = zeros(t.shape);
  const a = t.data;
  const o = out.data;
  for (let i = 0; i < a.length; i++) o[i] = f(a[i], i);
  return out;
}

/** `acc += t` in place (same shape). Gradients accumulate with this. */
export function addInto(acc: Tensor, t: Tensor): void {
  expectShape(t, acc.shape, 'addInto');
  const a = acc.data;
  const b = t.data;
  for (let i = 0; i < a.length; i++) a[i] += b[i];
}

/** Σ a ⊙ b over all elements (same shape). */
export function dot(a: Tensor, b: Tensor): number {
  expectShape(b, a.shape, 'dot');
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += a.data[i] * b.data[i];
  return s;
}

/** Largest absolute difference between two same-shaped tensors. */
export function maxAbsDiff(a: Tensor, b: Tensor): number {
  expectShape(b, a.shape, 'maxAbsDiff');
  let m = 0;
  for (let i = 0; i < a.data.length; i++) m = Math.max(m, Math.abs(a.data[i] - b.data[i]));
  return m;
}
