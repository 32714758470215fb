import { z } from 'zod';
import { checkDeclared, ok, UNKNOWN } from './common';
import type { NodeSpec, PortDecl } from './types';

export const ReverseParams = z.strictObject({});
export type ReverseParams = z.infer<typeof ReverseParams>;

const PORTS: PortDecl[] = [
  { name: 'in', direction: 'in', roles: ['sequence'], dtype: 'real', description: 'a sequence x_1 … x_T' },
  { name: 'out', direction: 'out', roles: ['sequence'], dtype: 'real', description: 'each sample’s valid prefix backwards: x_{τ_b}, …, x_1, then zeros' },
];

/**
 * Time reversal of each sample's valid prefix: `y_{b,t} = x_{b, τ_b − t + 1}` for `t ≤ τ_b`, zero at
 * padded steps. It has no kernel: the scheduler runs it over all steps at once with the batch's
 * lengths (its backward is the same permutation), so it cannot sit on a cycle or run in chunks.
 */
export const Reverse: NodeSpec<ReverseParams> = {
  type: 'Reverse',
  version: 1,
  category: 'structure',
  title: 'Reverse',
  description:
    'Reverses each sample’s sequence within its own length τ_b (padding stays at the end): the backward direction of a bidirectional layer reads its input through one and its output through another.',
  params: ReverseParams,
  ports: () => PORTS,
  shape: (_p, inputs) => {
    const bad = checkDeclared(PORTS, inputs);
    if (bad) return bad;
    const x = inputs.in;
    return x === undefined ? UNKNOWN : ok({ out: { role: 'sequence', dim: x.dim, dtype: 'real' } });
  },
  paramTensors: () => [],
  equation: String.raw`y_{b,t} = x_{b,\tau_b - t + 1} \quad (t \le \tau_b)`,
};
