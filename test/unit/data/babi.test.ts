import { describe, expect, it } from 'vitest';
import { batchProblems } from '../../../src/data/batch';
import { DataError } from '../../../src/data/errors';
import { createTask } from '../../../src/data/registry';
import { answerOf, BabiParams, babiPlaces, babiVocabulary, drawStory, mostRecentPlace, mostRecentPlaceAccuracy, storyText } from '../../../src/data/tasks/babi';
import { createRng } from '../../../src/engine/rng';

const words = (text: string): string[][] =>
  text
    .split('.')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '')
    .map((s) => s.split(' '));

describe('babi: the answer to a story', () => {
  it('one supporting fact: an actor is where they last went', () => {
    const s = words('Mary went to the kitchen. John moved to the garden. Mary travelled to the office');
    expect(answerOf(s, ['where', 'is', 'mary'])).toBe('office');
    expect(answerOf(s, ['where', 'is', 'john'])).toBe('garden');
    expect(answerOf(s, ['where', 'is', 'sandra'])).toBeUndefined();
    expect(mostRecentPlace(s)).toBe('office');
  });

  it('two supporting facts: an object is where its taker last went, before or after taking it', () => {
    const s = words('John picked up the football. John went to the kitchen. Mary moved to the garden');
    expect(answerOf(s, ['where', 'is', 'the', 'football'])).toBe('kitchen');
    expect(mostRecentPlace(s)).toBe('garden'); // the heuristic is wrong here
    const before = words('John went to the hallway. John grabbed the apple. Sandra journeyed to the office');
    expect(answerOf(before, ['where', 'is', 'the', 'apple'])).toBe('hallway');
    const never = words('Daniel got the milk. Mary went to the bedroom');
    expect(answerOf(never, ['where', 'is', 'the', 'milk'])).toBeUndefined();
    expect(answerOf(never, ['where', 'is', 'the', 'apple'])).toBeUndefined();
  });

  it('writes a story as text', () => {
    const story = { sentences: words('Mary went to the kitchen. John picked up the football'), question: ['where', 'is', 'mary'], answer: 0, kind: 'one' as const };
    expect(storyText(story)).toBe('Mary went to the kitchen. John picked up the football. Where is Mary?');
  });
});

describe('babi: generated stories', () => {
  it('answers every question right, asks only the kinds allowed, and keeps the lengths in range', () => {
    for (const questions of ['one', 'two', 'both'] as const) {
      const params = BabiParams.parse({ questions, minSentences: 3, maxSentences: 7 });
      const places = babiPlaces(params);
      const rng = createRng(11);
      const kinds = { one: 0, two: 0 };
      for (let i = 0; i < 500; i++) {
        const s = drawStory(rng, params);
        expect(s.sentences.length).toBeGreaterThanOrEqual(3);
        expect(s.sentences.length).toBeLessThanOrEqual(7);
        expect(answerOf(s.sentences, s.question)).toBe(places[s.answer]);
        expect(s.question.includes('the')).toBe(s.kind === 'two');
        kinds[s.kind]++;
      }
      if (questions === 'one') expect(kinds.two).toBe(0);
      if (questions === 'two') expect(kinds.one).toBe(0);
      if (questions === 'both') expect(Math.abs(kinds.one - kinds.two)).toBeLessThan(100);
    }
  });

  it('uses the first actors, places and objects of its params only', () => {
    const params = BabiParams.parse({ actors: 2, places: 3, objects: 1 });
    const vocab = new Set(babiVocabulary(params));
    expect(babiVocabulary(params).slice(-6)).toEqual(['mary', 'john', 'kitchen', 'garden', 'office', 'football']);
    const rng = createRng(2);
    for (let i = 0; i < 200; i++) {
      const s = drawStory(rng, params);
      for (const w of [...s.sentences.flat(), ...s.question]) expect(vocab.has(w)).toBe(true);
      expect(s.answer).toBeLessThan(3);
    }
  });
});

