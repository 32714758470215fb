import { describe, expect, it } from 'vitest';
import { batchProblems } from '../../../src/data/batch';
import { createTask } from '../../../src/data/registry';
import { TAGGING_WORDS, tagsOf } from '../../../src/data/tasks/tagging';
import { createRng } from '../../../src/engine/rng';

const ids = (text: string): number[] =>
  text.split(' ').map((w) => {
    const k = TAGGING_WORDS.indexOf(w);
    if (k < 0) throw new Error(`no word "${w}"`);
    return k;
  });
const TAG_NAMES = ['DET', 'ADJ', 'NOUN', 'VERB'];
const tags = (text: string): string => tagsOf(ids(text)).map((k) => TAG_NAMES[k]).join(' ');

describe('tagging (n→n)', () => {
  it('states its spec, vocabulary, tags and baseline', () => {
    const task = createTask('tagging');
    expect(task.spec).toEqual({ input: { dtype: 'index', size: 17 }, output: { dtype: 'index', size: 4 }, mapping: 'n-n', steps: 12, loss: 'ce' });
    expect(task.inputSymbols).toEqual(TAGGING_WORDS);
    expect(new Set(task.inputSymbols).size).toBe(17);
    expect(task.outputSymbols).toEqual(TAG_NAMES);
    expect(task.baseline.meanValidSteps).toBeCloseTo(0.3 * Math.LN2, 12);
    expect(task.baseline.sumTimeMeanBatch).toBeCloseTo(8 * 0.3 * Math.LN2, 12);
  });

  it('the rules on hand-checked sentences: right-ambiguous words read the next word, left-ambiguous the previous', () => {
    expect(tags('record the song')).toBe('VERB DET NOUN');
    expect(tags('the record sings')).toBe('DET NOUN VERB');
    expect(tags('permit old dog')).toBe('VERB ADJ NOUN');
    expect(tags('a present')).toBe('DET NOUN'); // the last word: nothing follows
    expect(tags('object object the')).toBe('NOUN VERB DET');
    expect(tags('walk the dog')).toBe('VERB DET NOUN'); // the first word: nothing precedes
    expect(tags('the walk')).toBe('DET NOUN');
    expect(tags('red fish likes fish')).toBe('ADJ NOUN VERB VERB');
    expect(tags('record red fish')).toBe('VERB ADJ NOUN');
  });

  it('every target follows the rules; lengths, padding, word frequencies as stated', () => {
    const task = createTask('tagging', { minLength: 4, maxLength: 12 });
    const batch = task.batch(createRng(7), 1000);
    expect(batchProblems(batch, task.spec)).toEqual([]);
    const { x, y, lengths, B, T } = batch;
    const right = new Set(ids('record permit present object'));
    const left = new Set(ids('walk fish'));
    const opens = new Set(ids('the a old new red'));
    let words = 0;
    let rights = 0;
    let ambiguous = 0;
    let verbs = 0;
    let decided = 0;
    for (let b = 0; b < B; b++) {
      const tau = lengths[b];
      expect(tau).toBeGreaterThanOrEqual(4);
      expect(tau).toBeLessThanOrEqual(12);
      const sentence = Array.from(x.subarray(b * T, b * T + tau));
      expect(Array.from(y.subarray(b * T, b * T + tau))).toEqual(tagsOf(sentence));
      for (let t = tau; t < T; t++) {
        expect(x[b * T + t]).toBe(0);
        expect(y[b * T + t]).toBe(0);
      }
      sentence.forEach((w, t) => {
        words++;
        if (right.has(w)) rights++;
        if (right.has(w) || left.has(w)) ambiguous++;
        if (right.has(w) && t + 1 < tau) {
          decided++;
          if (opens.has(sentence[t + 1])) verbs++;
        }
      });
    }
    // ~8000 words: right-ambiguous 0.2, ambiguous 0.3; a right-ambiguous word inside is a verb 1/2 the time
    expect(Math.abs(rights / words - 0.2)).toBeLessThan(0.02);
    expect(Math.abs(ambiguous / words - 0.3)).toBeLessThan(0.02);
    expect(Math.abs(verbs / decided - 0.5)).toBeLessThan(0.04);
  });

  it('is deterministic given the seed; bad params are refused by name', () => {
    const task = createTask('tagging');
    const a = task.batch(createRng(3), 16);
    const b = task.batch(createRng(3), 16);
    expect(Array.from(b.x)).toEqual(Array.from(a.x));
    expect(Array.from(b.y)).toEqual(Array.from(a.y));
    expect(Array.from(b.lengths)).toEqual(Array.from(a.lengths));
    expect(Array.from(task.batch(createRng(4), 16).x)).not.toEqual(Array.from(a.x));
    expect(() => createTask('tagging', { minLength: 9, maxLength: 5 })).toThrow(/minLength: minLength must not exceed maxLength/);
  });
});
