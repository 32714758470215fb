import { z } from 'zod';
import { elementwiseShape, unaryPorts } from './common';
import { unaryKernel } from './kernel-helpers';
import type { NodeSpec } from './types';

export const TanhParams = z.strictObject({});
export type TanhParams = z.infer<typeof TanhParams>;

const PORTS = unaryPorts('the input x', 'tanh(x), the same size and role as x');

/** tanh(x), element-wise. */
export const Tanh: NodeSpec<TanhParams> = {
  type: 'Tanh',
  version: 1,
  category: 'activation',
  title: 'Tanh',
  description: 'The hyperbolic tangent, element-wise; squashes into (−1, 1), the activation of Elman cells and candidate states.',
  params: TanhParams,
  ports: () => PORTS,
  shape: (_p, inputs) => elementwiseShape(PORTS, inputs),
  paramTensors: () => [],
  equation: String.raw`y = \tanh(x)`,
  kernel: unaryKernel('Tanh', Math.tanh, (_x, y) => 1 - y * y),
};
