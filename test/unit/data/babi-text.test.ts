import { describe, expect, it } from 'vitest';
import { batchProblems } from '../../../src/data/batch';
import { createTask } from '../../../src/data/registry';
import type { TaskInstance, TextSample } from '../../../src/data/task';
import { BABI_QUERY, BabiParams, babiWords, drawStory, storyText } from '../../../src/data/tasks/babi';
import { readStory, type BabiTextCode } from '../../../src/data/tasks/babi-text';
import { createRng } from '../../../src/engine/rng';

const DEFAULTS = createTask('babi');

/** A typed story read by the task, which must succeed. */
function encoded(task: TaskInstance, text: string): Extract<TextSample, { ok: true }> {
  const r = task.encodeText!(text);
  if (!r.ok) throw new Error(`${r.code}: ${r.message}`);
  return r;
}

describe('babi: a typed story encodes as the generator encodes the same story', () => {
  it.each([
    ['defaults', {}],
    ['object questions, 8 slots, every word', { actors: 8, places: 8, objects: 6, minSentences: 2, maxSentences: 8, questions: 'two' }],
    ['actor questions, 1–3 slots, no objects', { actors: 2, places: 3, objects: 0, minSentences: 1, maxSentences: 3, questions: 'one' }],
  ])('%s: x, query, lengths, mask and y equal the batch drawn from the same seed', (_, taskParams) => {
    const task = createTask('babi', taskParams);
    const params = BabiParams.parse(taskParams);
    const B = 40;
    const batch = task.batch(createRng(7), B);
    const rng = createRng(7); // batch() draws its stories one after another from this generator
    const { T } = batch;
    const I = task.spec.input.size;
    const V = task.spec.extra![BABI_QUERY]!.size;
    for (let b = 0; b < B; b++) {
      const story = drawStory(rng, params);
      const sample = encoded(task, storyText(story));
      const one = sample.batch;
      expect(batchProblems(one, task.spec)).toEqual([]);
      expect([one.B, one.T]).toEqual([1, T]);
      expect(Array.from(one.x)).toEqual(Array.from(batch.x.subarray(b * T * I, (b + 1) * T * I)));
      expect(Array.from(one.extra![BABI_QUERY]!.data)).toEqual(Array.from(batch.extra![BABI_QUERY]!.data.subarray(b * V, (b + 1) * V)));
      expect(one.lengths[0]).toBe(batch.lengths[b]);
      expect(Array.from(one.mask)).toEqual(Array.from(batch.mask.subarray(b * T, (b + 1) * T)));
      expect(one.y[0]).toBe(batch.y[b]);
      expect(sample.steps).toHaveLength(story.sentences.length);
      expect(sample.question).toBe(storyText({ sentences: [], question: story.question }));
    }
  });

  it('reads the story back word for word: readStory(storyText(s)) gives s', () => {
    const params = BabiParams.parse({ actors: 8, places: 8, objects: 6, maxSentences: 12 });
    const rng = createRng(3);
    for (let i = 0; i < 300; i++) {
      const s = drawStory(rng, params);
      expect(readStory(storyText(s), babiWords(params))).toEqual({ ok: true, sentences: s.sentences, question: s.question });
    }
  });

  it('ignores case, spacing, commas and quotes; "!" and line breaks end sentences', () => {
    const plain = encoded(DEFAULTS, 'Mary went to the kitchen. John picked up the football. John moved to the garden. Where is the football?');
    const loose = encoded(DEFAULTS, '  mary WENT to the kitchen!\n"John", picked up the football\nJohn  moved to the garden...   where is the FOOTBALL ?  ');
    expect(Array.from(loose.batch.x)).toEqual(Array.from(plain.batch.x));
    expect(Array.from(loose.batch.extra![BABI_QUERY]!.data)).toEqual(Array.from(plain.batch.extra![BABI_QUERY]!.data));
    expect(loose.steps).toEqual(['Mary went to the kitchen.', 'John picked up the football.', 'John moved to the garden.']);
    expect(loose.question).toBe('Where is the football?');
    expect(loose.batch.y[0]).toBe(1); // garden: the football's taker went there last
  });

  it('draws its example from the task: a story the task reads back', () => {
    const task = DEFAULTS;
    const text = task.textExample!(createRng(1));
    expect(text).toMatch(/^[A-Z][a-z ]+\.( [A-Z][a-z ]+\.)* Where is [a-zA-Z ]+\?$/);
    expect(task.encodeText!(text).ok).toBe(true);
  });
});

