/**
 * The adding problem (Hochreiter & Schmidhuber 1997; the form of Le et al. 2015). Each step carries
 * two inputs: a value drawn uniformly from [0, 1) and a marker that is 1 at exactly two steps — one
 * in the first half of the sequence, one in the second — and 0 elsewhere. The target is the sum of
 * the two marked values, read once at the last valid step (n→1 regression, MSE).
 *
 * Baseline: the sum of two independent U(0,1) values has mean 1 and variance 2/12, so always
 * answering 1.0 scores MSE = 1/6 ≈ 0.167; beating it requires remembering the marked values.
 */
import { z } from 'zod';
import type { Rng } from '../../engine/rng';
import { allocBatch, checkBatchSize, maskFromLengths, type Batch, type IOSpec } from '../batch';
import { drawLengths, type TaskDef, type TaskInstance } from '../task';

export const AddingParams = z
  .strictObject({
    /** Sequence length (the padded length when lengths vary). */
    T: z.number().int().min(2).max(10000).default(30),
    /** Shortest sequence; absent: every sequence has length T. */
    minT: z.number().int().min(2).max(10000).optional(),
  })
  .refine((p) => p.minT === undefined || p.minT <= p.T, { message: 'minT must not exceed T', path: ['minT'] });
export type AddingParams = z.output<typeof AddingParams>;

export function addingTask(params: AddingParams): TaskInstance {
  const { T, minT } = params;
  const spec: IOSpec = { input: { dtype: 'real', size: 2 }, output: { dtype: 'real', size: 1 }, mapping: 'n-1', steps: T, loss: 'mse' };
  return {
    id: 'adding',
    title: 'Adding problem',
    spec,
    baseline: { meanValidSteps: 1 / 6, sumTimeMeanBatch: 1 / 6, description: 'always answering 1.0 (the mean of the target)' },
    batch(rng: Rng, B: number): Batch {
      checkBatchSize(B);
      const lengths = drawLengths(rng, B, T, minT);
      const { x, y } = allocBatch(spec, B); // x: (B,T,2)  y: (B,1)
      for (let b = 0; b < B; b++) {
        const tau = lengths[b];
        const row = b * T * 2;
        for (let t = 0; t < tau; t++) x[row + 2 * t] = rng.uniform();
        const half = Math.floor(tau / 2);
        const first = rng.int(half);
        const second = half + rng.int(tau - half);
        x[row + 2 * first + 1] = 1;
        x[row + 2 * second + 1] = 1;
        // The sum of the stored (float32) values, so the target is exact for what the model sees.
        y[b] = x[row + 2 * first] + x[row + 2 * second];
      }
      return { B, T, x, y, lengths, mask: maskFromLengths(lengths, T) };
    },
  };
}

export const ADDING: TaskDef<AddingParams> = {
  id: 'adding',
  title: 'Adding problem',
  description:
    'Two inputs per step: a random value in [0, 1) and a marker that is 1 at two steps (one in each half). Predict the sum of the two marked values at the end. Always answering 1.0 scores MSE ≈ 0.167.',
  params: AddingParams,
  create: addingTask,
};
