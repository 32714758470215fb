import { z } from 'zod';
import { checkDeclared, ok, UNKNOWN } from './common';
import type { NodeSpec, PortDecl } from './types';

export const LastStepParams = z.strictObject({});
export type LastStepParams = z.infer<typeof LastStepParams>;

const PORTS: PortDecl[] = [
  { name: 'in', direction: 'in', roles: ['sequence'], dtype: 'real', description: 'a sequence x_1 … x_T' },
  { name: 'out', direction: 'out', roles: ['vector'], dtype: 'real', description: 'x at each sample’s last valid step τ_b' },
];

/**
 * n→1 reading: each sample's value at its last valid step `τ_b`. It has no kernel: the scheduler
 * picks the step per sample (and routes the gradient back to it).
 */
export const LastStep: NodeSpec<LastStepParams> = {
  type: 'LastStep',
  version: 1,
  category: 'structure',
  title: 'Last step',
  description:
    'Reads a sequence at each sample’s last valid step (its length τ_b, not the padded length): the n→1 shape, e.g. classifying a whole sequence from its final state.',
  params: LastStepParams,
  ports: () => PORTS,
  shape: (_p, inputs) => {
    const bad = checkDeclared(PORTS, inputs);
    if (bad) return bad;
    const x = inputs.in;
    return x === undefined ? UNKNOWN : ok({ out: { role: 'vector', dim: x.dim, dtype: 'real' } });
  },
  paramTensors: () => [],
  equation: String.raw`y_b = x_{b,\tau_b}`,
};
