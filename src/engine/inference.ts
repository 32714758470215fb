import { compile } from '../compiler/compile';
import type { Plan } from '../compiler/plan';
import { createTask } from '../data/registry';
import type { TaskInstance } from '../data/task';
import { END_SYMBOL } from '../data/tasks/seq2seq';
import type { GraphDocument } from '../graph/document';
import { DecodeError, decodingForward, generate, translate, type Choice, type Decoded } from './decode';
import { Executor, ExecError } from './executor';
import { BindError } from './feeds';
import { ForecastError } from './forecast';
import { runClassify, runForecast } from './inference-classify';
import { badGraph, feedsWith, fitting, InferenceError, rows, sizeOf, softmax, type Alignment, type InferenceAnswer, type InferenceRequest, type InferenceSetup, type TokenAnswer, type WeightsUsed } from './inference-common';
import { encodeTokens, InputTextError, joinTokens, parseSeries, tokenTexts } from './inference-text';
import { createRng, Rng } from './rng';
import { WeightStore } from './weights';

export { conditionLength, parseCondition } from './inference-classify';
export { InferenceError, type Alignment, type ConditionInput, type InferenceAnswer, type InferenceErrorCode, type InferenceMode, type InferenceRequest, type InferenceSetup, type TokenAnswer, type WeightsUsed } from './inference-common';

/**
 * Running a model on a person's own input (the inference panel): which way a graph answers, read
 * from its plan, and one run of it on text. Four modes:
 *   translate  an encoder–decoder (an Input on the target axis): source → tokens, greedy / sampled / beam
 *   generate   a token language model (ids in, CE over the same ids per step): seed → continuation
 *   forecast   a real-valued n→n model with MSE whose output is as wide as its input: series → k more steps;
 *              its vector Inputs, if any, take a conditioning vector the person types (1→n: a wave
 *              generated from its description, the previous output fed back)
 *   classify   anything else: the output of the last step (n→1) or of every step (n→n), as class
 *              probabilities (CE: softmax, BCE: sigmoid) or values (MSE); when the task reads text
 *              (`TaskInstance.encodeText`: a story and its question), typed words rather than numbers
 *              are read by it, and each KVMemory node's weights over the slots come back per hop
 * Token answers carry each token's probability and the likeliest alternatives, from one
 * teacher-forced forward on the answer; for an encoder–decoder the same forward gives each
 * Attention node's alignment matrix.
 */

const LOSS_KIND: Readonly<Record<string, { kind: InferenceSetup['loss']; port: string }>> = {
  CrossEntropy: { kind: 'ce', port: 'logits' },
  MSE: { kind: 'mse', port: 'prediction' },
  BCE: { kind: 'bce', port: 'logits' },
};

/** The mode a plan answers in (see the file comment); a plan without a loss or with an unclear input is refused. */
export function inferenceSetup(plan: Plan): InferenceSetup {
  const loss = plan.losses.map((l) => plan.ops[l.op]).find((op) => LOSS_KIND[op.type] !== undefined);
  if (loss === undefined) throw badGraph('the graph has no loss node (CrossEntropy, MSE or BCE), so Unroll cannot tell which value is its answer; wire its output to a loss');
  const { kind, port } = LOSS_KIND[loss.type]!;
  const output = loss.inputs[port];
  const value = plan.buffers.find((b) => b.id === output);
  if (output === undefined || value === undefined) throw badGraph(`the loss "${loss.node}" has nothing wired to its ${port} port`);
  const targetValues = new Set(plan.losses.map((l) => plan.ops[l.op].inputs.target));
  const targets = new Set(plan.inputs.filter((i) => targetValues.has(i.value)).map((i) => i.node));
  const fed = plan.inputs.filter((i) => !targets.has(i.node));
  const pick = (pool: typeof fed, where: string) => {
    if (pool.length === 1) return pool[0]!;
    const named = pool.find((i) => i.node === 'x');
    if (named !== undefined) return named;
    throw badGraph(pool.length === 0 ? `the graph has no Input on the ${where} besides the loss target` : `Inputs ${pool.map((i) => `"${i.node}"`).join(', ')} could all take the input on the ${where}; name the one that does "x"`);
  };
  const onTarget = fed.filter((i) => i.axis === 1);
  if (onTarget.length > 0) {
    const source = pick(
      fed.filter((i) => i.axis !== 1 && i.role === 'sequence'),
      'source time axis',
    );
    const dec = onTarget.find((i) => i.node === 'y_in') ?? (onTarget.length === 1 ? onTarget[0] : undefined);
    if (dec === undefined) throw badGraph(`target-axis Inputs ${onTarget.map((i) => `"${i.node}"`).join(', ')} could all take the previous token; name the one that does "y_in"`);
    const ce = plan.losses.map((l) => plan.ops[l.op]).find((op) => op.type === 'CrossEntropy' && op.inputs.logits !== undefined);
    if (ce === undefined) throw badGraph('an encoder–decoder answers with tokens, so its loss must be CrossEntropy');
    return { mode: 'translate', input: source.node, decoderInput: dec.node, output: ce.inputs.logits!, loss: 'ce', perStep: true, ...endOf(plan) };
  }
  const input = pick(fed, 'time axis');
  if (input.role !== 'sequence') throw badGraph(`Input "${input.node}" is a vector; the model's input must be a sequence`);
  const perStep = value.perStep;
  if (kind === 'ce' && perStep && input.dtype === 'index' && value.dim === input.size) return { mode: 'generate', input: input.node, output, loss: kind, perStep };
  if (kind === 'mse' && perStep && input.dtype === 'real' && value.dim === input.size) {
    const conditions = fed.filter((i) => i.role === 'vector').map((i) => ({ node: i.node, dtype: i.dtype, size: i.size }));
    return { mode: 'forecast', input: input.node, output, loss: kind, perStep, ...(conditions.length > 0 ? { conditions } : {}) };
  }
  const conditions = fed.filter((i) => i.role === 'vector').map((i) => ({ node: i.node, dtype: i.dtype, size: i.size }));
  return { mode: 'classify', input: input.node, output, loss: kind, perStep, ...(conditions.length > 0 ? { conditions } : {}) };
}

