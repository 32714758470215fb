import { describe, expect, it } from 'vitest';
import { DataError } from '../../../src/data/errors';
import { charLmTask, textCorpus } from '../../../src/data/text';
import { createRng } from '../../../src/engine/rng';

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as DataError).code;
  }
  return 'no error';
}

describe('textCorpus', () => {
  it('builds a code-point-ordered vocabulary and encodes the text', () => {
    const c = textCorpus('banana');
    expect(c.symbols).toEqual(['a', 'b', 'n']);
    expect(Array.from(c.ids)).toEqual([1, 0, 2, 0, 2, 0]);
    expect(c.decode(c.encode('nab'))).toBe('nab');
    // frequencies 3/6, 1/6, 2/6
    expect(c.unigramEntropy).toBeCloseTo(-(0.5 * Math.log(0.5) + (1 / 6) * Math.log(1 / 6) + (1 / 3) * Math.log(1 / 3)), 14);
    expect(() => c.encode('x')).toThrow(/"x" \(U\+0078\) is not in the corpus vocabulary/);
  });

  it('drops a byte-order mark, turns CRLF and CR into LF, and counts code points', () => {
    const c = textCorpus('\uFEFFa\r\nb\rc😀');
    expect(c.text).toBe('a\nb\nc😀');
    expect(c.symbols).toEqual(['\n', 'a', 'b', 'c', '😀']);
    expect(c.ids.length).toBe(6);
  });

  it('refuses empty text, too much text and too many distinct characters', () => {
    expect(codeOf(() => textCorpus(''))).toBe('text-empty');
    expect(codeOf(() => textCorpus('\uFEFF'))).toBe('text-empty');
    expect(codeOf(() => textCorpus('abcdef', { maxChars: 5 }))).toBe('text-too-large');
    expect(codeOf(() => textCorpus('x'.repeat(11), { maxChars: 5 }))).toBe('text-too-large');
    expect(codeOf(() => textCorpus('abcd', { maxVocab: 3 }))).toBe('text-vocab-too-large');
    expect(() => textCorpus('')).toThrow(/the text is empty/);
  });
});

describe('charLmTask over user text', () => {
  it('samples windows with targets shifted by one, deterministically', () => {
    const c = textCorpus('the quick brown fox jumps over the lazy dog');
    const task = charLmTask(c, { T: 8 });
    expect(task.id).toBe('text');
    const a = task.batch(createRng(1), 5);
    const b = task.batch(createRng(1), 5);
    expect(Array.from(a.x)).toEqual(Array.from(b.x));
    for (let i = 0; i < 5; i++) {
      const s = c.decode(a.x.subarray(i * 8, i * 8 + 8)) + c.decode(a.y.subarray(i * 8 + 7, i * 8 + 8));
      expect(c.text).toContain(s);
    }
  });

  it('reaches the last window and refuses text shorter than T + 1', () => {
    const c = textCorpus('abcde');
    const task = charLmTask(c, { T: 4 });
    const { x, y } = task.batch(createRng(2), 50);
    expect(Array.from(x).every((k, i) => k === i % 4)).toBe(true); // only one window: "abcd" → "bcde"
    expect(Array.from(y).every((k, i) => k === (i % 4) + 1)).toBe(true);
    expect(codeOf(() => charLmTask(c, { T: 5 }))).toBe('text-too-short');
    expect(() => charLmTask(c, { T: 5 })).toThrow(/the text has 5 characters; windows of T = 5 need at least 6/);
  });
});
