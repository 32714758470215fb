import { z } from 'zod';
import { elementwiseShape, unaryPorts } from './common';
import { unaryKernel } from './kernel-helpers';
import type { NodeSpec } from './types';

export const SigmoidParams = z.strictObject({});
export type SigmoidParams = z.infer<typeof SigmoidParams>;

const PORTS = unaryPorts('the input x', 'σ(x), the same size and role as x');

/** σ(x), element-wise. */
export const Sigmoid: NodeSpec<SigmoidParams> = {
  type: 'Sigmoid',
  version: 1,
  category: 'activation',
  title: 'Sigmoid',
  description: 'The logistic sigmoid σ(x) = 1 / (1 + e^{−x}), element-wise; squashes into (0, 1), the activation of gates.',
  params: SigmoidParams,
  ports: () => PORTS,
  shape: (_p, inputs) => elementwiseShape(PORTS, inputs),
  paramTensors: () => [],
  equation: String.raw`y = \sigma(x) = \frac{1}{1 + e^{-x}}`,
  kernel: unaryKernel('Sigmoid', (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))), (_x, y) => y * (1 - y)),
};
