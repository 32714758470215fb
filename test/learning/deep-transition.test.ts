import { describe, expect, it } from 'vitest';
import { createBackend } from '../../kernels';
import { train } from './helpers';

/**
 * The deep-transition template (an MLP layer between h_{t−1} and h_t, with a shortcut adding h_{t−1}
 * around it; built from gates) on the adding problem with T = 15, f32 backend, seed 1, 1500 steps:
 * the MSE must fall far below the baseline of 1/6 (always answering 1.0).
 */
describe('learning: deep transition RNN with a shortcut', () => {
  it('drives the adding problem (T = 15) below a quarter of the baseline', async () => {
    const { evaluation, result, baseline, seconds } = await train('deep transition RNN, adding T=15 (f32)', 'deep-transition-rnn.unroll.json', { steps: 1500 }, 8, { backend: createBackend('f32').backend });
    expect(result.status).toBe('finished');
    expect(baseline).toBeCloseTo(1 / 6, 2);
    expect(evaluation.loss).toBeLessThan(0.25 * baseline);
    expect(seconds).toBeLessThan(90);
  }, 180_000);
});
