import { describe, expect, it } from 'vitest';
import { aesopCorpus } from '../../src/data';
import { train } from './helpers';

/**
 * The character language model (examples/lstm-charlm: Embedding 16 → LSTM 64 → Linear, loss per
 * character) on the built-in Aesop corpus with windows of T = 32. Predicting from character
 * frequencies alone scores the unigram entropy H ≈ 3.15 nats; after 200 steps the loss on fresh
 * windows must lie at least 0.8 nats below it. (The windows are drawn from the same small corpus as
 * the training windows: this measures learning, not generalisation.)
 */
describe('learning: character language model', () => {
  it('LSTM char LM falls at least 0.8 nats below the unigram entropy', async () => {
    const H = aesopCorpus().unigramEntropy;
    const { evaluation, result } = await train('LSTM char LM', 'lstm-charlm.unroll.json', { steps: 200 }, 4);
    console.log(`[learning] unigram entropy ${H.toFixed(4)} nats; threshold ${(H - 0.8).toFixed(4)}`);
    expect(result.status).toBe('finished');
    expect(evaluation.loss).toBeLessThan(H - 0.8);
  }, 120_000);
});
