import type { Plan } from '../compiler/plan';
import { getNodeSpec } from '../nodes/registry';
import { Executor, ExecError, type ForwardOptions } from './executor';
import type { FeedArray } from './feeds';
import type { Rng } from './rng';

/**
 * Running a trained model on its own outputs (models.md "Shapes of networks": 0→n generation, and
 * an encoder–decoder at inference, where "inference always uses the model's own" previous token).
 * Every step re-runs the ordinary forward pass on the prefix generated so far — the graph is causal
 * along time, so the logits of step i depend on the inputs up to step i only — which keeps one
 * engine for training and inference at the price of O(n²) steps for n tokens (sequences here are
 * short). Three choices of the next token: greedy (arg-max, ties to the lowest id), sampling from
 * `softmax(o / temperature)` with the run's seeded generator, and beam search (encoder–decoder only).
 * An encoder–decoder's output ends (models.md "n→m"): at an end token, after the step whose stop unit
 * `σ(w_sᵀ s_i + b_s)` exceeds a threshold, or after a length predicted from the source.
 *
 * The prefix fed back is the model's own output, so a teacher-forcing op whose teacher reads the fed
 * Input (scheduled sampling on a decoder's input) takes it (`decodingForward`): its `own` input, the
 * arg-max of the previous logits, is the chosen token only under greedy decoding.
 */

export type DecodeErrorCode =
  /** The plan lacks what decoding needs (an Input, a logits value, a target axis). */
  | 'decode-bad-graph'
  /** Bad options: token ids outside the vocabulary, a temperature ≤ 0, a beam width < 1, a length < 1, a threshold outside (0, 1). */
  | 'decode-bad-options';

export class DecodeError extends Error {
  constructor(
    readonly code: DecodeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DecodeError';
  }
}

export type Choice = { readonly kind: 'greedy' } | { readonly kind: 'sample'; readonly temperature: number; readonly rng: Rng };

/** Why decoding stopped: the end token, the stop unit, the predicted length, or the length limit. */
export type StopReason = 'end' | 'stop' | 'length' | 'limit';

export interface Decoded {
  /** The generated ids (the end token, when reached, included). */
  readonly tokens: number[];
  /** Σ log p of the chosen tokens under the model (temperature 1). */
  readonly logProb: number;
  /** Whether the model ended the output itself (end token, stop unit or predicted length), not the length limit. */
  readonly ended: boolean;
  /** translate: why it stopped. */
  readonly by?: StopReason;
  /** translate with a stop unit: `σ(logit)` at each decoded step. */
  readonly stopP?: number[];
  /** translate with a predicted length: the prediction `scale · v` before rounding. */
  readonly predictedLength?: number;
}

/**
 * The forward options of a run whose Input `fed` holds tokens the model chose itself (a decoded or
 * generated prefix): inference, and every stochastic op with a `teacher` input computed from `fed`
 * takes that input — it carries the model's own previous outputs.
 */
export function decodingForward(plan: Plan, fed: string): ForwardOptions {
  const source = plan.inputs.find((i) => i.node === fed)?.value;
  const producer = new Map<string, number>();
  plan.ops.forEach((op, k) => Object.values(op.outputs).forEach((v) => producer.set(v, k)));
  const readsFed = (value: string): boolean => {
    const seen = new Set([value]);
    const todo = [value];
    for (let v = todo.pop(); v !== undefined; v = todo.pop()) {
      if (v === source) return true;
      const k = producer.get(v);
      if (k === undefined) continue;
      for (const u of Object.values(plan.ops[k].inputs)) {
        if (seen.has(u)) continue;
        seen.add(u);
        todo.push(u);
      }
    }
    return false;
  };
  const teacherIsOwn = new Set(plan.ops.filter((op) => op.inputs.teacher !== undefined && getNodeSpec(op.type)?.stochastic === true && readsFed(op.inputs.teacher)).map((op) => op.node));
  return { inference: true, teacherIsOwn };
}

/** The value the loss reads as logits: the input `logits` of the (first) CrossEntropy loss. */
export function logitsValue(plan: Plan): string {
  for (const l of plan.losses) {
    const op = plan.ops[l.op];
    if (op.type === 'CrossEntropy' && op.inputs.logits !== undefined) return op.inputs.logits;
  }
  throw new DecodeError('decode-bad-graph', 'the graph has no CrossEntropy loss, so it has no logits over tokens to decode from; wire its output Linear to a CrossEntropy loss');
}

function logSoftmax(o: ArrayLike<number>, off: number, V: number, temperature = 1): Float64Array {
  const out = new Float64Array(V);
  let max = -Infinity;
  for (let k = 0; k < V; k++) max = Math.max(max, o[off + k] / temperature);
  let sum = 0;
  for (let k = 0; k < V; k++) sum += Math.exp(o[off + k] / temperature - max);
  const lse = max + Math.log(sum);
  for (let k = 0; k < V; k++) out[k] = o[off + k] / temperature - lse;
  return out;
}