/**
 * How an encoder–decoder's output ends besides an end token: a BCE loss whose logits are one unit
 * per target step (a stop unit), or an MSE loss whose prediction is a one-unit vector (a length
 * read from the source side, e.g. from the encoder's final state C).
 */
function endOf(plan: Plan): { stop?: string; length?: string } {
  for (const l of plan.losses) {
    const op = plan.ops[l.op];
    const read = op.type === 'BCE' ? op.inputs.logits : op.type === 'MSE' ? op.inputs.prediction : undefined;
    const v = plan.buffers.find((b) => b.id === read);
    if (read === undefined || v === undefined || v.dim !== 1) continue;
    if (op.type === 'BCE' && v.perStep && v.axis === 1) return { stop: read };
    if (op.type === 'MSE' && !v.perStep) return { length: read };
  }
  return {};
}

/** The mode of a graph, or why it has none (for the panel: it compiles the open graph itself). */
export function graphInference(doc: Pick<GraphDocument, 'nodes' | 'edges'>): { ok: true; setup: InferenceSetup; plan: Plan } | { ok: false; message: string } {
  const r = compile(doc);
  if (!r.ok) return { ok: false, message: `the graph does not compile: ${r.problems.map((p) => `node ${p.nodeId}: ${p.message}`).join('; ')}` };
  try {
    return { ok: true, setup: inferenceSetup(r.plan), plan: r.plan };
  } catch (e) {
    if (e instanceof InferenceError) return { ok: false, message: e.message };
    throw e;
  }
}

/** The document's task (for its symbols and tokens), when it names a built-in one. */
export function documentTask(doc: Pick<GraphDocument, 'training'>): TaskInstance | undefined {
  const id = doc.training?.task;
  if (id === undefined || id === 'custom') return undefined;
  try {
    return createTask(id, doc.training?.taskParams ?? {});
  } catch {
    return undefined;
  }
}

const TOP = 3;

function answerToken(p: Float64Array, id: number, symbols: readonly string[] | undefined): TokenAnswer {
  const order = Array.from(p.keys()).sort((a, b) => p[b] - p[a] || a - b);
  return { id, text: tokenTexts([id], symbols)[0]!, p: p[id], top: order.slice(0, TOP).map((k) => ({ text: tokenTexts([k], symbols)[0]!, p: p[k] })) };
}

function choiceOf(r: { temperature?: number; sampleSeed?: number }): Choice {
  return r.temperature === undefined ? { kind: 'greedy' } : { kind: 'sample', temperature: r.temperature, rng: new Rng(r.sampleSeed ?? 1) };
}

