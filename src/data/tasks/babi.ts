/**
 * bAbI-like story questions (after Weston et al. 2015, tasks 1 and 2), generated from the seed. A
 * story is 1–T short sentences about a few actors, places and objects:
 *
 *   Mary went to the kitchen. John picked up the football. John moved to the garden.
 *   Where is Mary?  → kitchen        (one supporting fact: the actor's last move)
 *   Where is the football?  → garden (two: who took it, then where that actor went last)
 *
 * Each sentence is one memory slot, a step of `x`: a bag of words over the vocabulary followed by a
 * one-hot of its recency (0 = the last sentence), so a memory can tell the latest move from older
 * ones. The question is the extra input `query`, a bag of words. The answer is a place (n→1, CE).
 * A story a person types is read by `readStory` (babi-text.ts) and encoded by the same `writeStory`
 * as the drawn ones (`encodeText`), so the two cannot drift apart.
 */
import { z } from 'zod';
import type { Rng } from '../../engine/rng';
import { createRng } from '../../engine/rng';
import { checkBatchSize, maskFromLengths, type Batch, type IOSpec } from '../batch';
import { DataError } from '../errors';
import type { TaskDef, TaskInstance, TextSample } from '../task';
import { readStory, type BabiWords } from './babi-text';

const ACTORS = ['mary', 'john', 'sandra', 'daniel', 'fred', 'bill', 'julie', 'jeff'];
const PLACES = ['kitchen', 'garden', 'office', 'bathroom', 'hallway', 'bedroom', 'cinema', 'park'];
const OBJECTS = ['football', 'apple', 'milk', 'book', 'key', 'box'];
const MOVES = ['went', 'moved', 'travelled', 'journeyed'];
const TAKES: readonly (readonly string[])[] = [['picked', 'up'], ['got'], ['grabbed']];
/** Words every vocabulary starts with, in this order. */
const FUNCTION_WORDS = ['where', 'is', 'the', 'to', ...MOVES, 'picked', 'up', 'got', 'grabbed'];

/** Chance that a sentence is a take (while some object is still free). */
const TAKE_CHANCE = 0.3;
const MAX_DRAWS = 10_000;

export const BabiParams = z
  .strictObject({
    actors: z.number().int().min(1).max(ACTORS.length).default(4),
    places: z.number().int().min(2).max(PLACES.length).default(6),
    objects: z.number().int().min(0).max(OBJECTS.length).default(3),
    /** Fewest sentences in a story. */
    minSentences: z.number().int().min(1).max(64).default(4),
    /** Most sentences in a story: T, the number of memory slots. */
    maxSentences: z.number().int().min(1).max(64).default(10),
    /** `one`: "Where is <actor>?"; `two`: "Where is the <object>?"; `both`: half and half. */
    questions: z.enum(['one', 'two', 'both']).default('both'),
  })
  .refine((p) => p.minSentences <= p.maxSentences, { message: 'minSentences must not exceed maxSentences', path: ['minSentences'] })
  .refine((p) => p.questions === 'one' || p.objects >= 1, { message: 'questions about objects need at least one object', path: ['objects'] })
  .refine((p) => p.questions !== 'two' || p.minSentences >= 2, { message: 'a two-fact question needs at least 2 sentences (a take and a move)', path: ['minSentences'] })
  .refine((p) => p.questions !== 'both' || p.maxSentences >= 2, { message: 'object questions need stories of at least 2 sentences; raise maxSentences', path: ['maxSentences'] });
export type BabiParams = z.output<typeof BabiParams>;

/** One story: sentences and question as lowercase words, the answer as a place index. */
export interface Story {
  readonly sentences: readonly (readonly string[])[];
  readonly question: readonly string[];
  /** Index into the task's places (its output classes). */
  readonly answer: number;
  /** `one`: a question about an actor; `two`: about an object. */
  readonly kind: 'one' | 'two';
}

/** The words a task's sentences and questions use: function words, then actors, places, objects. */
export function babiVocabulary(params: BabiParams): string[] {
  return [...FUNCTION_WORDS, ...ACTORS.slice(0, params.actors), ...PLACES.slice(0, params.places), ...OBJECTS.slice(0, params.objects)];
}

/** The places, in class order. */
export function babiPlaces(params: BabiParams): string[] {
  return PLACES.slice(0, params.places);
}

/**
 * The answer to `question` ("where is X" / "where is the X") after `sentences`, as a place word, or
 * undefined when the story does not say: an actor is where they last went; an object is where its
 * last taker last went (before or after taking it).
 */
