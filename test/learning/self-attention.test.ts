import { describe, expect, it } from 'vitest';
import { createBackend } from '../../kernels';
import { train } from './helpers';

/**
 * The self-attention encoder (examples/self-attention-encoder: Linear 16 → sinusoidal positional
 * encoding → one SelfAttention head, d_k = d_v = 16 → LastStep → Linear) on the adding problem with
 * T = 30, f32 backend, seed 1, 600 steps of 32. Always answering 1.0 scores MSE 1/6 ≈ 0.167; the
 * attention head looks at both marked steps at once, whatever their distance, and must bring the
 * MSE on fresh batches below 0.02 (it reaches ≈ 0.006; the tanh RNN of examples/elman-adding stays
 * near the baseline far longer).
 */
describe('learning: self-attention encoder', () => {
  it('solves the adding problem (T = 30) to MSE < 0.02, the baseline being 1/6', async () => {
    const f32 = createBackend('f32').backend;
    const { evaluation, result, seconds, baseline } = await train('self-attention adding T=30 (f32)', 'self-attention-encoder.unroll.json', { steps: 600 }, 8, { backend: f32 });
    expect(result.status).toBe('finished');
    expect(baseline).toBeCloseTo(1 / 6, 10);
    expect(evaluation.metrics['loss.mse']).toBeLessThan(0.02);
    expect(seconds).toBeLessThan(60);
  }, 120_000);
});
