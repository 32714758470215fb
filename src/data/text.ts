/**
 * Character-level text: a corpus (vocabulary and encoded text) from a plain string, and the
 * language-model task over it: random windows of T characters, each predicting the next character
 * (n→n cross-entropy; target `y_t = x_{t+1}`).
 *
 * Import rules: a leading byte-order mark is dropped, `\r\n` and `\r` become `\n`; a character is a
 * Unicode code point; the vocabulary is the distinct characters in code-point order. Empty text,
 * text over `maxChars` and vocabularies over `maxVocab` are refused.
 */
import { z } from 'zod';
import type { Rng } from '../engine/rng';
import { checkBatchSize, maskFromLengths, type Batch, type IOSpec } from './batch';
import { DataError } from './errors';
import type { TaskInstance } from './task';

export interface TextLimits {
  /** Most characters accepted (default 8,000,000). */
  readonly maxChars?: number;
  /** Most distinct characters accepted (default 1024). */
  readonly maxVocab?: number;
}

export interface Corpus {
  /** The normalised text. */
  readonly text: string;
  /** The characters, in code-point order; a character's id is its index. */
  readonly symbols: readonly string[];
  /** The text as character ids. */
  readonly ids: Int32Array;
  /** Entropy (nats) of the character frequencies: the loss of the best memoryless predictor. */
  readonly unigramEntropy: number;
  /** Ids of `s`; a character outside the vocabulary is an error naming it. */
  encode(s: string): Int32Array;
  decode(ids: ArrayLike<number>): string;
}

export const DEFAULT_MAX_CHARS = 8_000_000;
export const DEFAULT_MAX_VOCAB = 1024;

function describeChar(c: string): string {
  const cp = c.codePointAt(0) ?? 0;
  return `${JSON.stringify(c)} (U+${cp.toString(16).toUpperCase().padStart(4, '0')})`;
}

/** A corpus from plain text; see the import rules above. */
export function textCorpus(raw: string, limits: TextLimits = {}): Corpus {
  const maxChars = limits.maxChars ?? DEFAULT_MAX_CHARS;
  const maxVocab = limits.maxVocab ?? DEFAULT_MAX_VOCAB;
  // A UTF-16 string never has more code points than code units: check the cheap bound first.
  if (raw.length > 2 * maxChars) throw new DataError('text-too-large', `the text has about ${raw.length} characters; at most ${maxChars} are accepted`);
  const text = raw.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const chars = Array.from(text);
  if (chars.length === 0) throw new DataError('text-empty', 'the text is empty; choose a file with some text in it');
  if (chars.length > maxChars) throw new DataError('text-too-large', `the text has ${chars.length} characters; at most ${maxChars} are accepted`);
  const counts = new Map<string, number>();
  for (const c of chars) counts.set(c, (counts.get(c) ?? 0) + 1);
  if (counts.size > maxVocab) {
    throw new DataError('text-vocab-too-large', `the text uses ${counts.size} distinct characters; at most ${maxVocab} are accepted (is it a binary file?)`);
  }
  const symbols = [...counts.keys()].sort((a, b) => (a.codePointAt(0) ?? 0) - (b.codePointAt(0) ?? 0));
  const index = new Map(symbols.map((c, i) => [c, i]));
  const ids = Int32Array.from(chars, (c) => index.get(c) ?? 0);
  let entropy = 0;
  for (const n of counts.values()) {
    const p = n / chars.length;
    entropy -= p * Math.log(p);
  }
  return {
    text,
    symbols,
    ids,
    unigramEntropy: entropy,
    encode(s: string): Int32Array {
      return Int32Array.from(Array.from(s), (c) => {
        const id = index.get(c);
        if (id === undefined) throw new DataError('batch-bad-sequence', `the character ${describeChar(c)} is not in the corpus vocabulary`);
        return id;
      });
    },
    decode(list: ArrayLike<number>): string {
      let out = '';
      for (let i = 0; i < list.length; i++) out += symbols[list[i]] ?? '\uFFFD';
      return out;
    },
  };
}

export const CharLmParams = z.strictObject({
  /** Window length in characters. */
  T: z.number().int().min(1).max(10000).default(64),
  /**
   * Consecutive windows instead of random ones: the text is cut into one stream per sample, and
   * batch k holds the k-th window of every stream (for stateful training, which carries each
   * stream's state on; a stream that starts over is marked, and its state is reset).
   */
  contiguous: z.boolean().optional(),
});
export type CharLmParams = z.output<typeof CharLmParams>;

/**
 * The character-level language model over `corpus`: each sample is a window of T + 1 consecutive
 * characters starting at a uniformly drawn position; x = its first T ids, y = its last T ids.
 * Baseline: the corpus's unigram entropy per step.
 */
export function charLmTask(corpus: Corpus, params: CharLmParams, id = 'text', title = 'Character language model'): TaskInstance {
  const { T } = params;
  const n = corpus.ids.length;
  if (n < T + 1) {
    throw new DataError('text-too-short', `the text has ${n} characters; windows of T = ${T} need at least ${T + 1} (shorten T or add text)`);
  }
  const V = corpus.symbols.length;
  const spec: IOSpec = { input: { dtype: 'index', size: V }, output: { dtype: 'index', size: V }, mapping: 'n-n', steps: T, loss: 'ce' };
  const H = corpus.unigramEntropy;
  return {
    id,
    title,
    spec,
    baseline: { meanValidSteps: H, sumTimeMeanBatch: T * H, description: 'predicting every character from its overall frequency (unigram entropy)' },
    inputSymbols: corpus.symbols,
    outputSymbols: corpus.symbols,
    batch(rng: Rng, B: number, index = 1): Batch {
      checkBatchSize(B);
      const x = new Int32Array(B * T); // x: (B,T)
      const y = new Int32Array(B * T); // y: (B,T)
      // contiguous: stream b is characters [b·S, (b+1)·S), its windows follow one another
      const S = Math.floor(n / B);
      const chunks = Math.floor((S - 1) / T);
      if (params.contiguous === true && chunks < 1) throw new DataError('text-too-short', `the text has ${n} characters: ${B} streams of ${S} cannot hold a window of T = ${T} (+1); use fewer samples per batch or a shorter T`);
      const k = params.contiguous === true ? (index - 1) % chunks : 0;
      for (let b = 0; b < B; b++) {
        const start = params.contiguous === true ? b * S + k * T : rng.int(n - T);
        x.set(corpus.ids.subarray(start, start + T), b * T);
        y.set(corpus.ids.subarray(start + 1, start + T + 1), b * T);
      }
      const lengths = new Int32Array(B).fill(T);
      return { B, T, x, y, lengths, mask: maskFromLengths(lengths, T), ...(params.contiguous === true ? { continues: k > 0 } : {}) };
    },
  };
}
