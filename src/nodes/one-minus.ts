import { z } from 'zod';
import { elementwiseShape, unaryPorts } from './common';
import { unaryKernel } from './kernel-helpers';
import type { NodeSpec } from './types';

export const OneMinusParams = z.strictObject({});
export type OneMinusParams = z.infer<typeof OneMinusParams>;

const PORTS = unaryPorts('the input x', '1 − x, the same size and role as x');

/** 1 − x, element-wise. */
export const OneMinus: NodeSpec<OneMinusParams> = {
  type: 'OneMinus',
  version: 1,
  category: 'primitive',
  title: 'One minus',
  description: '1 − x, element-wise: the complement of a gate, as in the GRU update h = z ⊙ h_{t−1} + (1 − z) ⊙ ĥ.',
  params: OneMinusParams,
  ports: () => PORTS,
  shape: (_p, inputs) => elementwiseShape(PORTS, inputs),
  paramTensors: () => [],
  equation: String.raw`y = 1 - x`,
  kernel: unaryKernel('OneMinus', (x) => 1 - x, () => -1),
};
