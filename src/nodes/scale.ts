import { z } from 'zod';
import { dims2, map } from '../engine/tensor';
import { elementwiseShape, unaryPorts } from './common';
import { gradOf, need } from './kernel-helpers';
import type { NodeSpec } from './types';

export const ScaleParams = z.strictObject({
  /** The constant s (not trained). */
  factor: z.number().refine(Number.isFinite, { message: 'must be a finite number' }).default(1),
});
export type ScaleParams = z.infer<typeof ScaleParams>;

const PORTS = unaryPorts('the input x', 's · x, the same size and role as x');

/** y = s · x with a fixed constant s. */
export const Scale: NodeSpec<ScaleParams> = {
  type: 'Scale',
  version: 1,
  category: 'primitive',
  title: 'Scale',
  description: 'Multiplies its input by a fixed constant s (not trained), e.g. 1/√d before a softmax or −1 to subtract with an Add.',
  params: ScaleParams,
  ports: () => PORTS,
  shape: (_p, inputs) => elementwiseShape(PORTS, inputs),
  paramTensors: () => [],
  equation: String.raw`y = s\, x`,
  kernel: {
    forward(inputs, _params, p) {
      const x = need(inputs, 'in', 'Scale'); // x: (N,D)
      dims2(x, 'Scale input "in"');
      return { outputs: { out: map(x, (v) => p.factor * v) }, saved: x.shape };
    },
    backward(gradOutputs, shape: readonly number[], _inputs, _params, p) {
      const dy = gradOf(gradOutputs, 'out', shape, 'Scale'); // dx = s dy
      return { inputs: { in: map(dy, (v) => p.factor * v) }, params: {} };
    },
    checks: [{ params: { factor: -2.5 } }, { params: { factor: 0 } }],
  },
};
