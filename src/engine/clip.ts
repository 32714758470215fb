/**
 * Gradient clipping (models.md "Training", settled):
 * - `value`: each component to `[−v, v]`;
 * - `norm`: over all trainable parameters together, `g ← g · (v/‖g‖)` exactly when `‖g‖ > v`
 *   (no epsilon), `‖g‖ = √(Σ_params Σ_i g_i²)`.
 * The pre-clip global norm is reported either way, with the post-clip one and per-parameter norms.
 * Norms are accumulated in float64 whatever the storage type.
 */
import type { FloatArray } from './init';

/** One parameter's gradient, named `<nodeId>.<param>`. An optimiser slot satisfies this too. */
export interface NamedGrad {
  readonly name: string;
  readonly grad: FloatArray;
}

export interface ClipConfig {
  readonly kind: 'norm' | 'value';
  /** `v`, positive. */
  readonly max: number;
}

export interface ClipReport {
  /** Global L2 norm of all gradients before clipping. */
  readonly preNorm: number;
  /** Global L2 norm after clipping (recomputed from the stored values); equals `preNorm` when nothing changed. */
  readonly postNorm: number;
  /** Whether any value was changed. */
  readonly clipped: boolean;
  /** False when a gradient holds NaN or ±Infinity; norm clipping then leaves every gradient unchanged. */
  readonly finite: boolean;
  /** Pre-clip L2 norm of each gradient, in input order. */
  readonly paramNorms: Float64Array;
}

export class ClipError extends Error {
  readonly code = 'clip-bad-config';
  constructor(message: string) {
    super(message);
    this.name = 'ClipError';
  }
}

function sumSquares(g: FloatArray): number {
  let s = 0;
  for (let i = 0; i < g.length; i++) s += g[i] * g[i];
  return s;
}

/** Per-parameter and global L2 norms, without changing anything. */
export function gradNorms(grads: readonly NamedGrad[]): { global: number; perParam: Float64Array } {
  const perParam = new Float64Array(grads.length);
  let total = 0;
  for (let p = 0; p < grads.length; p++) {
    const s = sumSquares(grads[p].grad);
    perParam[p] = Math.sqrt(s);
    total += s;
  }
  return { global: Math.sqrt(total), perParam };
}

/**
 * Clips `grads` in place as `config` says (no config: only measures) and reports the norms.
 * The list is the whole set of trainable parameters: the global norm is taken over all of it.
 */
export function clipGradients(grads: readonly NamedGrad[], config?: ClipConfig): ClipReport {
  if (config !== undefined && !(config.max > 0 && Number.isFinite(config.max))) {
    throw new ClipError(`gradient clipping (${config.kind}): max must be a positive finite number, got ${config.max}`);
  }
  const { global: preNorm, perParam: paramNorms } = gradNorms(grads);
  const finite = Number.isFinite(preNorm);
  let clipped = false;
  if (config?.kind === 'norm') {
    if (finite && preNorm > config.max) {
      const scale = config.max / preNorm;
      for (const { grad } of grads) for (let i = 0; i < grad.length; i++) grad[i] *= scale;
      clipped = true;
    }
  } else if (config?.kind === 'value') {
    const v = config.max;
    for (const { grad } of grads) {
      for (let i = 0; i < grad.length; i++) {
        const x = grad[i];
        if (x > v) {
          grad[i] = v;
          clipped = true;
        } else if (x < -v) {
          grad[i] = -v;
          clipped = true;
        }
      }
    }
  } else if (config !== undefined) {
    throw new ClipError(`gradient clipping: unknown kind ${JSON.stringify((config as { kind: unknown }).kind)}; use "norm" or "value"`);
  }
  const postNorm = clipped ? gradNorms(grads).global : preNorm;
  return { preNorm, postNorm, clipped, finite, paramNorms };
}
