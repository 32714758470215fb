/**
 * What the inference modes share: the request and answer types, the error, and small helpers for
 * feeding one sample and reading its outputs (see `inference.ts`).
 */
import type { Plan } from '../compiler/plan';
import type { TaskInstance } from '../data/task';
import type { StopReason } from './decode';
import type { FeedArray } from './feeds';

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

/** An error about the graph itself (it cannot answer as asked). */
export const badGraph = (message: string) => new InferenceError('infer-bad-graph', message);

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

/** Softmax of `o[off .. off + C)`. */
export function softmax(o: ArrayLike<number>, off: number, C: number): Float64Array {
  const p = new Float64Array(C);
  let max = -Infinity;
  for (let k = 0; k < C; k++) max = Math.max(max, o[off + k]);
  let sum = 0;
  for (let k = 0; k < C; k++) sum += p[k] = Math.exp(o[off + k] - max);
  for (let k = 0; k < C; k++) p[k] /= sum;
  return p;
}

/** Zeros for every Input not in `given` (loss targets), for one sample of T (and T') steps. */
export function feedsWith(plan: Plan, given: Record<string, FeedArray>, T: number, T1 = 1): Record<string, FeedArray> {
  const feeds: Record<string, FeedArray> = { ...given };
  for (const input of plan.inputs) {
    if (feeds[input.node] !== undefined) continue;
    const n = (input.role === 'sequence' ? (input.axis === 1 ? T1 : T) : 1) * (input.dtype === 'index' ? 1 : input.size);
    feeds[input.node] = input.dtype === 'index' ? new Int32Array(n) : new Float64Array(n);
  }
  return feeds;
}

/** `data` as rows of `width`. */
export function rows(data: ArrayLike<number>, width: number): number[][] {
  const out: number[][] = [];
  for (let r = 0; r * width < data.length; r++) out.push(Array.from({ length: width }, (_, j) => data[r * width + j]!));
  return out;
}

/** The size of Input `node`. */
export function sizeOf(plan: Plan, node: string): number {
  return plan.inputs.find((i) => i.node === node)!.size;
}

/** The symbols of a side, when the task has them and they fit the Input's or output's size. */
export function fitting(symbols: readonly string[] | undefined, size: number, what: string, task: TaskInstance | undefined): readonly string[] | undefined {
  if (symbols === undefined) return undefined;
  if (symbols.length !== size) throw badGraph(`the task "${task?.id}" has ${symbols.length} ${what} symbols, but the graph takes ${size}; train the graph on its task, or fix the Input's size`);
  return symbols;
}
