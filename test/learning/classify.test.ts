import { describe, expect, it } from 'vitest';
import { createBackend } from '../../kernels';
import { train } from './helpers';

/**
 * Sentiment classification (examples/lstm-classifier: word ids → Embedding 16 → LSTM 32 → LastStep →
 * Linear → cross-entropy) on `classify` with sentences of 3–10 words and up to two sentiment phrases,
 * on the f32 backend, seed 1, 400 steps of 32 sentences. The classes are equally likely: the prior
 * scores ln 3 ≈ 1.10 and the majority class is right 1/3 of the time. On fresh sentences the model
 * must be right at least 0.9 of the time (more than 0.55 above the majority class) with a loss below
 * a tenth of the baseline.
 */
describe('learning: sentiment classification', () => {
  const f32 = createBackend('f32').backend;

  it('LSTM classifier reads negation and intensifiers: accuracy ≥ 0.9 (majority class 1/3)', async () => {
    const { evaluation, result, seconds, baseline } = await train('LSTM classifier (f32)', 'lstm-classifier.unroll.json', { steps: 400 }, 8, { backend: f32 });
    expect(result.status).toBe('finished');
    expect(baseline).toBeCloseTo(Math.log(3), 10);
    expect(evaluation.metrics['loss.accuracy']).toBeGreaterThanOrEqual(0.9);
    expect(evaluation.loss).toBeLessThan(0.1 * baseline);
    expect(seconds).toBeLessThan(60);
  }, 120_000);
});
