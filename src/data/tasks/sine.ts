/**
 * Sine-wave forecasting: `s_t = A·sin(2π t / P + φ) + σ ε_t` for t = 1..T+1, with phase φ uniform in
 * [0, 2π), period P uniform in [minPeriod, maxPeriod] (per sample), A = 1 and ε_t standard normal.
 * Input x_t = s_t, target y_t = s_{t+1}: predict the next value at every step (n→n regression, MSE).
 *
 * Baseline: always answering 0 scores `E[s²] = A²/2 + σ²` per step (T times that per sequence).
 */
import { z } from 'zod';
import type { Rng } from '../../engine/rng';
import { allocBatch, checkBatchSize, maskFromLengths, type Batch, type IOSpec } from '../batch';
import type { TaskDef, TaskInstance } from '../task';

export const SineParams = z
  .strictObject({
    T: z.number().int().min(1).max(10000).default(50),
    /** Shortest and longest period, in steps. */
    minPeriod: z.number().min(2).max(1e6).default(10),
    maxPeriod: z.number().min(2).max(1e6).default(40),
    /** σ of the Gaussian noise added to every value. */
    noise: z.number().min(0).max(10).default(0),
  })
  .refine((p) => p.minPeriod <= p.maxPeriod, { message: 'minPeriod must not exceed maxPeriod', path: ['minPeriod'] });
export type SineParams = z.output<typeof SineParams>;

export function sineTask(params: SineParams): TaskInstance {
  const { T, minPeriod, maxPeriod, noise } = params;
  const spec: IOSpec = { input: { dtype: 'real', size: 1 }, output: { dtype: 'real', size: 1 }, mapping: 'n-n', steps: T, loss: 'mse' };
  const perStep = 0.5 + noise * noise;
  return {
    id: 'sine',
    title: 'Sine-wave forecasting',
    spec,
    baseline: { meanValidSteps: perStep, sumTimeMeanBatch: T * perStep, description: 'always answering 0' },
    batch(rng: Rng, B: number): Batch {
      checkBatchSize(B);
      const { x, y } = allocBatch(spec, B); // x: (B,T,1)  y: (B,T,1)
      const s = new Float64Array(T + 1);
      for (let b = 0; b < B; b++) {
        const phase = rng.range(0, 2 * Math.PI);
        const period = rng.range(minPeriod, maxPeriod);
        for (let t = 1; t <= T + 1; t++) s[t - 1] = Math.sin((2 * Math.PI * t) / period + phase) + (noise > 0 ? noise * rng.normal() : 0);
        for (let t = 0; t < T; t++) {
          x[b * T + t] = s[t];
          y[b * T + t] = s[t + 1];
        }
      }
      const lengths = new Int32Array(B).fill(T);
      return { B, T, x, y, lengths, mask: maskFromLengths(lengths, T) };
    },
  };
}

export const SINE: TaskDef<SineParams> = {
  id: 'sine',
  title: 'Sine-wave forecasting',
  description: 'A sine wave of random phase and period (optionally noisy); predict the next value at every step. Always answering 0 scores MSE 0.5 + σ².',
  params: SineParams,
  create: sineTask,
};
