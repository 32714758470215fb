import { z } from 'zod';
import { checkDeclared, ok, shapeError } from './common';
import type { NodeSpec, PortDecl } from './types';

export const DelayParams = z.strictObject({
  /** Size of the delayed value; its input must have this size. */
  size: z.number().int().min(1).max(1 << 16).default(16),
  /**
   * The value at t = 1: zeros, a learned vector `h0 [size]` broadcast over the batch, or the fixed
   * one-hot vector `e_k` (k = `initIndex`), e.g. a decoder's start token fed back as its own previous
   * token. A connected `init` input overrides it (and no `h0` is declared).
   */
  init: z.enum(['zeros', 'learned', 'onehot']).default('zeros'),
  /** With init `onehot`: the position k of the 1, in 0 … size−1. Absent means size − 1 (where Unroll's n→m tasks put the start token). */
  initIndex: z
    .number()
    .int()
    .min(0)
    .max((1 << 16) - 1)
    .optional(),
  /**
   * How many steps back: `y_t = x_{t−steps}`, the initial value for `t ≤ steps` (a skip connection
   * through time). Absent means 1: documents written before this param existed read and save back
   * unchanged.
   */
  steps: z.number().int().min(1).max(1024).optional(),
});
export type DelayParams = z.infer<typeof DelayParams>;

const PORTS: PortDecl[] = [
  { name: 'in', direction: 'in', roles: ['sequence', 'state'], dtype: 'real', description: 'x_t, a per-step value of size `size`' },
  {
    name: 'init',
    direction: 'in',
    roles: ['vector'],
    dtype: 'real',
    optional: true,
    description: 'the initial value per sample (size `size`), e.g. an encoder’s final state; replaces zeros or h0',
  },
  { name: 'out', direction: 'out', roles: ['state'], dtype: 'real', description: 'x_{t−steps} (the initial value while t ≤ steps): the state carried into step t' },
];

/**
 * `y_t = x_{t−d}` (d = `steps`, 1 by default), `y_t = s_0` for `t ≤ d`: the only node that may close a
 * cycle. The initial value `s_0` is the `init` input per sample when connected, else zeros, the
 * learned `h0` or the one-hot `e_k` (k = `initIndex`). Its output shape comes from its `size` param,
 * not from its inputs, so shapes inside a recurrence are known in one pass; the inputs are checked
 * against `size`. It has no kernel: the scheduler shifts values through time.
 */
export const Delay: NodeSpec<DelayParams> = {
  type: 'Delay',
  version: 1,
  category: 'structure',
  title: 'Delay',
  description:
    'Passes on the value of the previous time step, or of `steps` steps back (its initial value until then): the state of a recurrence, and the only way to close a cycle. The initial value is zeros, a learned h0, a fixed one-hot vector (e.g. a decoder’s start token), or the vector on its `init` input (e.g. an encoder’s final state).',
  params: DelayParams,
  ports: () => PORTS,
  shape: (p, inputs) => {
    const bad = checkDeclared(PORTS, inputs);
    if (bad) return bad;
    if (p.initIndex !== undefined && p.initIndex >= p.size) {
      return shapeError('dim-mismatch', 'out', `initIndex ${p.initIndex} is not a position of this Delay's ${p.size} units; set it to 0 … ${p.size - 1}`);
    }
    const x = inputs.in;
    if (x !== undefined && x.dim !== p.size) {
      return shapeError('dim-mismatch', 'in', `input "in" has size ${x.dim}, but this Delay's size is ${p.size}; set its size to ${x.dim}`);
    }
    const s0 = inputs.init;
    if (s0 !== undefined && s0.dim !== p.size) {
      return shapeError('dim-mismatch', 'init', `input "init" has size ${s0.dim}, but this Delay's size is ${p.size}; feed an initial value of size ${p.size}, or set its size to ${s0.dim}`);
    }
    return ok({ out: { role: 'state', dim: p.size, dtype: 'real' } });
  },
  // A connected `init` input gives the initial value, so a learned h0 would never be read.
  paramTensors: (p, inputs) => (p.init === 'learned' && inputs.init === undefined ? [{ name: 'h0', shape: [p.size], trainable: true, init: 'zeros' }] : []),
  equation: String.raw`y_t = x_{t-d},\quad y_t = s_0 \ (t \le d),\quad d = \text{steps},\quad s_0 \in \{0,\ h_0,\ e_k,\ \text{init}\}`,
  closesCycles: true,
};