describe('babi: batches', () => {
  const task = createTask('babi');
  const params = BabiParams.parse({});
  const vocab = babiVocabulary(params);
  const V = vocab.length;
  const T = params.maxSentences;

  it('states its spec: slots of V + T features, a question of V, 6 places, n→1', () => {
    expect(V).toBe(25);
    expect(task.spec).toEqual({
      input: { dtype: 'real', size: V + T },
      output: { dtype: 'index', size: 6 },
      mapping: 'n-1',
      steps: 10,
      loss: 'ce',
      extra: { query: { role: 'vector', dtype: 'real', size: V } },
    });
    expect(task.outputSymbols).toEqual(['kitchen', 'garden', 'office', 'bathroom', 'hallway', 'bedroom']);
    expect(task.baseline.meanValidSteps).toBeCloseTo(Math.log(6), 12);
    expect(task.baseline.sumTimeMeanBatch).toBeCloseTo(Math.log(6), 12);
  });

  it('encodes each sentence as a bag of words and a recency one-hot, the question as a bag of words', () => {
    const B = 24;
    const batch = task.batch(createRng(5), B);
    expect(batchProblems(batch, task.spec)).toEqual([]);
    const replay = createRng(5);
    const stories = Array.from({ length: B }, () => drawStory(replay, params));
    const query = batch.extra!.query.data;
    expect(batch.x.length).toBe(B * T * (V + T));
    expect(query.length).toBe(B * V);
    expect(batch.y.length).toBe(B);
    const I = V + T;
    stories.forEach((story, b) => {
      const n = story.sentences.length;
      expect(batch.lengths[b]).toBe(n);
      expect(batch.y[b]).toBe(story.answer);
      for (let j = 0; j < T; j++) {
        const slot = Array.from(batch.x.subarray((b * T + j) * I, (b * T + j + 1) * I));
        const want = new Array<number>(I).fill(0);
        if (j < n) {
          for (const w of story.sentences[j]) want[vocab.indexOf(w)] = 1;
          want[V + (n - 1 - j)] = 1; // recency: 0 for the last sentence
        }
        expect(slot).toEqual(want);
      }
      const q = new Array<number>(V).fill(0);
      for (const w of story.question) q[vocab.indexOf(w)] = 1;
      expect(Array.from(query.subarray(b * V, (b + 1) * V))).toEqual(q);
    });
  });

  it('is deterministic given the seed, question included', () => {
    const a = task.batch(createRng(9), 16);
    const b = task.batch(createRng(9), 16);
    const c = task.batch(createRng(10), 16);
    expect(Array.from(b.x)).toEqual(Array.from(a.x));
    expect(Array.from(b.extra!.query.data)).toEqual(Array.from(a.extra!.query.data));
    expect(Array.from(b.y)).toEqual(Array.from(a.y));
    expect(Array.from(b.lengths)).toEqual(Array.from(a.lengths));
    expect(Array.from(c.extra!.query.data)).not.toEqual(Array.from(a.extra!.query.data));
  });

  it('states the "most recent place" heuristic: far above chance, far from perfect', () => {
    const one = mostRecentPlaceAccuracy(BabiParams.parse({ questions: 'one' }));
    const two = mostRecentPlaceAccuracy(BabiParams.parse({ questions: 'two' }));
    expect(one).toBeGreaterThan(0.35);
    expect(one).toBeLessThan(0.6);
    expect(two).toBeGreaterThan(0.35);
    expect(two).toBeLessThan(0.6);
    expect(mostRecentPlaceAccuracy(params)).toBe(mostRecentPlaceAccuracy(params));
    expect(task.baseline.description).toContain(`${(100 * mostRecentPlaceAccuracy(params)).toFixed(1)} %`);
  });

  it('refuses params that cannot give an answerable story, naming them', () => {
    expect(() => createTask('babi', { questions: 'two', objects: 0 })).toThrow(/objects: questions about objects need at least one object/);
    expect(() => createTask('babi', { questions: 'two', minSentences: 1 })).toThrow(/minSentences: a two-fact question needs at least 2 sentences/);
    expect(() => createTask('babi', { minSentences: 6, maxSentences: 5 })).toThrow(/minSentences must not exceed maxSentences/);
    expect(() => createTask('babi', { places: 1 })).toThrow(DataError);
    const single = createTask('babi', { questions: 'one', objects: 0, minSentences: 1, maxSentences: 1 });
    const b = single.batch(createRng(1), 8);
    expect(batchProblems(b, single.spec)).toEqual([]);
    expect(Array.from(b.lengths)).toEqual(new Array(8).fill(1));
  });
});