function choose(lp: Float64Array, raw: ArrayLike<number>, off: number, choice: Choice): number {
  if (choice.kind === 'greedy') {
    let best = 0;
    for (let k = 1; k < lp.length; k++) if (lp[k] > lp[best]) best = k;
    return best;
  }
  const p = logSoftmax(raw, off, lp.length, choice.temperature);
  let u = choice.rng.uniform();
  for (let k = 0; k < p.length; k++) {
    u -= Math.exp(p[k]);
    if (u < 0) return k;
  }
  return p.length - 1;
}

function checkId(id: number, V: number, what: string): void {
  if (!(Number.isInteger(id) && id >= 0 && id < V)) throw new DecodeError('decode-bad-options', `${what} ${id} is not a token id in 0…${V - 1}`);
}

/** Zero arrays for the Inputs decoding does not feed (loss targets), sized for B, T and T'. */
function zeroFeeds(plan: Plan, skip: ReadonlySet<string>, B: number, T: number, T1: number): Record<string, FeedArray> {
  const feeds: Record<string, FeedArray> = {};
  for (const input of plan.inputs) {
    if (skip.has(input.node)) continue;
    const steps = input.role === 'sequence' ? (input.axis === 1 ? T1 : T) : 1;
    const n = B * steps * (input.dtype === 'index' ? 1 : input.size);
    feeds[input.node] = input.dtype === 'index' ? new Int32Array(n) : new Float64Array(n);
  }
  return feeds;
}

function inputOf(plan: Plan, node: string, axis: 0 | 1): Plan['inputs'][number] {
  const input = plan.inputs.find((i) => i.node === node);
  if (input === undefined) throw new DecodeError('decode-bad-graph', `there is no Input node "${node}"; the Inputs are ${plan.inputs.map((i) => i.node).join(', ')}`);
  if (input.role !== 'sequence' || (input.axis ?? 0) !== axis) throw new DecodeError('decode-bad-graph', `Input "${node}" must be a sequence on the ${axis === 1 ? 'target (decoder)' : 'source'} time axis`);
  return input;
}

export interface GenerateOptions {
  /** The Input the tokens go into (a sequence of ids on the source axis). */
  readonly input: string;
  /** The prefix the model continues (at least one token). */
  readonly seed: readonly number[];
  /** How many tokens to add. */
  readonly steps: number;
  readonly choice: Choice;
  /** Stop early at this id. */
  readonly end?: number;
}

/**
 * 0→n generation with a language model (token ids in, logits over the same ids out at every step):
 * the last step's output, turned into a token, is the next input.
 */
export function generate(exec: Executor, options: GenerateOptions): Decoded {
  const { plan } = exec;
  const input = inputOf(plan, options.input, 0);
  if (input.dtype !== 'index') throw new DecodeError('decode-bad-graph', `Input "${options.input}" takes real values; generation feeds token ids back, so it needs an Input of ids`);
  const V = input.size;
  if (options.seed.length < 1) throw new DecodeError('decode-bad-options', 'the seed needs at least one token');
  if (!(Number.isInteger(options.steps) && options.steps >= 1)) throw new DecodeError('decode-bad-options', `the number of tokens to generate must be ≥ 1, got ${options.steps}`);
  if (options.choice.kind === 'sample' && !(options.choice.temperature > 0)) throw new DecodeError('decode-bad-options', `the temperature must be > 0, got ${options.choice.temperature}`);
  options.seed.forEach((t) => checkId(t, V, 'seed token'));
  if (options.end !== undefined) checkId(options.end, V, 'end token');
  const logits = logitsValue(plan);
  const own = decodingForward(plan, input.node);
  const seq = [...options.seed];
  const tokens: number[] = [];
  let logProb = 0;
  for (let i = 0; i < options.steps; i++) {
    const T = seq.length;
    const feeds = zeroFeeds(plan, new Set([input.node]), 1, T, 1);
    feeds[input.node] = Int32Array.from(seq);
    exec.bind({ feeds, lengths: Int32Array.of(T), T });
    exec.forward(0, T, own);
    const o = exec.value(logits); // (1, T, C)
    const C = o.shape[o.shape.length - 1];
    const off = (T - 1) * C;
    const lp = logSoftmax(o.data, off, C);
    const next = choose(lp, o.data, off, options.choice);
    if (next >= V) throw new DecodeError('decode-bad-graph', `the model's output has ${C} classes but its Input takes ${V} token ids`);
    logProb += lp[next];
    tokens.push(next);
    seq.push(next);
    if (next === options.end) return { tokens, logProb, ended: true };
  }
  return { tokens, logProb, ended: false };
}

