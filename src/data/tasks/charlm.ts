/**
 * The built-in character-level language model: Aesop's fables (`corpus/aesop.ts`), random windows
 * of T characters, each step predicting the next character.
 */
import { AESOP_TEXT, AESOP_TITLE } from '../corpus/aesop';
import { CharLmParams, charLmTask, textCorpus, type Corpus } from '../text';
import type { TaskDef, TaskInstance } from '../task';

let aesop: Corpus | undefined;

/** The built-in corpus (built once). */
export function aesopCorpus(): Corpus {
  aesop ??= textCorpus(AESOP_TEXT);
  return aesop;
}

export const CHARLM: TaskDef<CharLmParams> = {
  id: 'charlm',
  title: 'Character language model',
  description: `Predict the next character of ${AESOP_TITLE}, from random windows of T characters. Predicting from character frequencies alone scores the unigram entropy (about 3 nats per character).`,
  params: CharLmParams,
  create: (params): TaskInstance => charLmTask(aesopCorpus(), params, 'charlm', 'Character language model'),
};
