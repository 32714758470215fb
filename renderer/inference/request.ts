import type { TaskInstance } from '../../src/data/task';
import type { ConditionInput, InferenceSetup } from '../../src/engine/inference';
import { isCharVocabulary } from '../../src/engine/inference-text';
import { createRng } from '../../src/engine/rng';
import { MAX_BEAM, MAX_INFER_LENGTH, MAX_TRANSLATE_LENGTH, type InferRequest } from '../../src/protocol';
import type { InferenceForm } from './inferenceStore';

/**
 * The panel's pure parts: the form turned into an `infer` request (or the field that is wrong),
 * and an example input for a graph, so the panel never opens empty-handed.
 */

export type BuiltRequest = { ok: true; request: InferRequest } | { ok: false; field: keyof InferenceForm; limit: number };

function int(text: string, lo: number, hi: number): number | undefined {
  const v = text.trim() === '' ? NaN : Number(text);
  return Number.isInteger(v) && v >= lo && v <= hi ? v : undefined;
}

/**
 * The request of the graph's mode from the form; an out-of-range number names its field and its
 * upper limit. `conditioned`: the graph has vector Inputs (`setup.conditions`), so a forecast sends
 * the typed condition.
 */
export function buildRequest(mode: InferenceSetup['mode'], form: InferenceForm, sampleSeed: number, conditioned = false): BuiltRequest {
  const sampling = form.sample ? { temperature: form.temperature, sampleSeed } : {};
  switch (mode) {
    case 'generate': {
      const length = int(form.length, 1, MAX_INFER_LENGTH);
      if (length === undefined) return { ok: false, field: 'length', limit: MAX_INFER_LENGTH };
      return { ok: true, request: { mode, seed: form.seed, length, ...sampling } };
    }
    case 'translate': {
      const maxLength = int(form.maxLength, 1, MAX_TRANSLATE_LENGTH);
      if (maxLength === undefined) return { ok: false, field: 'maxLength', limit: MAX_TRANSLATE_LENGTH };
      const beam = int(form.beam, 1, MAX_BEAM);
      if (beam === undefined) return { ok: false, field: 'beam', limit: MAX_BEAM };
      return { ok: true, request: { mode, source: form.source, maxLength, ...(beam > 1 ? { beam } : sampling) } };
    }
    case 'classify':
      return { ok: true, request: { mode, input: form.input, ...(conditioned ? { condition: form.condition } : {}) } };
    case 'forecast': {
      const steps = int(form.steps, 1, MAX_INFER_LENGTH);
      if (steps === undefined) return { ok: false, field: 'steps', limit: MAX_INFER_LENGTH };
      return { ok: true, request: { mode, series: form.series, steps, ...(conditioned ? { condition: form.condition } : {}) } };
    }
  }
}

/** The form field holding the typed input of a mode. */
export const TEXT_FIELD = { generate: 'seed', translate: 'source', classify: 'input', forecast: 'series' } as const satisfies Record<InferenceSetup['mode'], keyof InferenceForm>;

/** A few tokens of the task's alphabet written as typed: `ABCAB`, `A B C`, or ids `0 1 2`. */
function tokens(symbols: readonly string[] | undefined, size: number, n: number): string {
  const pick = Array.from({ length: n }, (_, k) => (k * 7 + 1) % Math.max(1, symbols?.length ?? size));
  if (symbols === undefined || symbols.length === 0) return pick.join(' ');
  const texts = pick.map((k) => symbols[k]!);
  return isCharVocabulary(symbols) ? texts.join('') : texts.join(' ');
}

/** Whether the graph's input is typed as the task's text (a story and its question) rather than numbers. */
export function readsText(setup: Pick<InferenceSetup, 'mode'>, task: TaskInstance | undefined): task is TaskInstance & Required<Pick<TaskInstance, 'encodeText' | 'textExample'>> {
  return setup.mode === 'classify' && task?.encodeText !== undefined && task.textExample !== undefined;
}

/**
 * An example input for the graph: a seed of the task's text, a source of its alphabet, a sample of
 * a task that reads text (a story drawn with seed 1), a few steps of numbers.
 */
export function exampleInput(setup: InferenceSetup, inputSize: number, inputIsIndex: boolean, task: TaskInstance | undefined): string {
  if (readsText(setup, task)) return task.textExample(createRng(1));
  const symbols = task?.inputSymbols;
  switch (setup.mode) {
    case 'generate':
      return symbols !== undefined && ['T', 'h', 'e', ' '].every((c) => symbols.includes(c)) ? 'The ' : tokens(symbols, inputSize, 3);
    case 'translate':
      return inputIsIndex ? tokens(symbols, inputSize, 5) : '0.5; 0.1; 0.9';
    case 'forecast':
      // A conditioned model (1→n) generates from its vector, starting from a zero previous value y_0.
      if (setup.conditions !== undefined && setup.conditions.length > 0) return Array.from({ length: inputSize }, () => '0').join(', ');
      return Array.from({ length: 24 }, (_, t) => Array.from({ length: inputSize }, (_, j) => Math.sin(0.4 * t + j).toFixed(2)).join(', ')).join(inputSize === 1 ? ' ' : '\n');
    case 'classify':
      if (inputIsIndex) return tokens(symbols, inputSize, 6);
      if (inputSize === 1) return '1 0 1 1 0 1';
      return Array.from({ length: 6 }, (_, t) => Array.from({ length: inputSize }, (_, j) => (j === 0 ? ((t * 37) % 10) / 10 : t === 1 || t === 4 ? 1 : 0)).join(', ')).join('\n');
  }
}

const short = (v: number): string => String(Number(v.toFixed(2)));

/**
 * An example condition: the vector of one sample of the document's task (seed 1) for each Input
 * the task feeds with the same role, dtype and size (a wave's description), zeros for the others.
 */
export function exampleCondition(conditions: readonly ConditionInput[], task: TaskInstance | undefined): string {
  const fits = (c: ConditionInput) => {
    const side = task?.spec.extra?.[c.node];
    return side !== undefined && side.role === 'vector' && side.dtype === c.dtype && side.size === c.size;
  };
  const sample = conditions.some(fits) ? task!.batch(createRng(1), 1).extra : undefined;
  return conditions
    .flatMap((c) => {
      const data = fits(c) ? sample?.[c.node]?.data : undefined;
      if (data !== undefined) return Array.from(data, short);
      return c.dtype === 'index' ? ['0'] : Array.from({ length: c.size }, () => '0');
    })
    .join(', ');
}
