/**
 * Text classification (n→1, cross-entropy, 3 classes): short "sentences" of word tokens whose
 * sentiment is a rule over the whole sentence. A sentence is `τ_b` words (uniform in
 * `[minLength, maxLength]`): 0…`maxPhrases` sentiment phrases `[not] [very] WORD` placed among
 * filler words. Each phrase scores its word's polarity (±1), doubled by `very`, negated by `not`;
 * the class is the sign of the sum: negative (< 0), neutral (= 0, also no phrase at all), positive.
 *
 *   x  (B,T)  word ids (vocabulary below); T = maxLength
 *   y  (B)    0 negative, 1 neutral, 2 positive — belonging to step τ_b
 *
 * The class is drawn first, uniformly, and a sentence of that class is then drawn by rejection, so
 * every class has probability 1/3. Baseline (no view of the words): the 1/3 prior, ln 3 per sentence;
 * always answering one class is right 1/3 of the time.
 */
import { z } from 'zod';
import type { Rng } from '../../engine/rng';
import { allocBatch, checkBatchSize, maskFromLengths, type Batch, type IOSpec } from '../batch';
import type { TaskDef, TaskInstance } from '../task';

/** Words that carry no sentiment. */
const FILLERS = ['the', 'film', 'plot', 'acting', 'story', 'was', 'is', 'and', 'a', 'it'] as const;
const POSITIVE = ['good', 'great', 'fun', 'lovely'] as const;
const NEGATIVE = ['bad', 'awful', 'dull', 'boring'] as const;

/** The vocabulary in id order: fillers, positive words, negative words, `not`, `very`. */
export const CLASSIFY_WORDS: readonly string[] = [...FILLERS, ...POSITIVE, ...NEGATIVE, 'not', 'very'];
export const CLASSIFY_CLASSES: readonly string[] = ['negative', 'neutral', 'positive'];

const POS0 = FILLERS.length;
const NEG0 = POS0 + POSITIVE.length;
const NOT = NEG0 + NEGATIVE.length;
const VERY = NOT + 1;

/** Probability that a phrase is negated / intensified. */
const P_NOT = 0.4;
const P_VERY = 0.3;

export const ClassifyParams = z
  .strictObject({
    /** Shortest sentence, in words. */
    minLength: z.number().int().min(1).max(1000).default(3),
    /** Longest sentence: the padded length T. */
    maxLength: z.number().int().min(1).max(1000).default(10),
    /** Most sentiment phrases in one sentence. */
    maxPhrases: z.number().int().min(1).max(8).default(2),
  })
  .refine((p) => p.minLength <= p.maxLength, { message: 'minLength must not exceed maxLength', path: ['minLength'] });
export type ClassifyParams = z.output<typeof ClassifyParams>;

/**
 * The class of a sentence of word ids under the rule: each positive (negative) word scores +1 (−1),
 * ×2 when preceded by `very`, negated when preceded by `not` (directly or before that `very`);
 * 0 negative, 1 neutral, 2 positive by the sign of the sum.
 */
export function sentimentClass(words: readonly number[]): number {
  let score = 0;
  words.forEach((w, i) => {
    if (w < POS0 || w >= NOT) return;
    let s = w < NEG0 ? 1 : -1;
    let j = i - 1;
    if (j >= 0 && words[j] === VERY) {
      s *= 2;
      j--;
    }
    if (j >= 0 && words[j] === NOT) s = -s;
    score += s;
  });
  return score < 0 ? 0 : score === 0 ? 1 : 2;
}

/** One random phrase `[not] [very] WORD`, as word ids. */
function drawPhrase(rng: Rng): number[] {
  const phrase: number[] = [];
  if (rng.bernoulli(P_NOT)) phrase.push(NOT);
  if (rng.bernoulli(P_VERY)) phrase.push(VERY);
  phrase.push(rng.bernoulli(0.5) ? POS0 + rng.int(POSITIVE.length) : NEG0 + rng.int(NEGATIVE.length));
  return phrase;
}

/** A sentence of class `cls`, by rejection: phrases and fillers in a random order. */
function drawSentence(rng: Rng, cls: number, params: ClassifyParams): number[] {
  const { minLength, maxLength, maxPhrases } = params;
  for (;;) {
    const tau = minLength + rng.int(maxLength - minLength + 1);
    const phrases = Array.from({ length: rng.int(maxPhrases + 1) }, () => drawPhrase(rng));
    const used = phrases.reduce((n, p) => n + p.length, 0);
    if (used > tau) continue;
    const pieces: number[][] = [...phrases, ...Array.from({ length: tau - used }, () => [rng.int(FILLERS.length)])];
    const words = rng.shuffle(pieces).flat();
    if (sentimentClass(words) === cls) return words;
  }
}

export function classifyTask(params: ClassifyParams): TaskInstance {
  const T = params.maxLength;
  const spec: IOSpec = { input: { dtype: 'index', size: CLASSIFY_WORDS.length }, output: { dtype: 'index', size: 3 }, mapping: 'n-1', steps: T, loss: 'ce' };
  return {
    id: 'classify',
    title: 'Sentiment classification',
    spec,
    baseline: { meanValidSteps: Math.log(3), sumTimeMeanBatch: Math.log(3), description: 'the class prior, 1/3 each (majority-class accuracy 1/3)' },
    inputSymbols: CLASSIFY_WORDS,
    outputSymbols: CLASSIFY_CLASSES,
    batch(rng: Rng, B: number): Batch {
      checkBatchSize(B);
      const { x, y } = allocBatch(spec, B); // x: (B,T)  y: (B)
      const lengths = new Int32Array(B);
      for (let b = 0; b < B; b++) {
        const cls = rng.int(3);
        const words = drawSentence(rng, cls, params);
        x.set(words, b * T);
        y[b] = cls;
        lengths[b] = words.length;
      }
      return { B, T, x, y, lengths, mask: maskFromLengths(lengths, T) };
    },
  };
}

export const CLASSIFY: TaskDef<ClassifyParams> = {
  id: 'classify',
  title: 'Sentiment classification',
  description:
    'Short sentences of words; the class (negative, neutral, positive) is the sign of the summed sentiment words, each doubled by a preceding "very" and flipped by "not": read the whole sentence (n→1). The 1/3 prior scores ln 3 ≈ 1.10.',
  params: ClassifyParams,
  create: classifyTask,
};
