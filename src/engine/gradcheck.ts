import type { KernelContext, NodeKernel } from '../nodes/kernel-types';
import type { NodeSpec, PortShape } from '../nodes/types';
import { clone, dot, expectShape, maxAbsDiff, zeros, type Tensor } from './tensor';

/**
 * Finite-difference check of a node kernel's backward pass, in float64.
 * With random inputs x, params θ and a random weighting r of every output, the scalar
 * `L = Σ_outputs Σ r ⊙ y` is differentiated analytically (the kernel's backward with ∂L/∂y = r) and
 * by central differences `(L(θ+h) − L(θ−h)) / 2h`, element by element.
 */

/** mulberry32: a small, fast, seeded PRNG returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GradcheckOptions {
  readonly seed?: number;
  /** Rows N of every input (default 4). */
  readonly rows?: number;
  /** Feature size per input port (default 3 each). */
  readonly dims?: Readonly<Record<string, number>>;
  /** Finite-difference step h (default 1e-5). */
  readonly step?: number;
}

export interface GradcheckReport {
  readonly type: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** Max relative error per real input port. */
  readonly inputs: Readonly<Record<string, number>>;
  /** Max relative error per parameter tensor. */
  readonly paramTensors: Readonly<Record<string, number>>;
  /** The largest of all of the above. */
  readonly maxError: number;
}

/**
 * Relative error of one element: `|a − n| / max(|a|, |n|, 1e-8)`; the floor keeps gradients that are
 * zero in both from dividing by zero.
 */
export function relativeError(analytic: number, numeric: number): number {
  return Math.abs(analytic - numeric) / Math.max(Math.abs(analytic), Math.abs(numeric), 1e-8);
}

function uniform(shape: readonly number[], rand: () => number, lo: number, hi: number): Tensor {
  const t = zeros(shape);
  for (let i = 0; i < t.data.length; i++) t.data[i] = lo + (hi - lo) * rand();
  return t;
}

/** Random arguments for one kernel call, consistent with the node's shape rule. */
export interface KernelSample {
  readonly attrs: unknown;
  /** The input shapes the sample was drawn for, and the outputs the shape rule infers from them. */
  readonly inputShapes: Readonly<Record<string, PortShape>>;
  readonly outputShapes: Readonly<Record<string, PortShape>>;
  readonly inputs: Record<string, Tensor>;
  readonly params: Record<string, Tensor>;
  readonly ctx: KernelContext;
}

/**
 * Draws inputs and params for `spec` at the params `raw` (parsed by the spec's schema): each input
 * port gets its first accepted role and the size `dims[port]` (3 by default); real values are uniform
 * in [−1, 1], index inputs random ids; the mask drops the last row. Throws when the shape rule
 * refuses the chosen sizes.
 */
export function sampleKernelArgs(spec: NodeSpec<any>, raw: Readonly<Record<string, unknown>>, rand: () => number, options: GradcheckOptions = {}): KernelSample {
  const attrs: unknown = spec.params.parse(raw);
  const n = options.rows ?? 4;
  const inPorts = spec.ports(attrs).filter((p) => p.direction === 'in');
  const inputShapes: Record<string, PortShape> = {};
  for (const p of inPorts) inputShapes[p.name] = { role: p.roles[0], dim: options.dims?.[p.name] ?? 3, dtype: p.dtype ?? 'real' };
  const rule = spec.shape(attrs, inputShapes);
  if (!rule.ok) throw new Error(`${spec.type}: the sampled input sizes are refused at "${rule.port}": ${rule.message}`);

  const inputs: Record<string, Tensor> = {};
  for (const p of inPorts) {
    const s = inputShapes[p.name];
    if (s.dtype === 'index') {
      const ids = zeros([n]);
      for (let i = 0; i < n; i++) ids.data[i] = Math.floor(rand() * s.dim);
      inputs[p.name] = ids;
    } else {
      inputs[p.name] = uniform([n, s.dim], rand, -1, 1);
    }
  }
  const params: Record<string, Tensor> = {};
  for (const d of spec.paramTensors(attrs, inputShapes)) params[d.name] = uniform(d.shape, rand, -1, 1);
  const mask = zeros([n]);
  for (let i = 0; i < n; i++) mask.data[i] = i === n - 1 && n > 1 ? 0 : 1;
  return { attrs, inputShapes, outputShapes: rule.outputs, inputs, params, ctx: { mask } };
}

/**
 * Checks `spec.kernel` at the params `raw` on a random sample (`sampleKernelArgs`). Index inputs get
 * no gradient check; the mask drops the last row, so masking is checked too. Throws when the spec
 * has no kernel, its shape rule refuses the sample, or the kernel changes its inputs.
 */
export function gradcheckNode(spec: NodeSpec<any>, raw: Readonly<Record<string, unknown>> = {}, options: GradcheckOptions = {}): GradcheckReport {
  const kernel: NodeKernel<unknown, unknown> | undefined = spec.kernel;
  if (kernel === undefined) throw new Error(`${spec.type} has no kernel to check`);
  const rand = seededRandom(options.seed ?? 1234);
  const h = options.step ?? 1e-5;
  const { attrs, inputShapes, inputs, params, ctx } = sampleKernelArgs(spec, raw, rand, options);
  const real = Object.keys(inputs).filter((name) => inputShapes[name].dtype === 'real');

  const before = [...Object.values(inputs), ...Object.values(params)].map(clone);
  const first = kernel.forward(inputs, params, attrs, ctx);
  const weights: Record<string, Tensor> = {};
  for (const [name, y] of Object.entries(first.outputs)) weights[name] = uniform(y.shape, rand, -1, 1);
  const objective = (): number => {
    const { outputs } = kernel.forward(inputs, params, attrs, ctx);
    let l = 0;
    for (const [name, y] of Object.entries(outputs)) l += dot(weights[name], y);
    return l;
  };
  const grads = kernel.backward(weights, first.saved, inputs, params, attrs);
  const after = [...Object.values(inputs), ...Object.values(params)];
  if (before.some((t, i) => maxAbsDiff(t, after[i]) !== 0)) throw new Error(`${spec.type}: the kernel modified its inputs or params`);

  const check = (x: Tensor, analytic: Tensor | undefined, what: string): number => {
    const a = analytic ?? zeros(x.shape);
    expectShape(a, x.shape, `${spec.type}: gradient of ${what}`);
    let worst = 0;
    for (let i = 0; i < x.data.length; i++) {
      const keep = x.data[i];
      x.data[i] = keep + h;
      const plus = objective();
      x.data[i] = keep - h;
      const minus = objective();
      x.data[i] = keep;
      worst = Math.max(worst, relativeError(a.data[i], (plus - minus) / (2 * h)));
    }
    return worst;
  };

  const inputErrors: Record<string, number> = {};
  for (const name of real) inputErrors[name] = check(inputs[name], grads.inputs[name], `input "${name}"`);
  const paramErrors: Record<string, number> = {};
  for (const name of Object.keys(params)) paramErrors[name] = check(params[name], grads.params[name], `param "${name}"`);
  const maxError = Math.max(0, ...Object.values(inputErrors), ...Object.values(paramErrors));
  return { type: spec.type, params: raw, inputs: inputErrors, paramTensors: paramErrors, maxError };
}
