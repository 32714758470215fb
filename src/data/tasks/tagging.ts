/**
 * Part-of-speech tagging (n→n, cross-entropy, 4 tags): a tag for every word, where some tags are
 * decided by the word that FOLLOWS — a model that reads only leftwards cannot know them, a
 * bidirectional one can. Each of the `τ_b` words (uniform in `[minLength, maxLength]`) is drawn
 * independently: its class with the probabilities below, then a word of that class uniformly.
 *
 *   class         p     words                            tag
 *   determiner   0.3    the a                            DET
 *   adjective    0.2    old new red                      ADJ
 *   noun         0.1    dog song city                    NOUN
 *   verb         0.1    sees likes sings                 VERB
 *   right-ambig. 0.2    record permit present object     VERB if the NEXT word is a determiner or an
 *                                                        adjective, else NOUN (also the last word)
 *   left-ambig.  0.1    walk fish                        NOUN if the PREVIOUS word is a determiner or an
 *                                                        adjective, else VERB (also the first word)
 *
 *   x  (B,T)  word ids (the words above, in that order); T = maxLength
 *   y  (B,T)  tag ids 0 DET, 1 ADJ, 2 NOUN, 3 VERB; 0 past τ_b
 *
 * A determiner or adjective follows (precedes) any word with probability 1/2, so a right-ambiguous
 * word not at the end is a verb or a noun half the time each: reading left to right, the best
 * accuracy is about 0.9; reading both ways, 1. Baseline (the word alone, no context): its tag for
 * unambiguous words and a 1/2–1/2 guess for the ambiguous ones (probability 0.3), `0.3·ln 2` per
 * step, `E[τ]·0.3·ln 2` per sequence.
 */
import { z } from 'zod';
import type { Rng } from '../../engine/rng';
import { allocBatch, checkBatchSize, maskFromLengths, type Batch, type IOSpec } from '../batch';
import { drawLengths, type TaskDef, type TaskInstance } from '../task';

export const TAGS: readonly string[] = ['DET', 'ADJ', 'NOUN', 'VERB'];
const DET = 0;
const ADJ = 1;
const NOUN = 2;
const VERB = 3;

type WordClass = 'det' | 'adj' | 'noun' | 'verb' | 'right' | 'left';

/** Word classes: their words and their weight out of 10 (the probabilities above). */
const CLASSES: readonly { readonly cls: WordClass; readonly words: readonly string[]; readonly weight: number }[] = [
  { cls: 'det', words: ['the', 'a'], weight: 3 },
  { cls: 'adj', words: ['old', 'new', 'red'], weight: 2 },
  { cls: 'noun', words: ['dog', 'song', 'city'], weight: 1 },
  { cls: 'verb', words: ['sees', 'likes', 'sings'], weight: 1 },
  { cls: 'right', words: ['record', 'permit', 'present', 'object'], weight: 2 },
  { cls: 'left', words: ['walk', 'fish'], weight: 1 },
];

/** The vocabulary in id order. */
export const TAGGING_WORDS: readonly string[] = CLASSES.flatMap((c) => c.words);
/** The class of each word id. */
const CLASS_OF: readonly WordClass[] = CLASSES.flatMap((c) => c.words.map(() => c.cls));
/** The first word id of each class. */
const FIRST: readonly number[] = CLASSES.map((_, k) => CLASSES.slice(0, k).reduce((n, c) => n + c.words.length, 0));
/** Class index for each of the 10 weight units. */
const BY_UNIT: readonly number[] = CLASSES.flatMap((c, k) => Array.from({ length: c.weight }, () => k));
/** Probability that a word is ambiguous (right or left). */
const P_AMBIGUOUS = 0.3;

export const TaggingParams = z
  .strictObject({
    /** Shortest sequence, in words. */
    minLength: z.number().int().min(1).max(1000).default(4),
    /** Longest sequence: the padded length T. */
    maxLength: z.number().int().min(1).max(1000).default(12),
  })
  .refine((p) => p.minLength <= p.maxLength, { message: 'minLength must not exceed maxLength', path: ['minLength'] });
export type TaggingParams = z.output<typeof TaggingParams>;

/** Whether a word id is a determiner or an adjective (what decides the ambiguous words). */
const opensNoun = (w: number | undefined): boolean => w !== undefined && (CLASS_OF[w] === 'det' || CLASS_OF[w] === 'adj');

/** The tags of a sentence of word ids under the rules of the table above. */
export function tagsOf(words: readonly number[]): number[] {
  return words.map((w, i) => {
    switch (CLASS_OF[w]) {
      case 'det':
        return DET;
      case 'adj':
        return ADJ;
      case 'noun':
        return NOUN;
      case 'verb':
        return VERB;
      case 'right':
        return opensNoun(words[i + 1]) ? VERB : NOUN;
      case 'left':
        return opensNoun(i > 0 ? words[i - 1] : undefined) ? NOUN : VERB;
    }
  });
}

function drawWord(rng: Rng): number {
  const k = BY_UNIT[rng.int(BY_UNIT.length)];
  return FIRST[k] + rng.int(CLASSES[k].words.length);
}

export function taggingTask(params: TaggingParams): TaskInstance {
  const { minLength, maxLength } = params;
  const T = maxLength;
  const spec: IOSpec = { input: { dtype: 'index', size: TAGGING_WORDS.length }, output: { dtype: 'index', size: TAGS.length }, mapping: 'n-n', steps: T, loss: 'ce' };
  const perStep = P_AMBIGUOUS * Math.LN2;
  return {
    id: 'tagging',
    title: 'Tagging',
    spec,
    baseline: { meanValidSteps: perStep, sumTimeMeanBatch: ((minLength + maxLength) / 2) * perStep, description: 'the word alone: its tag for unambiguous words, a 1/2–1/2 noun/verb guess for the ambiguous ones' },
    inputSymbols: TAGGING_WORDS,
    outputSymbols: TAGS,
    batch(rng: Rng, B: number): Batch {
      checkBatchSize(B);
      const lengths = drawLengths(rng, B, T, minLength);
      const { x, y } = allocBatch(spec, B); // x: (B,T)  y: (B,T)
      for (let b = 0; b < B; b++) {
        const words = Array.from({ length: lengths[b] }, () => drawWord(rng));
        x.set(words, b * T);
        y.set(tagsOf(words), b * T);
      }
      return { B, T, x, y, lengths, mask: maskFromLengths(lengths, T) };
    },
  };
}

export const TAGGING: TaskDef<TaggingParams> = {
  id: 'tagging',
  title: 'Tagging',
  description:
    'Tag every word DET, ADJ, NOUN or VERB (n→n). Words like "record" are verbs when the next word is a determiner or adjective, nouns otherwise; "walk" is a noun after one: reading only leftwards tops out near 90 %, a bidirectional model can reach 100 %. The word alone scores 0.3·ln 2 ≈ 0.21 per word.',
  params: TaggingParams,
  create: taggingTask,
};
