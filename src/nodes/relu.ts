import { z } from 'zod';
import { elementwiseShape, unaryPorts } from './common';
import { unaryKernel } from './kernel-helpers';
import type { NodeSpec } from './types';

export const ReLUParams = z.strictObject({});
export type ReLUParams = z.infer<typeof ReLUParams>;

const PORTS = unaryPorts('the input x', 'max(0, x), the same size and role as x');

/** max(0, x), element-wise (derivative 0 at x = 0). */
export const ReLU: NodeSpec<ReLUParams> = {
  type: 'ReLU',
  version: 1,
  category: 'activation',
  title: 'ReLU',
  description: 'The rectifier max(0, x), element-wise. As the activation of a recurrence it is unbounded, so states and gradients can blow up.',
  params: ReLUParams,
  ports: () => PORTS,
  shape: (_p, inputs) => elementwiseShape(PORTS, inputs),
  paramTensors: () => [],
  equation: String.raw`y = \max(0, x)`,
  kernel: unaryKernel('ReLU', (x) => (x > 0 ? x : 0), (x) => (x > 0 ? 1 : 0)),
};
