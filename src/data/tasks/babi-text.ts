/**
 * A typed story read as the words of `babi` (src/data/tasks/babi.ts): sentences end with `.`, `!`
 * or a line break, the question is the last sentence ending with `?`. Case is ignored; commas,
 * semicolons, colons and quotes separate words like spaces. Every word must be one of the task's;
 * the question must read "where is <actor>" or "where is the <object>". Problems are data with a
 * code and a message that names the word or sentence at fault.
 */

export type BabiTextCode =
  /** Nothing but spaces and punctuation. */
  | 'babi-text-empty'
  /** No sentence ends with `?`. */
  | 'babi-text-no-question'
  /** The last sentence reads like a question but does not end with `?`. */
  | 'babi-text-no-question-mark'
  /** More than one sentence ends with `?`. */
  | 'babi-text-two-questions'
  /** Text after the question. */
  | 'babi-text-after-question'
  /** A question and no story before it. */
  | 'babi-text-no-story'
  /** More sentences than the model's memory slots. */
  | 'babi-text-too-long'
  /** A word not in the task's vocabulary. */
  | 'babi-text-unknown-word'
  /** The question is not "where is X". */
  | 'babi-text-bad-question';

/** The words of a task (its params fix which actors, places and objects are in use). */
export interface BabiWords {
  readonly actors: readonly string[];
  readonly places: readonly string[];
  readonly objects: readonly string[];
  /** Words every story may use besides them (where, is, the, to, the verbs). */
  readonly other: readonly string[];
  /** Memory slots: the most sentences a story may have. */
  readonly maxSentences: number;
}

export type ReadStory = { readonly ok: true; readonly sentences: string[][]; readonly question: string[] } | { readonly ok: false; readonly code: BabiTextCode; readonly message: string };

interface Piece {
  readonly words: string[];
  /** `?` for a question, `.` for a sentence ended by `.`, `!` or a line break, `` at the end of the text. */
  readonly end: '?' | '.' | '';
}

const EXAMPLE = '"Mary went to the kitchen. Where is Mary?"';

/** The text cut into sentences of lowercase words (empty ones dropped). */
function pieces(text: string): Piece[] {
  const out: Piece[] = [];
  let current = '';
  const push = (end: Piece['end']) => {
    const words = current
      .toLowerCase()
      .split(/[\s,;:"'“”‘’]+/)
      .filter((w) => w !== '');
    if (words.length > 0) out.push({ words, end });
    current = '';
  };
  for (const c of text) {
    if (c === '?') push('?');
    else if (c === '.' || c === '!' || c === '\n') push('.');
    else current += c;
  }
  push('');
  return out;
}

const quoted = (p: Piece): string => JSON.stringify(`${p.words.join(' ')}${p.end}`);

const list = (words: readonly string[]): string => words.map((w) => JSON.stringify(w)).join(', ');

function fail(code: BabiTextCode, message: string): ReadStory {
  return { ok: false, code, message };
}

/** The sentences and question of `text`, in the task's words, or the first problem found. */
export function readStory(text: string, words: BabiWords): ReadStory {
  const all = pieces(text);
  if (all.length === 0) return fail('babi-text-empty', `the story is empty: type sentences ending with "." and then a question ending with "?", e.g. ${EXAMPLE}`);
  const q = all.map((p) => p.end).lastIndexOf('?');
  if (q < 0) {
    const last = all[all.length - 1]!;
    if (last.words[0] === 'where') return fail('babi-text-no-question-mark', `end the question with "?": the last sentence, ${quoted(last)}, has none`);
    return fail('babi-text-no-question', `the story has no question: add one ending with "?" after it, e.g. "Where is ${cap(words.actors[0] ?? 'mary')}?"`);
  }
  const earlier = all.findIndex((p) => p.end === '?');
  if (earlier < q) return fail('babi-text-two-questions', `ask one question at a time: ${quoted(all[earlier]!)} and ${quoted(all[q]!)} are both questions; keep the last one`);
  if (q < all.length - 1) return fail('babi-text-after-question', `the question must come last: ${quoted(all[q + 1]!)} follows ${quoted(all[q]!)}; move it before the question`);
  const story = all.slice(0, q);
  if (story.length === 0) return fail('babi-text-no-story', `tell a story before the question: at least one sentence ending with ".", e.g. ${EXAMPLE}`);
  if (story.length > words.maxSentences) {
    return fail('babi-text-too-long', `the story has ${story.length} sentences, but the model has ${words.maxSentences} memory slots (the task's maxSentences): shorten the story, or train with a larger maxSentences`);
  }
  const known = new Set([...words.actors, ...words.places, ...words.objects, ...words.other]);
  for (let i = 0; i <= q; i++) {
    const unknown = all[i]!.words.find((w) => !known.has(w));
    if (unknown === undefined) continue;
    const where = i === q ? 'the question' : `sentence ${i + 1}`;
    const names = [`the names ${list(words.actors.map(cap))}`, `the places ${list(words.places)}`, ...(words.objects.length > 0 ? [`the objects ${list(words.objects)}`] : []), `and the words ${list(words.other)}`];
    return fail('babi-text-unknown-word', `the word "${unknown}" in ${where} is not one the model knows; it knows ${names.join('; ')}`);
  }
  const question = all[q]!.words;
  const [w0, w1, ...rest] = question;
  const about = rest.length === 1 ? words.actors.includes(rest[0]!) : rest.length === 2 && rest[0] === 'the' && words.objects.includes(rest[1]!);
  if (!(w0 === 'where' && w1 === 'is' && about)) {
    const objects = words.objects.length > 0 ? ` or "Where is the <object>?" (${list(words.objects)})` : '';
    return fail('babi-text-bad-question', `ask "Where is <name>?" (${list(words.actors.map(cap))})${objects}: the question ${quoted(all[q]!)} is neither`);
  }
  return { ok: true, sentences: story.map((p) => p.words), question };
}

function cap(w: string): string {
  return w.length === 0 ? w : w[0]!.toUpperCase() + w.slice(1);
}
