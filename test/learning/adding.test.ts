import { describe, expect, it } from 'vitest';
import { train } from './helpers';

/**
 * The adding problem with T = 30 (models.md "Reference behaviour"): always answering 1.0 scores
 * MSE = 1/6 ≈ 0.167. Gated cells must reach MSE < 0.02 on fresh evaluation batches; the tanh RNN's
 * result is printed only. Fixed seeds (the examples' seed 1), reference backend.
 */
describe('learning: adding problem, T = 30', () => {
  it('LSTM (examples/lstm-adding) reaches MSE < 0.02', async () => {
    const { evaluation, result } = await train('LSTM adding T=30', 'lstm-adding.unroll.json', { steps: 600 });
    expect(result.status).toBe('finished');
    expect(evaluation.metrics['loss.mse']).toBeLessThan(0.02);
  }, 120_000);

  it('GRU (examples/gru-adding) reaches MSE < 0.02', async () => {
    const { evaluation, result } = await train('GRU adding T=30', 'gru-adding.unroll.json', { steps: 500 });
    expect(result.status).toBe('finished');
    expect(evaluation.metrics['loss.mse']).toBeLessThan(0.02);
  }, 120_000);

  it('tanh RNN (examples/elman-adding): result printed, not asserted', async () => {
    const { result } = await train('tanh RNN adding T=30', 'elman-adding.unroll.json', { steps: 1500 });
    expect(result.status).not.toBe('diverged');
  }, 120_000);
});
