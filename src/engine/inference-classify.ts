/**
 * The classify and forecast modes of `runInference`: numbers or tokens (or text the task reads)
 * through the model once, and a series continued step by step; the typed condition of vector Inputs.
 */
import type { TaskInstance } from '../data/task';
import type { GraphDocument } from '../graph/document';
import type { Executor } from './executor';
import { bindBatch, type FeedArray } from './feeds';
import { forecast } from './forecast';
import { feedsWith, fitting, InferenceError, rows, sizeOf, softmax, type Alignment, type ConditionInput, type InferenceRequest, type InferenceSetup } from './inference-common';
import { encodeTokens, isNumbers, parseSeries, tokenTexts } from './inference-text';

export function runClassify(exec: Executor, setup: InferenceSetup, r: Extract<InferenceRequest, { mode: 'classify' }>, task: TaskInstance | undefined, nodes: GraphDocument['nodes']) {
  const { plan } = exec;
  if (task?.encodeText !== undefined && !isNumbers(r.input)) return classifyText(exec, setup, r, task, nodes);
  const input = plan.inputs.find((i) => i.node === setup.input)!;
  const isIndex = input.dtype === 'index';
  const inSymbols = isIndex ? fitting(task?.inputSymbols, input.size, 'input', task) : undefined;
  const values = isIndex ? encodeTokens(r.input, inSymbols, input.size, 'input') : Array.from(parseSeries(r.input, input.size, 'input'));
  const T = isIndex ? values.length : values.length / input.size;
  const x = isIndex ? Int32Array.from(values) : Float64Array.from(values);
  const vectors = parseCondition(r.condition, setup.conditions ?? []);
  exec.bind({ feeds: feedsWith(plan, { ...vectors, [setup.input]: x }, T), lengths: Int32Array.of(T), T });
  exec.forward(0, exec.stepCount, { inference: true });
  const shownInput = isIndex ? tokenTexts(values, inSymbols) : rows(values, input.size).map((row) => row.join(', '));
  return { mode: 'classify' as const, input: shownInput, perStep: setup.perStep, outputs: classifyOutputs(exec, setup, task, T) };
}

/**
 * classify on text the task reads (`encodeText`): its one-sample batch fed as training feeds it
 * (the steps into the model's input, the question into the Input of its extra), the answer as for
 * numbers, plus each KVMemory node's weights over the slots per hop.
 */
function classifyText(exec: Executor, setup: InferenceSetup, r: Extract<InferenceRequest, { mode: 'classify' }>, task: TaskInstance, nodes: GraphDocument['nodes']) {
  const sample = task.encodeText!(r.input);
  if (!sample.ok) throw new InferenceError('infer-bad-input', sample.message, 'input');
  const extras = Object.keys(sample.batch.extra ?? {});
  if (extras.length > 0 && (r.condition ?? '').trim() !== '') {
    throw new InferenceError('infer-bad-input', `the text gives the vector Input${extras.length === 1 ? '' : 's'} ${extras.map((e) => `"${e}"`).join(', ')} (the question), so leave the condition empty`, 'condition');
  }
  const { plan } = exec;
  const feed = bindBatch(plan, sample.batch, { x: setup.input });
  exec.bind(feed);
  exec.forward(0, exec.stepCount, { inference: true });
  const tau = sample.batch.lengths[0]!;
  const memory: Alignment[] = nodes
    .filter((n) => n.type === 'KVMemory')
    .flatMap((n) => {
      const hops = plan.probes.filter((p) => p.node === n.id).sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
      if (hops.length === 0) return [];
      const alpha = hops.flatMap((p) => Array.from(exec.value(p.value).data.subarray(0, tau))); // p: (1,T,1)
      return [{ node: n.id, rows: hops.length, cols: tau, alpha }];
    });
  const outputs = classifyOutputs(exec, setup, task, tau);
  return { mode: 'classify' as const, input: [...sample.steps], perStep: setup.perStep, outputs, ...(sample.question === undefined ? {} : { question: sample.question }), memory };
}

