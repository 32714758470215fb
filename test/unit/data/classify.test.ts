import { describe, expect, it } from 'vitest';
import { batchProblems } from '../../../src/data/batch';
import { DataError } from '../../../src/data/errors';
import { createTask } from '../../../src/data/registry';
import { CLASSIFY_WORDS, sentimentClass } from '../../../src/data/tasks/classify';
import { createRng } from '../../../src/engine/rng';

const ids = (text: string): number[] =>
  text.split(' ').map((w) => {
    const k = CLASSIFY_WORDS.indexOf(w);
    if (k < 0) throw new Error(`no word "${w}"`);
    return k;
  });
const NEG = 0;
const NEUTRAL = 1;
const POS = 2;

describe('classify (sentiment, n→1)', () => {
  it('states its spec, vocabulary, classes and baseline', () => {
    const task = createTask('classify');
    expect(task.spec).toEqual({ input: { dtype: 'index', size: 20 }, output: { dtype: 'index', size: 3 }, mapping: 'n-1', steps: 10, loss: 'ce' });
    expect(task.inputSymbols).toEqual(CLASSIFY_WORDS);
    expect(new Set(task.inputSymbols).size).toBe(20);
    expect(task.outputSymbols).toEqual(['negative', 'neutral', 'positive']);
    expect(task.baseline.meanValidSteps).toBeCloseTo(Math.log(3), 12);
    expect(task.baseline.sumTimeMeanBatch).toBeCloseTo(Math.log(3), 12);
  });

  it('the rule on hand-checked sentences: sentiment words summed, "very" doubles, "not" flips', () => {
    expect(sentimentClass(ids('the film was good'))).toBe(POS);
    expect(sentimentClass(ids('the film was not good'))).toBe(NEG);
    expect(sentimentClass(ids('not bad'))).toBe(POS);
    expect(sentimentClass(ids('the plot is a story'))).toBe(NEUTRAL);
    expect(sentimentClass(ids('good and dull'))).toBe(NEUTRAL);
    expect(sentimentClass(ids('very good and dull'))).toBe(POS);
    expect(sentimentClass(ids('good and very dull'))).toBe(NEG);
    expect(sentimentClass(ids('not very good and fun'))).toBe(NEG); // −2 + 1
    expect(sentimentClass(ids('not very bad and fun'))).toBe(POS); // +2 + 1
    expect(sentimentClass(ids('not good not bad'))).toBe(NEUTRAL);
    expect(sentimentClass(ids('very not good'))).toBe(NEG); // "very" must sit next to the word
    expect(sentimentClass(ids('not the good'))).toBe(POS); // "not" must sit next to it (or before its "very")
  });

  it('every label follows the rule; sentences keep their lengths, padding and phrase structure', () => {
    const task = createTask('classify', { minLength: 3, maxLength: 10 });
    const batch = task.batch(createRng(5), 600);
    expect(batchProblems(batch, task.spec)).toEqual([]);
    const { x, y, lengths, B, T } = batch;
    const counts = [0, 0, 0];
    const notId = CLASSIFY_WORDS.indexOf('not');
    const veryId = CLASSIFY_WORDS.indexOf('very');
    const sentiment = (w: number) => w >= 10 && w < 18;
    for (let b = 0; b < B; b++) {
      expect(lengths[b]).toBeGreaterThanOrEqual(3);
      expect(lengths[b]).toBeLessThanOrEqual(10);
      const words = Array.from(x.subarray(b * T, b * T + lengths[b]));
      for (let t = lengths[b]; t < T; t++) expect(x[b * T + t]).toBe(0);
      expect(y[b]).toBe(sentimentClass(words));
      counts[y[b]]++;
      words.forEach((w, i) => {
        if (w === notId) expect(words[i + 1] === veryId || sentiment(words[i + 1])).toBe(true);
        if (w === veryId) expect(sentiment(words[i + 1])).toBe(true);
      });
    }
    // the class is drawn uniformly first: 200 each on average (σ ≈ 11.5)
    for (const n of counts) expect(Math.abs(n - 200)).toBeLessThan(50);
  });

  it('is deterministic given the seed', () => {
    const task = createTask('classify');
    const a = task.batch(createRng(3), 16);
    const b = task.batch(createRng(3), 16);
    expect(Array.from(b.x)).toEqual(Array.from(a.x));
    expect(Array.from(b.y)).toEqual(Array.from(a.y));
    expect(Array.from(b.lengths)).toEqual(Array.from(a.lengths));
    expect(Array.from(task.batch(createRng(4), 16).x)).not.toEqual(Array.from(a.x));
  });

  it('one-word sentences still cover every class; bad params are refused by name', () => {
    const task = createTask('classify', { minLength: 1, maxLength: 1 });
    const { y, lengths } = task.batch(createRng(1), 60);
    expect(Array.from(lengths).every((l) => l === 1)).toBe(true);
    expect(new Set(y)).toEqual(new Set([0, 1, 2]));
    expect(() => createTask('classify', { minLength: 8, maxLength: 4 })).toThrow(/minLength: minLength must not exceed maxLength/);
    expect(() => createTask('classify', { maxPhrases: 0 })).toThrow(DataError);
  });
});
