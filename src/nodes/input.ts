import { z } from 'zod';
import { ok } from './common';
import type { NodeSpec, PortDecl } from './types';

export const InputParams = z.strictObject({
  /** `sequence`: one value per time step `[B,T,D]`; `vector`: one per sample `[B,D]`. */
  role: z.enum(['sequence', 'vector']).default('sequence'),
  /** Feature size D; for `index` data, the number of classes (vocabulary size). */
  size: z.number().int().min(1).max(1 << 20).default(1),
  /** `real` values, or integer class/token ids in `0 … size−1`. */
  dtype: z.enum(['real', 'index']).default('real'),
  /**
   * The time axis of a sequence: `source` (the input sequence, `x`, the default) or `target` (the
   * output sequence of an encoder–decoder, `y`, with its own length T' and lengths τ'_b). Absent
   * means `source`.
   */
  axis: z.enum(['source', 'target']).optional(),
});
export type InputParams = z.infer<typeof InputParams>;

/** A data source: the task or data set fills it, batch by batch (padded sequences carry a mask). */
export const Input: NodeSpec<InputParams> = {
  type: 'Input',
  version: 1,
  category: 'input',
  title: 'Input',
  description: 'A data source: a sequence (one value per time step) or a vector (one per sample), of real values or of class/token ids.',
  params: InputParams,
  ports: (p): PortDecl[] => [
    {
      name: 'out',
      direction: 'out',
      roles: [p.role],
      dtype: p.dtype,
      description: p.dtype === 'index' ? `class ids in 0…${p.size - 1}` : `real values of size ${p.size}`,
    },
  ],
  shape: (p) => ok({ out: { role: p.role, dim: p.size, dtype: p.dtype } }),
  paramTensors: () => [],
  equation: String.raw`x_t \in \mathbb{R}^{D} \;\text{or}\; x_t \in \{0,\dots,V-1\}`,
};
