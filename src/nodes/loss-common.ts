import { z } from 'zod';
import { checkDeclared, ok, shapeError, UNKNOWN } from './common';
import type { PortDecl, PortShape, ShapeResult } from './types';

/**
 * How a loss's per-step terms become one number (models.md "Outputs and losses"):
 * `sumTimeMeanBatch` `L = (1/B) Σ_b Σ_t m ℓ`, `meanValidSteps` `L = Σ m ℓ / Σ m`.
 * The loss kernels return `Σ m ℓ` (output `loss`) and `m ℓ` per row (output `rows`); the caller
 * divides by B or by Σ m, since only it sees the whole batch and all steps.
 */
export const Reduction = z.enum(['sumTimeMeanBatch', 'meanValidSteps']).default('sumTimeMeanBatch');

export const LOSS_OUTPUT: PortDecl = {
  name: 'loss',
  direction: 'out',
  roles: ['scalar'],
  dtype: 'real',
  description: 'the reduced loss L',
};

/**
 * Shape rule of a loss of a prediction and a target: same role on both, and the target's size
 * (class count for ids) equals the prediction's size.
 */
export function lossShape(
  ports: readonly PortDecl[],
  inputs: Readonly<Record<string, PortShape | undefined>>,
  pred: string,
  target: string,
  sizeWord: string,
): ShapeResult {
  const bad = checkDeclared(ports, inputs);
  if (bad) return bad;
  const p = inputs[pred];
  const t = inputs[target];
  if (p === undefined || t === undefined) return UNKNOWN;
  if (p.role !== t.role) {
    return shapeError('incompatible-roles', target, `input "${target}" is a ${t.role}, but "${pred}" is a ${p.role}; a loss compares values of the same role`);
  }
  if (p.dim !== t.dim) {
    return shapeError('dim-mismatch', target, `input "${target}" has ${t.dim} ${sizeWord}, but "${pred}" has ${p.dim}`);
  }
  return ok({ loss: { role: 'scalar', dim: 0, dtype: 'real' } });
}
