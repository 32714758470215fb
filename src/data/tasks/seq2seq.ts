/**
 * Sequence-to-sequence (n→m) tasks over a small alphabet: a source of τ_b random symbols (uniform in
 * `[minLength, maxLength]`) is mapped to a target sequence of its own, then an end token. Shared by
 * `reverse` and `sort`, which differ only in how the target is made from the source.
 *
 *   source  x  (B,T)   ids 0..K−1 = the symbols; T = maxLength, τ_b = the sample's length
 *   target  y  (B,T')  ids 0..K−1 = the symbols, K = end; T' = maxLength + 1, τ'_b = τ_b + 1
 *   yIn        (B,T')  start (id K + 1), then y shifted by one step (teacher forcing)
 *
 * Baseline (no memory of the source): a uniform guess among the K symbols at each of the τ_b symbol
 * steps, with the end token given for free: `E[τ]·ln K` per sequence, `E[τ]·ln K / (E[τ] + 1)` per
 * valid target step.
 */
import { z } from 'zod';
import type { Rng } from '../../engine/rng';
import { allocBatch, checkBatchSize, maskFromLengths, teacherForced, type Batch, type IOSpec } from '../batch';
import { drawLengths, type TaskInstance } from '../task';

export const SymbolSequenceParams = z
  .strictObject({
    /** K: size of the alphabet (named A, B, C, …). */
    symbols: z.number().int().min(2).max(26).default(6),
    /** Shortest source sequence. */
    minLength: z.number().int().min(1).max(1000).default(3),
    /** Longest source sequence: the padded source length T (the target's is T + 1). */
    maxLength: z.number().int().min(1).max(1000).default(6),
  })
  .refine((p) => p.minLength <= p.maxLength, { message: 'minLength must not exceed maxLength', path: ['minLength'] });
export type SymbolSequenceParams = z.output<typeof SymbolSequenceParams>;

/** The names of K symbols: A, B, C, … */
export function symbolNames(K: number): string[] {
  return Array.from({ length: K }, (_, k) => String.fromCharCode(65 + k));
}

export const END_SYMBOL = '⟨end⟩';
export const START_SYMBOL = '⟨start⟩';

/**
 * An n→m task whose target is `transform(source)` followed by the end token; `transform` must keep
 * the length and use only ids `0..K−1`.
 */
export function symbolSequenceTask(id: string, title: string, params: SymbolSequenceParams, transform: (source: number[]) => number[]): TaskInstance {
  const { symbols: K, minLength, maxLength } = params;
  const T = maxLength;
  const T1 = maxLength + 1;
  const END = K;
  const START = K + 1;
  const spec: IOSpec = {
    input: { dtype: 'index', size: K },
    output: { dtype: 'index', size: K + 1 },
    mapping: 'n-m',
    steps: T,
    targetSteps: T1,
    decoderInput: { size: K + 2, start: START },
    loss: 'ce',
  };
  const names = symbolNames(K);
  const meanLength = (minLength + maxLength) / 2;
  const perSequence = meanLength * Math.log(K);
  return {
    id,
    title,
    spec,
    baseline: { meanValidSteps: perSequence / (meanLength + 1), sumTimeMeanBatch: perSequence, description: 'a uniform guess among the K symbols at each symbol step, the end token given for free' },
    inputSymbols: names,
    outputSymbols: [...names, END_SYMBOL],
    batch(rng: Rng, B: number): Batch {
      checkBatchSize(B);
      const lengths = drawLengths(rng, B, T, minLength);
      const { x, y } = allocBatch(spec, B); // x: (B,T)  y: (B,T')
      const targetLengths = new Int32Array(B);
      for (let b = 0; b < B; b++) {
        const tau = lengths[b];
        const source = Array.from({ length: tau }, () => rng.int(K));
        x.set(source, b * T);
        y.set(transform(source), b * T1);
        y[b * T1 + tau] = END;
        targetLengths[b] = tau + 1;
      }
      const yIn = teacherForced(y as Int32Array, targetLengths, T1, START);
      return { B, T, x, y, lengths, mask: maskFromLengths(lengths, T), target: { T: T1, lengths: targetLengths, mask: maskFromLengths(targetLengths, T1) }, yIn };
    },
  };
}
