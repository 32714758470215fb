import { describe, expect, it } from 'vitest';
import { createBackend } from '../../kernels';
import { train } from './helpers';

/**
 * Tagging (n→n) where a fifth of the words ("record", "permit", …) are tagged by the word that
 * follows. Same budget for both models — f32 backend, seed 1, 300 steps of 32 sequences of 4–12
 * words, Adam 0.01: examples/bilstm-tagger (Embedding 16 → Bidirectional LSTM 2×16 → Linear, 4.2k
 * recurrent weights) and examples/gru-tagger (Embedding 16 → GRU 32 → Linear, 4.7k).
 *
 * A left-to-right reader can at best guess the right-ambiguous words: noun (right 1/2 of the time,
 * always at the sequence's end, 1/E[τ] = 1/8 of them) — per-word accuracy at most
 * 1 − 0.2 · (1/2 − 1/16) = 0.9125. The GRU must stay below 0.93 (the task leaks no right context),
 * the Bi-LSTM reach ≥ 0.98 and beat the GRU by at least 0.05 per-word accuracy, with a lower loss.
 */
describe('learning: tagging with right context', () => {
  const f32 = createBackend('f32').backend;

  it('the Bidirectional LSTM tagger beats the left-to-right GRU tagger by ≥ 0.05 accuracy at the same budget', async () => {
    const bi = await train('Bi-LSTM tagger (f32)', 'bilstm-tagger.unroll.json', { steps: 300 }, 8, { backend: f32 });
    const gru = await train('GRU tagger (f32)', 'gru-tagger.unroll.json', { steps: 300 }, 8, { backend: f32 });
    expect(bi.result.status).toBe('finished');
    expect(gru.result.status).toBe('finished');
    expect(bi.baseline).toBeCloseTo(8 * 0.3 * Math.LN2, 10);
    const biAcc = bi.evaluation.metrics['loss.accuracy'];
    const gruAcc = gru.evaluation.metrics['loss.accuracy'];
    console.log(`[learning] tagging: Bi-LSTM ${biAcc.toFixed(4)} vs GRU ${gruAcc.toFixed(4)} per-word accuracy (left-to-right ceiling 0.9125)`);
    expect(gruAcc).toBeLessThan(0.93);
    expect(biAcc).toBeGreaterThanOrEqual(0.98);
    expect(biAcc).toBeGreaterThan(gruAcc + 0.05);
    expect(bi.evaluation.loss).toBeLessThan(gru.evaluation.loss);
    expect(bi.seconds + gru.seconds).toBeLessThan(60);
  }, 120_000);
});