/** The weights of a document: its stored ones, else the initial ones its training seed draws. */
export function documentWeights(plan: Plan, doc: Pick<GraphDocument, 'weights' | 'training'>): { store: WeightStore; source: 'document' | 'initial' } {
  if (doc.weights === undefined || Object.keys(doc.weights).length === 0) return { store: WeightStore.initialise(plan, createRng(doc.training?.seed ?? 1)), source: 'initial' };
  const r = WeightStore.fromDocument(plan, doc.weights);
  if (!r.ok) throw new InferenceError('infer-weights', `the document's weights do not fit its graph: ${r.problems.map((p) => p.message).join('; ')}`);
  return { store: r.store, source: 'document' };
}

export interface InferenceOptions {
  /** The weights are a training session's, taken at this step. */
  readonly session?: { readonly step: number };
  /** Awaited between generated tokens and forecast steps, so a host serves other work meanwhile. */
  readonly yieldTo?: () => Promise<void>;
}

/**
 * Runs `request` on the document's graph with its weights. Rejects with `InferenceError` naming
 * the field, node or character at fault.
 */
export async function runInference(doc: Pick<GraphDocument, 'nodes' | 'edges' | 'weights' | 'training'>, request: InferenceRequest, options: InferenceOptions = {}): Promise<InferenceAnswer> {
  const { session } = options;
  const pause = options.yieldTo ?? (() => Promise.resolve());
  const g = graphInference(doc);
  if (!g.ok) throw badGraph(g.message);
  const { plan, setup } = g;
  if (setup.mode !== request.mode) throw new InferenceError('infer-bad-input', `this graph answers in ${setup.mode} mode, not ${request.mode}`, 'mode');
  const { store, source } = documentWeights(plan, doc);
  const weights: WeightsUsed = session === undefined ? { source } : { source: 'session', step: session.step };
  const exec = new Executor(plan, store);
  const task = documentTask(doc);
  try {
    switch (request.mode) {
      case 'generate':
        return { weights, ...(await runGenerate(exec, setup, request, task, pause)) };
      case 'translate':
        return { weights, ...runTranslate(exec, setup, request, task) };
      case 'classify':
        return { weights, ...runClassify(exec, setup, request, task, doc.nodes) };
      case 'forecast':
        return { weights, ...(await runForecast(exec, setup, request, pause)) };
    }
  } catch (e) {
    if (e instanceof InputTextError) throw new InferenceError('infer-bad-input', e.message, e.field);
    if (e instanceof DecodeError) throw new InferenceError(e.code === 'decode-bad-options' ? 'infer-bad-input' : 'infer-bad-graph', e.message);
    if (e instanceof ForecastError) throw new InferenceError(e.code === 'forecast-bad-options' ? 'infer-bad-input' : 'infer-bad-graph', e.message);
    if (e instanceof ExecError) throw badGraph(e.message);
    if (e instanceof BindError) throw badGraph(task === undefined ? e.message : `the task "${task.id}" gives data the graph does not take: ${e.message}`);
    throw e;
  }
}

async function runGenerate(exec: Executor, setup: InferenceSetup, r: Extract<InferenceRequest, { mode: 'generate' }>, task: TaskInstance | undefined, pause: () => Promise<void>) {
  const { plan } = exec;
  const V = sizeOf(plan, setup.input);
  const inSymbols = fitting(task?.inputSymbols, V, 'input', task);
  const outSymbols = fitting(task?.outputSymbols, V, 'output', task) ?? inSymbols;
  const seed = encodeTokens(r.seed, inSymbols, V, 'seed');
  // One token per call (the same tokens as one call of `steps: length`: the generator carries over), pausing between.
  const choice = choiceOf(r);
  const decoded = { tokens: [] as number[], logProb: 0, ended: false };
  for (let i = 0; i < r.length; i++) {
    const one = generate(exec, { input: setup.input, seed: [...seed, ...decoded.tokens], steps: 1, choice });
    decoded.tokens.push(one.tokens[0]!);
    decoded.logProb += one.logProb;
    await pause();
  }
  // Teacher-forced forward on seed + answer: row (seed.length − 1 + i) of the logits predicts token i.
  const seq = [...seed, ...decoded.tokens].slice(0, -1);
  exec.bind({ feeds: feedsWith(plan, { [setup.input]: Int32Array.from(seq) }, seq.length), lengths: Int32Array.of(seq.length), T: seq.length });
  exec.forward(0, exec.stepCount, decodingForward(plan, setup.input));
  const o = exec.value(setup.output); // o: (1, T, V)
  const tokens = decoded.tokens.map((id, i) => answerToken(softmax(o.data, (seed.length - 1 + i) * V, V), id, outSymbols));
  return { mode: 'generate' as const, input: tokenTexts(seed, inSymbols), tokens, text: joinTokens(tokenTexts(decoded.tokens, outSymbols), outSymbols), logProb: decoded.logProb, ended: decoded.ended };
}