describe('babi: a typed story that cannot be read names its problem', () => {
  const cases: [string, Record<string, unknown>, string, BabiTextCode, RegExp][] = [
    ['nothing typed', {}, ' .. ?\n', 'babi-text-empty', /^the story is empty: type sentences ending with "\." and then a question ending with "\?"/],
    ['no question', {}, 'Mary went to the kitchen. John went to the garden.', 'babi-text-no-question', /^the story has no question: add one ending with "\?" after it, e.g\. "Where is Mary\?"$/],
    ['a question without its mark', {}, 'Mary went to the kitchen. Where is Mary', 'babi-text-no-question-mark', /^end the question with "\?": the last sentence, "where is mary", has none$/],
    ['two questions', {}, 'Mary went to the kitchen. Where is John? Where is Mary?', 'babi-text-two-questions', /^ask one question at a time: "where is john\?" and "where is mary\?" are both questions/],
    ['a sentence after the question', {}, 'Mary went to the kitchen. Where is Mary? John went to the garden.', 'babi-text-after-question', /^the question must come last: "john went to the garden\." follows "where is mary\?"/],
    ['a question alone', {}, 'Where is Mary?', 'babi-text-no-story', /^tell a story before the question/],
    ['more sentences than slots', { maxSentences: 2, minSentences: 2 }, 'Mary went to the kitchen. John went to the garden. Mary went to the office. Where is Mary?', 'babi-text-too-long', /^the story has 3 sentences, but the model has 2 memory slots \(the task's maxSentences\)/],
    ['an unknown name', {}, 'Mary went to the kitchen. Bob went to the garden. Where is Mary?', 'babi-text-unknown-word', /^the word "bob" in sentence 2 is not one the model knows; it knows the names "Mary", "John", "Sandra", "Daniel"; the places "kitchen"/],
    ['a name beyond the task’s actors', { actors: 2 }, 'Sandra went to the kitchen. Where is Sandra?', 'babi-text-unknown-word', /^the word "sandra" in sentence 1 /],
    ['an unknown word in the question', {}, 'Mary went to the kitchen. Where is the cat?', 'babi-text-unknown-word', /^the word "cat" in the question /],
    ['a digit in a word', {}, 'M4ry went to the kitchen. Where is Mary?', 'babi-text-unknown-word', /^the word "m4ry" in sentence 1/],
    ['a question of another form', {}, 'Mary went to the kitchen. Is Mary where?', 'babi-text-bad-question', /^ask "Where is <name>\?" \("Mary", "John", "Sandra", "Daniel"\) or "Where is the <object>\?" \("football", "apple", "milk"\): the question "is mary where\?" is neither$/],
    ['a question about a place', {}, 'Mary went to the kitchen. Where is the kitchen?', 'babi-text-bad-question', /is neither$/],
    ['an object question without objects', { objects: 0, questions: 'one' }, 'Mary went to the kitchen. Where is the mary?', 'babi-text-bad-question', /^ask "Where is <name>\?" \("Mary", "John", "Sandra", "Daniel"\): the question/],
  ];
  it.each(cases)('%s', (_, taskParams, text, code, message) => {
    const r = createTask('babi', taskParams).encodeText!(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe(code);
    expect(r.message).toMatch(message);
  });
});