export function answerOf(sentences: readonly (readonly string[])[], question: readonly string[]): string | undefined {
  const subject = question[question.length - 1];
  const lastPlace = (actor: string): string | undefined => {
    let place: string | undefined;
    for (const s of sentences) if (s[0] === actor && s.includes('to')) place = s[s.length - 1];
    return place;
  };
  if (!question.includes('the')) return lastPlace(subject);
  let holder: string | undefined;
  for (const s of sentences) if (!s.includes('to') && s[s.length - 1] === subject) holder = s[0];
  return holder === undefined ? undefined : lastPlace(holder);
}

/** The place mentioned last in the story (the "most recent place" heuristic), if any. */
export function mostRecentPlace(sentences: readonly (readonly string[])[]): string | undefined {
  for (let i = sentences.length - 1; i >= 0; i--) if (sentences[i].includes('to')) return sentences[i][sentences[i].length - 1];
  return undefined;
}

/** Words as written in a sentence: the first and every name capitalised. */
export function sentenceText(words: readonly string[]): string {
  return words.map((x, i) => (i === 0 || ACTORS.includes(x) ? x[0].toUpperCase() + x.slice(1) : x)).join(' ');
}

/** The story as text: "Mary went to the kitchen. … Where is Mary?" */
export function storyText(story: Pick<Story, 'sentences' | 'question'>): string {
  return [...story.sentences.map((s) => `${sentenceText(s)}.`), `${sentenceText(story.question)}?`].join(' ');
}

/** The words a typed story of the task may use, by kind, and its memory slots (for `readStory`). */
export function babiWords(params: BabiParams): BabiWords {
  return { actors: ACTORS.slice(0, params.actors), places: babiPlaces(params), objects: OBJECTS.slice(0, params.objects), other: FUNCTION_WORDS, maxSentences: params.maxSentences };
}

/**
 * Writes one story into sample `b`: slot `j` of `x` (B,T,V+T) gets sentence j's bag of words and
 * the one-hot of its recency `n − 1 − j`; `query` (B,V) the question's bag of words. The one
 * encoding of drawn stories (`batch`) and typed ones (`encodeText`); every word must be in `index`.
 */
function writeStory(x: Float32Array, query: Float32Array, b: number, T: number, index: ReadonlyMap<string, number>, sentences: readonly (readonly string[])[], question: readonly string[]): void {
  const V = index.size;
  const I = V + T;
  const n = sentences.length;
  sentences.forEach((words, j) => {
    const row = (b * T + j) * I;
    for (const w of words) x[row + index.get(w)!] = 1;
    x[row + V + (n - 1 - j)] = 1;
  });
  for (const w of question) query[b * V + index.get(w)!] = 1;
}

/** Draws one story with an answerable question of the kinds `params.questions` allows. */
export function drawStory(rng: Rng, params: BabiParams): Story {
  const { actors: A, places: P, objects: K, minSentences, maxSentences, questions } = params;
  // The question's kind comes first, so `both` asks about actors and objects equally often.
  const kind: 'one' | 'two' = questions === 'both' ? (rng.bernoulli(0.5) ? 'one' : 'two') : questions;
  for (let attempt = 0; attempt < MAX_DRAWS; attempt++) {
    const n = minSentences + rng.int(maxSentences - minSentences + 1);
    const where = new Array<number>(A).fill(-1);
    const holder = new Array<number>(K).fill(-1);
    const sentences: string[][] = [];
    for (let i = 0; i < n; i++) {
      const actor = rng.int(A);
      const free = holder.flatMap((h, k) => (h < 0 ? [k] : []));
      if (free.length > 0 && rng.bernoulli(TAKE_CHANCE)) {
        const k = free[rng.int(free.length)];
        holder[k] = actor;
        sentences.push([ACTORS[actor], ...TAKES[rng.int(TAKES.length)], 'the', OBJECTS[k]]);
      } else {
        // A move always changes place (the actor's first move goes anywhere).
        let place = rng.int(where[actor] < 0 ? P : P - 1);
        if (where[actor] >= 0 && place >= where[actor]) place++;
        where[actor] = place;
        sentences.push([ACTORS[actor], MOVES[rng.int(MOVES.length)], 'to', 'the', PLACES[place]]);
      }
    }
    const one = where.flatMap((w, a) => (w >= 0 ? [a] : []));
    const two = holder.flatMap((h, k) => (h >= 0 && where[h] >= 0 ? [k] : []));
    const pool = kind === 'one' ? one : two;
    if (pool.length === 0) continue;
    const pick = pool[rng.int(pool.length)];
    const question = kind === 'one' ? ['where', 'is', ACTORS[pick]] : ['where', 'is', 'the', OBJECTS[pick]];
    const answer = kind === 'one' ? where[pick] : where[holder[pick]];
    return { sentences, question, answer, kind };
  }
  throw new DataError('task-bad-params', `babi: no answerable story in ${MAX_DRAWS} draws; allow more sentences or other question kinds`);
}