/**
 * Start and end tokens: the task's (`decoderInput.start`, the end symbol), else the convention of the
 * built-in n→m tasks (end = V′−2, start = V′−1). A graph that ends by a stop unit or a predicted
 * length has no end token (start = V′−1).
 */
function startEnd(task: TaskInstance | undefined, decSize: number, endToken: boolean): { start: number; end?: number } {
  const spec = task?.spec;
  if (spec?.mapping === 'n-m' && spec.decoderInput !== undefined) {
    if (!endToken) return { start: spec.decoderInput.start };
    const named = task?.outputSymbols?.indexOf(END_SYMBOL) ?? -1;
    return { start: spec.decoderInput.start, end: named >= 0 ? named : spec.output.size - 1 };
  }
  if (!endToken) return { start: decSize - 1 };
  if (decSize < 2) throw badGraph(`the decoder's Input takes ${decSize} id; it needs at least an end and a start token`);
  return { start: decSize - 1, end: decSize - 2 };
}

function runTranslate(exec: Executor, setup: InferenceSetup, r: Extract<InferenceRequest, { mode: 'translate' }>, task: TaskInstance | undefined) {
  const { plan } = exec;
  const src = plan.inputs.find((i) => i.node === setup.input)!;
  const decInput = setup.decoderInput!;
  const decSize = sizeOf(plan, decInput);
  const inSymbols = src.dtype === 'index' ? fitting(task?.inputSymbols, src.size, 'input', task) : undefined;
  const outSymbols = task?.outputSymbols;
  const values = src.dtype === 'index' ? encodeTokens(r.source, inSymbols, src.size, 'source') : Array.from(parseSeries(r.source, src.size, 'source'));
  const { start, end } = startEnd(task, decSize, setup.stop === undefined && setup.length === undefined);
  const beam = r.beam ?? 1;
  if (beam > 1 && r.temperature !== undefined) throw new InferenceError('infer-bad-input', 'beam search keeps the likeliest hypotheses and does not sample: give a temperature only with a beam width of 1', 'temperature');
  const ends = { ...(end === undefined ? {} : { end }), ...(setup.stop === undefined ? {} : { stop: { value: setup.stop } }), ...(setup.length === undefined ? {} : { length: { value: setup.length } }) };
  const common = { source: { input: setup.input, values }, decoderInput: decInput, start, maxLength: r.maxLength, ...ends };
  const decoded: Decoded = beam > 1 ? translate(exec, { ...common, beam }) : translate(exec, { ...common, choice: choiceOf(r) });
  const T = src.dtype === 'index' ? values.length : values.length / src.size;
  const m = decoded.tokens.length;
  const yIn = Int32Array.from([start, ...decoded.tokens.slice(0, -1)]);
  const x = src.dtype === 'index' ? Int32Array.from(values) : Float64Array.from(values);
  exec.bind({ feeds: feedsWith(plan, { [setup.input]: x, [decInput]: yIn }, T, m), lengths: Int32Array.of(T), T, target: { T: m, lengths: Int32Array.of(m) } });
  exec.forward(0, exec.stepCount, decodingForward(plan, decInput));
  const o = exec.value(setup.output); // o: (1, T', C)
  const C = o.shape[o.shape.length - 1]!;
  const tokens = decoded.tokens.map((id, i) => answerToken(softmax(o.data, i * C, C), id, outSymbols));
  const attention: Alignment[] = plan.ops
    .filter((op) => op.kind === 'attend')
    .map((op) => {
      const alpha = exec.attentionProbes(op.node).alpha; // alpha: (1, T', T)
      return { node: op.node, rows: m, cols: T, alpha: Array.from(alpha?.data ?? new Float64Array(m * T)) };
    });
  const shown = decoded.tokens.filter((id, i) => !(decoded.by === 'end' && i === m - 1 && id === end));
  return { mode: 'translate' as const, input: src.dtype === 'index' ? tokenTexts(values, inSymbols) : rows(values, src.size).map((row) => row.join(', ')), tokens, text: joinTokens(tokenTexts(shown, outSymbols), outSymbols), logProb: decoded.logProb, ended: decoded.ended, by: decoded.by, attention };
}

