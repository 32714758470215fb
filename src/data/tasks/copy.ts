/**
 * The copy (memory) task (Hochreiter & Schmidhuber 1997; the form of Arjovsky et al. 2016). With
 * `L` = `length`, `D` = `delay` and `K` = `symbols`, every sequence has T = 2L + D steps of token ids:
 *
 *   input   s_1 … s_L | blank × (D − 1), GO | blank × L        (s_i uniform in 1..K)
 *   target  blank × (L + D)                 | s_1 … s_L
 *
 * Input vocabulary: 0 = blank, 1..K = symbols, K + 1 = GO (the "recall now" delimiter). Output
 * classes: 0 = blank, 1..K = symbols. n→n cross-entropy over every step: the loss is restricted to
 * the answer by the *target convention* (blank is the right answer elsewhere and is trivially
 * learnt), not by the mask, which keeps its models.md meaning (valid steps; all T are valid).
 *
 * Baseline (no memory): blank for the first L + D steps, uniform over the K symbols for the last L:
 * `L·ln K` per sequence, `L·ln K / T` per step.
 */
import { z } from 'zod';
import type { Rng } from '../../engine/rng';
import { allocBatch, checkBatchSize, maskFromLengths, type Batch, type IOSpec } from '../batch';
import type { TaskDef, TaskInstance } from '../task';

export const CopyParams = z.strictObject({
  /** L: symbols to remember. */
  length: z.number().int().min(1).max(1000).default(5),
  /** D: steps from the last symbol to the GO marker (inclusive). */
  delay: z.number().int().min(1).max(10000).default(10),
  /** K: size of the symbol alphabet. */
  symbols: z.number().int().min(2).max(256).default(8),
});
export type CopyParams = z.output<typeof CopyParams>;

export function copyTask(params: CopyParams): TaskInstance {
  const { length: L, delay: D, symbols: K } = params;
  const T = 2 * L + D;
  const spec: IOSpec = { input: { dtype: 'index', size: K + 2 }, output: { dtype: 'index', size: K + 1 }, mapping: 'n-n', steps: T, loss: 'ce' };
  const names = Array.from({ length: K }, (_, k) => String.fromCharCode(65 + (k % 26)) + (k >= 26 ? String(Math.floor(k / 26)) : ''));
  const perSequence = L * Math.log(K);
  return {
    id: 'copy',
    title: 'Copy task',
    spec,
    baseline: { meanValidSteps: perSequence / T, sumTimeMeanBatch: perSequence, description: 'blank until GO, then a uniform guess among the K symbols' },
    inputSymbols: ['·', ...names, 'GO'],
    outputSymbols: ['·', ...names],
    batch(rng: Rng, B: number): Batch {
      checkBatchSize(B);
      const { x, y } = allocBatch(spec, B); // x: (B,T)  y: (B,T)
      for (let b = 0; b < B; b++) {
        const row = b * T;
        for (let i = 0; i < L; i++) {
          const s = 1 + rng.int(K);
          x[row + i] = s;
          y[row + L + D + i] = s;
        }
        x[row + L + D - 1] = K + 1;
      }
      const lengths = new Int32Array(B).fill(T);
      return { B, T, x, y, lengths, mask: maskFromLengths(lengths, T) };
    },
  };
}

export const COPY: TaskDef<CopyParams> = {
  id: 'copy',
  title: 'Copy task',
  description:
    'Read L random symbols, wait D steps until the GO marker, then output the same symbols in order (blank before). Tests long-term memory; a memoryless model scores L·ln K per sequence.',
  params: CopyParams,
  create: copyTask,
};
