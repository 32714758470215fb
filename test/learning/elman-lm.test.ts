import { describe, expect, it } from 'vitest';
import { createBackend } from '../../kernels';
import { aesopCorpus } from '../../src/data';
import { graphInference, runInference } from '../../src/engine/inference';
import { createSession } from '../../src/training';
import { example } from './helpers';

/**
 * The Elman character language model (examples/elman-lm: Embedding 16 → tanh RNN 64 → Linear, loss
 * per character) on the Aesop corpus, windows of T = 32, f32 backend, seed 1, 300 steps of 16.
 * Predicting from character frequencies alone scores the unigram entropy H ≈ 3.15 nats; on fresh
 * windows the loss must lie at least 0.8 nats below it (it reaches ≈ 1.5). The trained document
 * then generates text in the inference panel's `generate` mode (0→n from a seed).
 */
describe('learning: Elman character language model', () => {
  it('falls at least 0.8 nats below the unigram entropy and generates from a seed', async () => {
    const f32 = createBackend('f32').backend;
    const doc = example('elman-lm.unroll.json');
    const g = graphInference(doc);
    expect(g.ok && g.setup.mode).toBe('generate');
    const t0 = performance.now();
    const session = createSession({ doc, config: { backend: 'f32', steps: 300 }, telemetry: { recordEvery: 0 }, backend: f32 });
    const result = await session.start();
    const evaluation = session.evaluate(4, 64);
    const seconds = (performance.now() - t0) / 1000;
    const H = aesopCorpus().unigramEntropy;
    console.log(`[learning] Elman char LM (f32): ${result.status} after ${result.step} steps in ${seconds.toFixed(1)} s; loss ${evaluation.loss.toFixed(4)}; unigram entropy ${H.toFixed(4)}`);
    expect(result.status).toBe('finished');
    expect(evaluation.loss).toBeLessThan(H - 0.8);
    expect(seconds).toBeLessThan(60);

    const answer = await runInference({ ...doc, ...session.document(doc) }, { mode: 'generate', seed: 'The fox', length: 40 });
    if (answer.mode !== 'generate') throw new Error(`expected generate, got ${answer.mode}`);
    console.log(`[learning] Elman char LM generates: "The fox${answer.text}"`);
    expect(answer.weights.source).toBe('document');
    expect(answer.tokens.length).toBe(40);
    const vocab = new Set(aesopCorpus().symbols);
    for (const t of answer.tokens) expect(vocab.has(t.text)).toBe(true);
  }, 120_000);
});