/** The answer of the bound sample of τ valid steps: at the last step (n→1) or at every step (n→n). */
function classifyOutputs(exec: Executor, setup: InferenceSetup, task: TaskInstance | undefined, T: number) {
  const o = exec.value(setup.output); // o: (1, T, C) per step, or (1, C)
  const C = o.shape[o.shape.length - 1]!;
  const labels = setup.loss === 'mse' ? undefined : task?.outputSymbols?.length === C ? task.outputSymbols : undefined;
  const steps = setup.perStep ? T : 1;
  return Array.from({ length: steps }, (_, s) => {
    const off = s * C;
    const step = setup.perStep ? s + 1 : T;
    if (setup.loss === 'mse') return { step, values: Array.from(o.data.subarray(off, off + C)) };
    const p = setup.loss === 'ce' ? softmax(o.data, off, C) : Float64Array.from(o.data.subarray(off, off + C), (v) => 1 / (1 + Math.exp(-v)));
    return { step, classes: Array.from(p, (q, k) => ({ label: labels?.[k] ?? String(k), p: q })) };
  });
}

/** How many numbers a condition holds for these Inputs: `size` for a real one, one id for an index one. */
export function conditionLength(conditions: readonly ConditionInput[]): number {
  return conditions.reduce((n, c) => n + (c.dtype === 'index' ? 1 : c.size), 0);
}

/**
 * The typed condition split over the vector Inputs, in order: numbers separated by spaces, commas,
 * `;` or new lines, exactly as many as the Inputs take. Errors name the `condition` field.
 */
export function parseCondition(text: string | undefined, conditions: readonly ConditionInput[]): Record<string, FeedArray> {
  const field = 'condition';
  const pieces = (text ?? '').split(/[\s,;]+/).filter((p) => p !== '');
  const want = conditionLength(conditions);
  if (conditions.length === 0) {
    if (pieces.length > 0) throw new InferenceError('infer-bad-input', 'this model has no vector Input to take a condition; leave the condition empty', field);
    return {};
  }
  const names = conditions.map((c) => `"${c.node}" (${c.dtype === 'index' ? `one id from 0 to ${c.size - 1}` : `${c.size} value${c.size === 1 ? '' : 's'}`})`).join(', ');
  if (pieces.length !== want) {
    const got = pieces.length === 0 ? 'the condition is empty' : `the condition has ${pieces.length} value${pieces.length === 1 ? '' : 's'}`;
    throw new InferenceError('infer-bad-input', `${got}, but the model's vector Input${conditions.length === 1 ? '' : 's'} ${names} take${conditions.length === 1 ? 's' : ''} ${want}: type ${want} number${want === 1 ? '' : 's'}`, field);
  }
  const values = pieces.map((p, k) => {
    const v = Number(p);
    if (!Number.isFinite(v)) throw new InferenceError('infer-bad-input', `value ${k + 1} of the condition, ${JSON.stringify(p)}, is not a number`, field);
    return v;
  });
  const feeds: Record<string, FeedArray> = {};
  let at = 0;
  for (const c of conditions) {
    if (c.dtype === 'index') {
      const id = values[at]!;
      if (!(Number.isInteger(id) && id >= 0 && id < c.size)) throw new InferenceError('infer-bad-input', `value ${at + 1} of the condition, ${id}, must be an id of Input "${c.node}" from 0 to ${c.size - 1}`, field);
      feeds[c.node] = Int32Array.of(id);
      at += 1;
    } else {
      feeds[c.node] = Float64Array.from(values.slice(at, at + c.size));
      at += c.size;
    }
  }
  return feeds;
}

export async function runForecast(exec: Executor, setup: InferenceSetup, r: Extract<InferenceRequest, { mode: 'forecast' }>, pause: () => Promise<void>) {
  const D = sizeOf(exec.plan, setup.input);
  const series = parseSeries(r.series, D, 'series');
  const vectors = parseCondition(r.condition, setup.conditions ?? []);
  // One step per call on the series grown so far (the same values as one call of `steps`), pausing between.
  let grown: Float64Array = series;
  let fitted: Float64Array = new Float64Array(0);
  const predicted = new Float64Array(r.steps * D);
  for (let k = 0; k < r.steps; k++) {
    const f = forecast(exec, { input: setup.input, output: setup.output, series: grown, steps: 1, vectors });
    if (k === 0) fitted = f.fitted;
    predicted.set(f.predicted, k * D);
    const next = new Float64Array(grown.length + D);
    next.set(grown);
    next.set(f.predicted, grown.length);
    grown = next;
    await pause();
  }
  return { mode: 'forecast' as const, width: D, series: rows(series, D), fitted: rows(fitted, D), predicted: rows(predicted, D) };
}