export interface TranslateOptions {
  /** The source Input and one sample's source sequence: ids `(T)`, or reals `(T·D)`. */
  readonly source: { readonly input: string; readonly values: ArrayLike<number> };
  /** The target-axis Input that takes the previous token `y_{i−1}` (ids). */
  readonly decoderInput: string;
  readonly start: number;
  /** The end token: a hypothesis that emits it ends (absent: the output has no end token). */
  readonly end?: number;
  readonly maxLength: number;
  /**
   * A stop unit: `value`, its logit per target step `(B,T',1)`; a hypothesis ends after the step i
   * where `σ(logit_i) > threshold` (default 0.5), token i included.
   */
  readonly stop?: { readonly value: string; readonly threshold?: number };
  /**
   * A predicted length: `value`, a vector `(B,1)` read from the source side; exactly
   * `clamp(round(scale · v), 1, maxLength)` tokens are decoded (`scale` default 1), and the end
   * token is not consulted.
   */
  readonly length?: { readonly value: string; readonly scale?: number };
}

interface Beam {
  readonly tokens: number[];
  readonly logProb: number;
  readonly stopP: number[];
  readonly by?: StopReason;
}

/** The plan value `id`, checked to be a per-step value on the target axis (stop) or a vector (length) of one unit. */
function endValue(plan: Plan, id: string, what: 'stop' | 'length'): void {
  const v = plan.buffers.find((b) => b.id === id);
  if (v === undefined) throw new DecodeError('decode-bad-graph', `there is no value "${id}" to read the ${what === 'stop' ? 'stop unit' : 'predicted length'} from; name an output port as <node>.<port>`);
  if (v.dim !== 1) throw new DecodeError('decode-bad-graph', `the ${what === 'stop' ? 'stop unit' : 'predicted length'} "${id}" has ${v.dim} units; it needs one (a Linear with 1 unit)`);
  if (what === 'stop' && !(v.perStep && v.axis === 1)) throw new DecodeError('decode-bad-graph', `the stop unit "${id}" must give one logit per target (decoder) step; read it from the decoder's state`);
  if (what === 'length' && v.perStep) throw new DecodeError('decode-bad-graph', `the predicted length "${id}" must be one value per sequence (a vector); read it from the encoder's final state`);
}

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/**
 * Encoder–decoder inference for one source sequence: greedy or sampled (`choice`), or beam search
 * with `beam` > 1 hypotheses (ranked by Σ log p of their tokens; the best finished one, or the best
 * unfinished at the length limit). The decoder's first input is `start`; a hypothesis ends at `end`,
 * when its stop unit fires (`stop`), or at the predicted length (`length`).
 */
