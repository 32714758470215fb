/**
 * Sort (n→m, cross-entropy): read τ random symbols (repeats allowed), then write them in alphabetical
 * order and an end token (param `end`: or with stop targets, or the length, beside the target).
 * Layout and baseline: `./seq2seq.ts` (a decoder that models only the order of its own outputs can
 * beat the baseline somewhat; counting the symbols needs the source).
 */
import { symbolSequenceTask, SymbolSequenceParams } from './seq2seq';
import type { TaskDef, TaskInstance } from '../task';

export function sortTask(params: SymbolSequenceParams): TaskInstance {
  return symbolSequenceTask('sort', 'Sort', params, (source) => source.slice().sort((a, b) => a - b));
}

export const SORT: TaskDef<SymbolSequenceParams> = {
  id: 'sort',
  title: 'Sort',
  description:
    'Read a random sequence of minLength…maxLength symbols (an alphabet of K, repeats allowed), then write it in alphabetical order followed by an end token (or, with end = stop / length, with stop targets / its length given instead): an encoder–decoder (n→m) task. Guessing each symbol scores ln K per symbol.',
  params: SymbolSequenceParams,
  create: sortTask,
};
