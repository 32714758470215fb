import { compile } from '../compiler/compile';
import type { Plan } from '../compiler/plan';
import { createTask } from '../data/registry';
import type { TaskInstance } from '../data/task';
import { END_SYMBOL } from '../data/tasks/seq2seq';
import type { GraphDocument } from '../graph/document';
import { DecodeError, decodingForward, generate, translate, type Choice, type Decoded, type StopReason } from './decode';
import { Executor, ExecError } from './executor';
import { BindError, bindBatch, type FeedArray } from './feeds';
import { forecast, ForecastError } from './forecast';
import { encodeTokens, InputTextError, isNumbers, joinTokens, parseSeries, tokenTexts } from './inference-text';
import { createRng, Rng } from './rng';
import { WeightStore } from './weights';

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

export type InferenceMode = 'generate' | 'translate' | 'classify' | 'forecast';

export type InferenceErrorCode =
  /** The graph does not compile, or cannot answer in the mode asked for (the message names why). */
  | 'infer-bad-graph'
  /** The request's input or options are wrong; `field` names the field. */
  | 'infer-bad-input'
  /** The document's weights do not fit its graph. */
  | 'infer-weights';

export class InferenceError extends Error {
  constructor(
    readonly code: InferenceErrorCode,
    message: string,
    /** The request field at fault (`seed`, `temperature`, …), for `infer-bad-input`. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'InferenceError';
  }
}

/** How a plan answers: its mode, the Inputs fed and the value read. */
export interface InferenceSetup {
  readonly mode: InferenceMode;
  /** The Input the person's input goes into (source axis). */
  readonly input: string;
  /** translate: the target-axis Input of the previous token. */
  readonly decoderInput?: string;
  /** translate: the stop unit's logit per target step (a BCE loss on the target axis reads it); decoding stops when σ > 0.5. */
  readonly stop?: string;
  /** translate: the predicted length (an MSE loss on a one-unit vector of the source side reads it). */
  readonly length?: string;
  /** The value read: the first loss's logits or prediction. */
  readonly output: string;
  readonly loss: 'ce' | 'mse' | 'bce';
  /** Whether the output is per step (n→n) or one per sequence (n→1). */
  readonly perStep: boolean;
  /**
   * forecast and classify: the vector Inputs beside the sequence, in plan order; the request's `condition` gives
   * their values (a real Input `size` numbers, an index Input one id), the same at every step.
   */
  readonly conditions?: readonly ConditionInput[];
}

/** A vector Input that a forecast feeds from the typed condition. */
export interface ConditionInput {
  readonly node: string;
  readonly dtype: 'real' | 'index';
  /** Features (real) or classes (index). */
  readonly size: number;
}

const LOSS_KIND: Readonly<Record<string, { kind: InferenceSetup['loss']; port: string }>> = {
  CrossEntropy: { kind: 'ce', port: 'logits' },
  MSE: { kind: 'mse', port: 'prediction' },
  BCE: { kind: 'bce', port: 'logits' },
};

const badGraph = (message: string) => new InferenceError('infer-bad-graph', message);

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

/** What one run is asked to do (the protocol's `infer` request, parsed). */
export type InferenceRequest =
  | { readonly mode: 'generate'; readonly seed: string; readonly length: number; readonly temperature?: number; readonly sampleSeed?: number }
  | { readonly mode: 'translate'; readonly source: string; readonly maxLength: number; readonly beam?: number; readonly temperature?: number; readonly sampleSeed?: number }
  | { readonly mode: 'classify'; readonly input: string; readonly condition?: string }
  | { readonly mode: 'forecast'; readonly series: string; readonly steps: number; readonly condition?: string };

export interface TokenAnswer {
  readonly id: number;
  readonly text: string;
  /** The model's probability of this token at its step (temperature 1). */
  readonly p: number;
  /** The likeliest tokens at this step, most likely first. */
  readonly top: { readonly text: string; readonly p: number }[];
}

/** An Attention node's α for the answer: `rows` answer tokens × `cols` source steps, row-major. */
export interface Alignment {
  readonly node: string;
  readonly rows: number;
  readonly cols: number;
  readonly alpha: number[];
}

export interface WeightsUsed {
  /** A training session's latest weights, the document's, or the seed's initial ones (the document has none). */
  readonly source: 'session' | 'document' | 'initial';
  readonly step?: number;
}

export type InferenceAnswer = { readonly weights: WeightsUsed } & (
  | { readonly mode: 'generate'; readonly input: string[]; readonly tokens: TokenAnswer[]; readonly text: string; readonly logProb: number; readonly ended: boolean }
  | { readonly mode: 'translate'; readonly input: string[]; readonly tokens: TokenAnswer[]; readonly text: string; readonly logProb: number; readonly ended: boolean; readonly by?: StopReason; readonly attention: Alignment[] }
  | {
      readonly mode: 'classify';
      readonly input: string[];
      readonly perStep: boolean;
      readonly outputs: { readonly step: number; readonly classes?: { readonly label: string; readonly p: number }[]; readonly values?: number[] }[];
      /** Text read by the task: the question asked beside the steps. */
      readonly question?: string;
      /** Text read by the task: each KVMemory node's weights p, one row per hop, one column per slot (step). */
      readonly memory?: Alignment[];
    }
  | { readonly mode: 'forecast'; readonly width: number; readonly series: number[][]; readonly fitted: number[][]; readonly predicted: number[][] }
);

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

function softmax(o: ArrayLike<number>, off: number, C: number): Float64Array {
  const p = new Float64Array(C);
  let max = -Infinity;
  for (let k = 0; k < C; k++) max = Math.max(max, o[off + k]);
  let sum = 0;
  for (let k = 0; k < C; k++) sum += p[k] = Math.exp(o[off + k] - max);
  for (let k = 0; k < C; k++) p[k] /= sum;
  return p;
}

function answerToken(p: Float64Array, id: number, symbols: readonly string[] | undefined): TokenAnswer {
  const order = Array.from(p.keys()).sort((a, b) => p[b] - p[a] || a - b);
  return { id, text: tokenTexts([id], symbols)[0]!, p: p[id], top: order.slice(0, TOP).map((k) => ({ text: tokenTexts([k], symbols)[0]!, p: p[k] })) };
}

/** Zeros for every Input not in `given` (loss targets), for one sample of T (and T') steps. */
function feedsWith(plan: Plan, given: Record<string, FeedArray>, T: number, T1 = 1): Record<string, FeedArray> {
  const feeds: Record<string, FeedArray> = { ...given };
  for (const input of plan.inputs) {
    if (feeds[input.node] !== undefined) continue;
    const n = (input.role === 'sequence' ? (input.axis === 1 ? T1 : T) : 1) * (input.dtype === 'index' ? 1 : input.size);
    feeds[input.node] = input.dtype === 'index' ? new Int32Array(n) : new Float64Array(n);
  }
  return feeds;
}

function rows(data: ArrayLike<number>, width: number): number[][] {
  const out: number[][] = [];
  for (let r = 0; r * width < data.length; r++) out.push(Array.from({ length: width }, (_, j) => data[r * width + j]!));
  return out;
}

function sizeOf(plan: Plan, node: string): number {
  return plan.inputs.find((i) => i.node === node)!.size;
}

/** The symbols of a side, when the task has them and they fit the Input's or output's size. */
function fitting(symbols: readonly string[] | undefined, size: number, what: string, task: TaskInstance | undefined): readonly string[] | undefined {
  if (symbols === undefined) return undefined;
  if (symbols.length !== size) throw badGraph(`the task "${task?.id}" has ${symbols.length} ${what} symbols, but the graph takes ${size}; train the graph on its task, or fix the Input's size`);
  return symbols;
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

function runClassify(exec: Executor, setup: InferenceSetup, r: Extract<InferenceRequest, { mode: 'classify' }>, task: TaskInstance | undefined, nodes: GraphDocument['nodes']) {
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

async function runForecast(exec: Executor, setup: InferenceSetup, r: Extract<InferenceRequest, { mode: 'forecast' }>, pause: () => Promise<void>) {
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
