/**
 * Reverse (n→m, cross-entropy): read τ random symbols, then write them in reverse order and an end
 * token (param `end`: or with stop targets, or the length, beside the target). Every output symbol
 * depends on a source symbol at the other end of the sequence, so an encoder–decoder must carry or
 * attend to the whole source. Layout and baseline: `./seq2seq.ts`.
 */
import { symbolSequenceTask, SymbolSequenceParams } from './seq2seq';
import type { TaskDef, TaskInstance } from '../task';

export function reverseTask(params: SymbolSequenceParams): TaskInstance {
  return symbolSequenceTask('reverse', 'Reverse', params, (source) => source.slice().reverse());
}

export const REVERSE: TaskDef<SymbolSequenceParams> = {
  id: 'reverse',
  title: 'Reverse',
  description:
    'Read a random sequence of minLength…maxLength symbols (an alphabet of K), then write it backwards followed by an end token (or, with end = stop / length, with stop targets / its length given instead): an encoder–decoder (n→m) task. Guessing each symbol scores ln K per symbol.',
  params: SymbolSequenceParams,
  create: reverseTask,
};