export function translate(exec: Executor, options: TranslateOptions & ({ readonly choice: Choice } | { readonly beam: number })): Decoded {
  const { plan } = exec;
  const src = inputOf(plan, options.source.input, 0);
  const dec = inputOf(plan, options.decoderInput, 1);
  if (dec.dtype !== 'index') throw new DecodeError('decode-bad-graph', `Input "${dec.node}" takes real values; the decoder is fed its previous token, so it needs an Input of ids`);
  const V = dec.size;
  checkId(options.start, V, 'start token');
  if (options.end !== undefined) checkId(options.end, V, 'end token');
  if (!(Number.isInteger(options.maxLength) && options.maxLength >= 1)) throw new DecodeError('decode-bad-options', `the length limit must be ≥ 1, got ${options.maxLength}`);
  const { stop, length } = options;
  if (stop !== undefined && length !== undefined) throw new DecodeError('decode-bad-options', 'give a stop unit or a predicted length, not both: each decides alone where the output ends');
  const threshold = stop?.threshold ?? 0.5;
  if (stop !== undefined) {
    endValue(plan, stop.value, 'stop');
    if (!(threshold > 0 && threshold < 1)) throw new DecodeError('decode-bad-options', `the stop threshold must lie in (0, 1), got ${threshold}`);
  }
  const scale = length?.scale ?? 1;
  if (length !== undefined) {
    endValue(plan, length.value, 'length');
    if (!(Number.isFinite(scale) && scale > 0)) throw new DecodeError('decode-bad-options', `the length scale must be a finite number > 0, got ${scale}`);
  }
  const end = length === undefined ? options.end : undefined;
  const width = src.dtype === 'index' ? 1 : src.size;
  const T = options.source.values.length / width;
  if (!(Number.isInteger(T) && T >= 1)) throw new DecodeError('decode-bad-options', `the source has ${options.source.values.length} values, not a positive multiple of ${width}`);
  if (src.dtype === 'index') for (let t = 0; t < T; t++) checkId(options.source.values[t], src.size, 'source token');
  const logits = logitsValue(plan);
  const own = decodingForward(plan, dec.node);
  const K = 'beam' in options ? options.beam : 1;
  if (!(Number.isInteger(K) && K >= 1)) throw new DecodeError('decode-bad-options', `the beam width must be an integer ≥ 1, got ${K}`);
  const choice: Choice = 'choice' in options ? options.choice : { kind: 'greedy' };
  if (choice.kind === 'sample' && !(choice.temperature > 0)) throw new DecodeError('decode-bad-options', `the temperature must be > 0, got ${choice.temperature}`);

  let beams: Beam[] = [{ tokens: [], logProb: 0, stopP: [] }];
  const finished: Beam[] = [];
  let limit = options.maxLength;
  let predictedLength: number | undefined;
  for (let i = 0; i < limit && beams.length > 0; i++) {
    const B = beams.length;
    const T1 = i + 1;
    const feeds = zeroFeeds(plan, new Set([src.node, dec.node]), B, T, T1);
    const x = src.dtype === 'index' ? new Int32Array(B * T) : new Float64Array(B * T * width);
    for (let b = 0; b < B; b++) for (let j = 0; j < T * width; j++) x[b * T * width + j] = options.source.values[j];
    feeds[src.node] = x;
    const yIn = new Int32Array(B * T1);
    beams.forEach((beam, b) => {
      yIn[b * T1] = options.start;
      beam.tokens.forEach((tok, k) => (yIn[b * T1 + k + 1] = tok));
    });
    feeds[dec.node] = yIn;
    try {
      exec.bind({ feeds, lengths: new Int32Array(B).fill(T), T, target: { T: T1, lengths: new Int32Array(B).fill(T1) } });
    } catch (e) {
      throw new DecodeError('decode-bad-graph', (e as Error).message);
    }
    exec.forward(0, T, own);
    const o = exec.value(logits); // (B, T', C)
    const C = o.shape[2];
    // output class k is decoder id k; the decoder may take more ids than the output has classes (a start token it never predicts)
    if (C > V) throw new DecodeError('decode-bad-graph', `the model's output has ${C} classes but the decoder's Input takes only ${V} token ids; every class must be an id it can be fed back`);
    if (length !== undefined && i === 0) {
      // the length depends on the source only: read it once; n tokens end every hypothesis
      predictedLength = scale * exec.value(length.value).data[0]; // (B,1)
      const n = Math.round(predictedLength);
      limit = Math.min(options.maxLength, Math.max(1, Number.isFinite(n) ? n : 1));
    }
    // a stop unit reads s_i, which depends on the prefix only: it ends every continuation of its beam
    const stopLogits = stop === undefined ? undefined : exec.value(stop.value).data; // (B,T',1)
    const lastStep = i + 1 === limit;
    const byLength: StopReason | undefined = length === undefined || !lastStep ? undefined : predictedLength! >= options.maxLength + 0.5 ? 'limit' : 'length';
    const candidates: Beam[] = [];
    beams.forEach((beam, b) => {
      const off = (b * T1 + i) * C;
      const lp = logSoftmax(o.data, off, C);
      const pStop = stopLogits === undefined ? undefined : sigmoid(stopLogits[b * T1 + i]);
      const stopP = pStop === undefined ? beam.stopP : [...beam.stopP, pStop];
      const extend = (k: number): Beam => {
        const by = k === end ? 'end' : pStop !== undefined && pStop > threshold ? 'stop' : byLength;
        return { tokens: [...beam.tokens, k], logProb: beam.logProb + lp[k], stopP, ...(by === undefined ? {} : { by }) };
      };
      if (K === 1) return void candidates.push(extend(choose(lp, o.data, off, choice)));
      const order = Array.from({ length: C }, (_, k) => k).sort((a, c) => lp[c] - lp[a] || a - c);
      for (const k of order.slice(0, K)) candidates.push(extend(k));
    });
    // the K best continuations; those that end leave the beam, which narrows by as many
    candidates.sort((a, c) => c.logProb - a.logProb);
    const next: Beam[] = [];
    for (const c of candidates) {
      if (next.length + finished.length >= K) break;
      if (c.by !== undefined) finished.push(c);
      else next.push(c);
    }
    beams = next;
  }
  const extras = (b: Beam) => ({ ...(stop === undefined ? {} : { stopP: b.stopP }), ...(predictedLength === undefined ? {} : { predictedLength }) });
  const best = [...finished].sort((a, c) => c.logProb - a.logProb)[0];
  if (best !== undefined) return { tokens: best.tokens, logProb: best.logProb, ended: best.by !== 'limit', by: best.by!, ...extras(best) };
  const open = [...beams].sort((a, c) => c.logProb - a.logProb)[0];
  if (open === undefined) throw new ExecError('exec-not-ready', 'decoding produced no hypothesis');
  return { tokens: open.tokens, logProb: open.logProb, ended: false, by: 'limit', ...extras(open) };
}
