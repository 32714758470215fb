import { describe, expect, it } from 'vitest';
import { createBackend } from '../../kernels';
import { train } from './helpers';

/**
 * Date translation (examples/seq2seq-date: OneHot characters → GRU 32 encoder, its last state → the
 * GRU 32 decoder's h0 and the query Delay; additive attention over the encoder states; OneHot of
 * y_in beside the context → decoder → Linear) on `date` with years 1950–2049, on the f32 backend,
 * seed 1, 300 steps of 32 dates. Baseline (the format known, the source unseen): the summed entropy
 * of the 10 ISO positions, ≈ 12.35 nats per date. On fresh dates the model must reach token
 * accuracy ≥ 0.95 over the 11 target steps — without the source, the day, month and last year
 * digits are guesses, which no decoder can get that often — and a loss below 5 % of the baseline.
 */
describe('learning: date translation with attention', () => {
  const f32 = createBackend('f32').backend;

  it('"25 Nov 2026" / "November 25, 2026" / "25/11/2026" → "2026-11-25": token accuracy ≥ 0.95', async () => {
    const { evaluation, result, seconds, baseline } = await train('seq2seq date (f32)', 'seq2seq-date.unroll.json', { steps: 300 }, 8, { backend: f32 });
    expect(result.status).toBe('finished');
    expect(baseline).toBeGreaterThan(12.3);
    expect(baseline).toBeLessThan(12.4);
    expect(evaluation.metrics['loss.accuracy']).toBeGreaterThanOrEqual(0.95);
    expect(evaluation.loss).toBeLessThan(0.05 * baseline);
    expect(seconds).toBeLessThan(60);
  }, 120_000);
});