/**
 * The fraction of `n` stories (drawn from seed `seed`) that the "most recent place mentioned"
 * heuristic answers right.
 */
export function mostRecentPlaceAccuracy(params: BabiParams, n = 4096, seed = 1): number {
  const rng = createRng(seed);
  let right = 0;
  for (let i = 0; i < n; i++) {
    const s = drawStory(rng, params);
    if (mostRecentPlace(s.sentences) === PLACES[s.answer]) right++;
  }
  return right / n;
}

/** The task's extra input name: the question's bag of words. */
export const BABI_QUERY = 'query';

export function babiTask(params: BabiParams): TaskInstance {
  const T = params.maxSentences;
  const vocab = babiVocabulary(params);
  const V = vocab.length;
  const I = V + T; // slot: bag of words (V) | recency one-hot (T)
  const index = new Map(vocab.map((w, i) => [w, i]));
  const P = params.places;
  const spec: IOSpec = {
    input: { dtype: 'real', size: I },
    output: { dtype: 'index', size: P },
    mapping: 'n-1',
    steps: T,
    loss: 'ce',
    extra: { [BABI_QUERY]: { role: 'vector', dtype: 'real', size: V } },
  };
  const recent = mostRecentPlaceAccuracy(params);
  const what = params.questions === 'one' ? 'actors' : params.questions === 'two' ? 'objects' : 'actors and objects';
  return {
    id: 'babi',
    title: 'Story questions (bAbI-like)',
    spec,
    baseline: {
      meanValidSteps: Math.log(P),
      sumTimeMeanBatch: Math.log(P),
      description: `a uniform guess among the ${P} places, ln ${P}; answering the most recently mentioned place is right ${(100 * recent).toFixed(1)} % of the time on questions about ${what}`,
    },
    outputSymbols: babiPlaces(params),
    batch(rng: Rng, B: number): Batch {
      checkBatchSize(B);
      const x = new Float32Array(B * T * I); // x: (B,T,I)
      const query = new Float32Array(B * V); // query: (B,V)
      const y = new Int32Array(B); // y: (B)
      const lengths = new Int32Array(B);
      for (let b = 0; b < B; b++) {
        const story = drawStory(rng, params);
        lengths[b] = story.sentences.length;
        y[b] = story.answer;
        writeStory(x, query, b, T, index, story.sentences, story.question);
      }
      return { B, T, x, y, lengths, mask: maskFromLengths(lengths, T), extra: { [BABI_QUERY]: { role: 'vector', dtype: 'real', size: V, data: query } } };
    },
    encodeText(text: string): TextSample {
      const read = readStory(text, babiWords(params));
      if (!read.ok) return read;
      const { sentences, question } = read;
      const x = new Float32Array(T * I); // x: (1,T,I)
      const query = new Float32Array(V); // query: (1,V)
      writeStory(x, query, 0, T, index, sentences, question);
      // y: the story's answer when it says, else class 0 (the model's answer does not read it).
      const answer = answerOf(sentences, question);
      const y = Int32Array.of(Math.max(0, answer === undefined ? 0 : babiPlaces(params).indexOf(answer)));
      const lengths = Int32Array.of(sentences.length);
      return {
        ok: true,
        batch: { B: 1, T, x, y, lengths, mask: maskFromLengths(lengths, T), extra: { [BABI_QUERY]: { role: 'vector', dtype: 'real', size: V, data: query } } },
        steps: sentences.map((s) => `${sentenceText(s)}.`),
        question: `${sentenceText(question)}?`,
      };
    },
    textExample: (rng: Rng) => storyText(drawStory(rng, params)),
  };
}

export const BABI: TaskDef<BabiParams> = {
  id: 'babi',
  title: 'Story questions (bAbI-like)',
  description:
    'Short stories of actors moving between places and picking up objects; answer "Where is Mary?" (one supporting fact) or "Where is the football?" (two). Each sentence is a memory slot (bag of words + recency), the question a bag of words beside it. A guess scores ln(places).',
  params: BabiParams,
  create: babiTask,
};
