/**
 * Sequence-to-sequence (n→m) tasks over a small alphabet: a source of τ_b random symbols (uniform in
 * `[minLength, maxLength]`) is mapped to a target sequence of its own. Shared by `reverse` and
 * `sort`, which differ only in how the target is made from the source. Param `end` picks how the
 * decoder learns where the output ends (models.md "n→m encoder–decoder"):
 *
 *   token (default)  an end token after the symbols
 *     x   (B,T)   ids 0..K−1; T = maxLength, τ_b = the sample's length
 *     y   (B,T')  ids 0..K−1 = the symbols, K = end; T' = maxLength + 1, τ'_b = τ_b + 1
 *     yIn (B,T')  start (id K + 1), then y shifted by one step (teacher forcing)
 *   stop             no end token; a stop unit learns "this is the last step"
 *     y   (B,T')  ids 0..K−1; T' = maxLength, τ'_b = τ_b;  yIn: start (id K), then y shifted
 *     extra.stop   (B,T',1) real, on the target axis: 1 at i = τ'_b, 0 before (and 0 past τ'_b)
 *   length           no end token; the length is predicted from the source
 *     y, yIn as for stop
 *     extra.length (B,1) real: τ'_b, the number of target steps (not normalised)
 *
 * Baseline (no memory of the source): a uniform guess among the K symbols at each of the τ_b symbol
 * steps, with the end given for free (the end token, the stop targets, the length): `E[τ]·ln K` per
 * sequence; per valid target step `E[τ]·ln K / (E[τ] + 1)` with an end token, `ln K` without.
 */
import { z } from 'zod';
import type { Rng } from '../../engine/rng';
import { allocBatch, checkBatchSize, maskFromLengths, teacherForced, type Batch, type ExtraInput, type ExtraSide, type IOSpec } from '../batch';
import { drawLengths, type TaskInstance } from '../task';

/** How a target sequence's end is taught: an end token, a stop unit's targets, or its length. */
export const END_KINDS = ['token', 'stop', 'length'] as const;
export type EndKind = (typeof END_KINDS)[number];

/** The ids of the Inputs that take the stop targets and the target length (`end: stop | length`). */
export const STOP_INPUT = 'stop';
export const LENGTH_INPUT = 'length';

export const SymbolSequenceParams = z
  .strictObject({
    /** K: size of the alphabet (named A, B, C, …). */
    symbols: z.number().int().min(2).max(26).default(6),
    /** Shortest source sequence. */
    minLength: z.number().int().min(1).max(1000).default(3),
    /** Longest source sequence: the padded source length T (the target's is T + 1 with an end token). */
    maxLength: z.number().int().min(1).max(1000).default(6),
    /** How the end of the output is taught: `token` (an end token), `stop` (stop targets), `length` (the target length). */
    end: z.enum(END_KINDS).default('token'),
  })
  .refine((p) => p.minLength <= p.maxLength, { message: 'minLength must not exceed maxLength', path: ['minLength'] });
export type SymbolSequenceParams = z.output<typeof SymbolSequenceParams>;

/** The names of K symbols: A, B, C, … */
export function symbolNames(K: number): string[] {
  return Array.from({ length: K }, (_, k) => String.fromCharCode(65 + k));
}

export const END_SYMBOL = '⟨end⟩';
export const START_SYMBOL = '⟨start⟩';

/** The spec of an n→m symbol task with K symbols, source length up to `maxLength`, and its end kind. */
function symbolSpec(K: number, maxLength: number, end: EndKind): IOSpec {
  const common = { input: { dtype: 'index', size: K }, mapping: 'n-m', steps: maxLength, loss: 'ce' } as const;
  if (end === 'token') return { ...common, output: { dtype: 'index', size: K + 1 }, targetSteps: maxLength + 1, decoderInput: { size: K + 2, start: K + 1 } };
  const extra: Record<string, ExtraSide> = end === 'stop' ? { [STOP_INPUT]: { role: 'sequence', dtype: 'real', size: 1, axis: 'target' } } : { [LENGTH_INPUT]: { role: 'vector', dtype: 'real', size: 1 } };
  return { ...common, output: { dtype: 'index', size: K }, targetSteps: maxLength, decoderInput: { size: K + 1, start: K }, extra };
}

/**
 * An n→m task whose target is `transform(source)`, then the end token (`end: token`), or with its
 * end given as stop targets or a length; `transform` must keep the length and use only ids `0..K−1`.
 */
export function symbolSequenceTask(id: string, title: string, params: SymbolSequenceParams, transform: (source: number[]) => number[]): TaskInstance {
  const { symbols: K, minLength, maxLength, end } = params;
  const withToken = end === 'token';
  const spec = symbolSpec(K, maxLength, end);
  const T = maxLength;
  const T1 = spec.targetSteps!;
  const START = spec.decoderInput!.start;
  const names = symbolNames(K);
  const meanLength = (minLength + maxLength) / 2;
  const perSequence = meanLength * Math.log(K);
  const given = withToken ? 'the end token' : end === 'stop' ? 'the stop targets' : 'the length';
  return {
    id,
    title,
    spec,
    baseline: {
      meanValidSteps: withToken ? perSequence / (meanLength + 1) : Math.log(K),
      sumTimeMeanBatch: perSequence,
      description: `a uniform guess among the K symbols at each symbol step, ${given} given for free`,
    },
    inputSymbols: names,
    outputSymbols: withToken ? [...names, END_SYMBOL] : names,
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
        if (withToken) y[b * T1 + tau] = K;
        targetLengths[b] = withToken ? tau + 1 : tau;
      }
      const yIn = teacherForced(y as Int32Array, targetLengths, T1, START);
      const batch: Batch = { B, T, x, y, lengths, mask: maskFromLengths(lengths, T), target: { T: T1, lengths: targetLengths, mask: maskFromLengths(targetLengths, T1) }, yIn };
      return withToken ? batch : { ...batch, extra: endExtra(end, targetLengths, T1) };
    },
  };
}

/** stop: (B,T',1) with 1 at i = τ'_b; length: (B,1) holding τ'_b. */
function endExtra(end: 'stop' | 'length', targetLengths: Int32Array, T1: number): Record<string, ExtraInput> {
  const B = targetLengths.length;
  if (end === 'length') return { [LENGTH_INPUT]: { role: 'vector', dtype: 'real', size: 1, data: Float32Array.from(targetLengths) } };
  const stop = new Float32Array(B * T1); // stop: (B,T',1)
  for (let b = 0; b < B; b++) stop[b * T1 + targetLengths[b] - 1] = 1;
  return { [STOP_INPUT]: { role: 'sequence', dtype: 'real', size: 1, axis: 'target', data: stop } };
}
