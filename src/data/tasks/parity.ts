/**
 * Parity: a sequence of random bits (one real input per step, 0 or 1). `final` (n→1): the class is
 * the parity (sum mod 2) of all τ_b bits; `running` (n→n): at every step, the parity of the bits so
 * far. Two classes, cross-entropy. No single bit says anything about the parity, so a memoryless
 * predictor can do no better than 1/2–1/2: ln 2 per answer.
 */
import { z } from 'zod';
import type { Rng } from '../../engine/rng';
import { allocBatch, checkBatchSize, maskFromLengths, type Batch, type IOSpec } from '../batch';
import { drawLengths, type TaskDef, type TaskInstance } from '../task';

export const ParityParams = z
  .strictObject({
    T: z.number().int().min(1).max(10000).default(16),
    /** Shortest sequence; absent: every sequence has length T. */
    minT: z.number().int().min(1).max(10000).optional(),
    mode: z.enum(['final', 'running']).default('final'),
  })
  .refine((p) => p.minT === undefined || p.minT <= p.T, { message: 'minT must not exceed T', path: ['minT'] });
export type ParityParams = z.output<typeof ParityParams>;

export function parityTask(params: ParityParams): TaskInstance {
  const { T, minT, mode } = params;
  const running = mode === 'running';
  const spec: IOSpec = { input: { dtype: 'real', size: 1 }, output: { dtype: 'index', size: 2 }, mapping: running ? 'n-n' : 'n-1', steps: T, loss: 'ce' };
  const meanLength = minT === undefined ? T : (minT + T) / 2;
  return {
    id: 'parity',
    title: 'Parity',
    spec,
    baseline: { meanValidSteps: Math.LN2, sumTimeMeanBatch: running ? meanLength * Math.LN2 : Math.LN2, description: 'a 1/2–1/2 guess' },
    outputSymbols: ['even', 'odd'],
    batch(rng: Rng, B: number): Batch {
      checkBatchSize(B);
      const lengths = drawLengths(rng, B, T, minT);
      const { x, y } = allocBatch(spec, B); // x: (B,T,1)  y: (B,T) running, (B) final
      for (let b = 0; b < B; b++) {
        let parity = 0;
        for (let t = 0; t < lengths[b]; t++) {
          const bit = rng.bernoulli(0.5) ? 1 : 0;
          x[b * T + t] = bit;
          parity ^= bit;
          if (running) y[b * T + t] = parity;
        }
        if (!running) y[b] = parity;
      }
      return { B, T, x, y, lengths, mask: maskFromLengths(lengths, T) };
    },
  };
}

export const PARITY: TaskDef<ParityParams> = {
  id: 'parity',
  title: 'Parity',
  description: 'Random bits; answer whether the number of ones is odd — at the end (final) or after every bit (running). A guess scores ln 2 ≈ 0.693 per answer.',
  params: ParityParams,
  create: parityTask,
};
