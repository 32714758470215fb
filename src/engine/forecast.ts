import type { Plan } from '../compiler/plan';
import type { Executor } from './executor';
import type { FeedArray } from './feeds';

/**
 * Forecasting with a real-valued n→n model (models.md "Shapes of networks": at inference the model
 * runs on its own outputs): the model reads the observed series, its prediction after the last
 * observed step becomes the next input, and so on for `steps` steps. Like `decode.ts`, every step
 * re-runs the ordinary forward pass on the whole extended series (the graph is causal along time),
 * which keeps one engine for training and inference at O(n²) steps for short series.
 */

export type ForecastErrorCode =
  /** The plan cannot forecast: no such Input, ids instead of reals, an output of another width. */
  | 'forecast-bad-graph'
  /** Bad options: an empty or ragged series, a non-finite value, a number of steps < 1. */
  | 'forecast-bad-options';

export class ForecastError extends Error {
  constructor(
    readonly code: ForecastErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ForecastError';
  }
}

export interface ForecastOptions {
  /** The Input the series goes into (a real-valued sequence on the source axis, D features). */
  readonly input: string;
  /** The per-step value read as the prediction (e.g. the MSE loss's `prediction`), D wide. */
  readonly output: string;
  /** The observed series, step-major: `(T·D)` values, T ≥ 1. */
  readonly series: ArrayLike<number>;
  /** How many steps to predict beyond the series. */
  readonly steps: number;
  /**
   * One sample's values for vector Inputs, fed unchanged to every run: a conditioning vector (1→n,
   * e.g. the description of the wave to generate). Other Inputs get zeros.
   */
  readonly vectors?: Readonly<Record<string, FeedArray>>;
}

export interface Forecast {
  /** D, the width of one step. */
  readonly width: number;
  /** The model's one-step-ahead predictions over the observed series: row t predicts step t + 1; `(T·D)`. */
  readonly fitted: Float64Array;
  /** The forecast: `steps` rows, each fed back as the next input; `(steps·D)`. */
  readonly predicted: Float64Array;
}

/** Zero arrays for the Inputs the forecast does not feed (loss targets), sized for one sample of T steps. */
function zeroFeeds(plan: Plan, skip: string, T: number): Record<string, FeedArray> {
  const feeds: Record<string, FeedArray> = {};
  for (const input of plan.inputs) {
    if (input.node === skip) continue;
    const n = (input.role === 'sequence' ? T : 1) * (input.dtype === 'index' ? 1 : input.size);
    feeds[input.node] = input.dtype === 'index' ? new Int32Array(n) : new Float64Array(n);
  }
  return feeds;
}

/** Runs the observed series, then feeds each prediction back as the next input for `steps` steps. */
export function forecast(exec: Executor, options: ForecastOptions): Forecast {
  const { plan } = exec;
  const input = plan.inputs.find((i) => i.node === options.input);
  if (input === undefined) throw new ForecastError('forecast-bad-graph', `there is no Input node "${options.input}"; the Inputs are ${plan.inputs.map((i) => i.node).join(', ')}`);
  if (input.role !== 'sequence' || input.axis === 1) throw new ForecastError('forecast-bad-graph', `Input "${input.node}" must be a sequence on the source time axis to take a series`);
  if (input.dtype !== 'real') throw new ForecastError('forecast-bad-graph', `Input "${input.node}" takes token ids; forecasting feeds real predictions back, so it needs an Input of real values`);
  if (plan.inputs.some((i) => i.axis === 1)) throw new ForecastError('forecast-bad-graph', 'the graph has a target (decoder) time axis; forecast with a single-axis n→n model');
  const out = plan.buffers.find((b) => b.id === options.output);
  if (out === undefined) throw new ForecastError('forecast-bad-graph', `the plan has no value "${options.output}" to read predictions from`);
  const D = input.size;
  if (!out.perStep || out.dim !== D || out.dtype !== 'real') {
    throw new ForecastError('forecast-bad-graph', `the prediction "${options.output}" must be a real sequence of ${D} values per step (the Input's width) to be fed back, but it is ${out.perStep ? `${out.dim} wide` : 'one vector per sequence'}`);
  }
  if (!(Number.isInteger(options.steps) && options.steps >= 1)) throw new ForecastError('forecast-bad-options', `the number of steps to forecast must be an integer ≥ 1, got ${options.steps}`);
  const T = options.series.length / D;
  if (!(Number.isInteger(T) && T >= 1)) throw new ForecastError('forecast-bad-options', `the series has ${options.series.length} values, not a positive multiple of the ${D} features per step`);
  for (let j = 0; j < options.series.length; j++) {
    if (!Number.isFinite(options.series[j])) throw new ForecastError('forecast-bad-options', `value ${j % D + 1} of step ${Math.floor(j / D) + 1} is ${options.series[j]}, not a finite number`);
  }

  const vectors = options.vectors ?? {};
  for (const [node, data] of Object.entries(vectors)) {
    const v = plan.inputs.find((i) => i.node === node);
    if (v === undefined || v.role !== 'vector' || node === input.node) throw new ForecastError('forecast-bad-graph', `there is no vector Input "${node}" to take a conditioning vector; the vector Inputs are ${plan.inputs.filter((i) => i.role === 'vector').map((i) => i.node).join(', ') || 'none'}`);
    const n = v.dtype === 'index' ? 1 : v.size;
    if (data.length !== n) throw new ForecastError('forecast-bad-options', `Input "${node}" takes ${n} value${n === 1 ? '' : 's'}, but its vector holds ${data.length}`);
  }

  let seq = Float64Array.from(options.series); // seq: (T+k, D)
  let fitted = new Float64Array(0);
  const predicted = new Float64Array(options.steps * D);
  for (let k = 0; k < options.steps; k++) {
    const n = T + k;
    const feeds = { ...zeroFeeds(plan, input.node, n), ...vectors };
    feeds[input.node] = seq;
    exec.bind({ feeds, lengths: Int32Array.of(n), T: n });
    exec.forward(0, exec.stepCount, { inference: true });
    const o = exec.value(options.output); // o: (1, n, D)
    if (k === 0) fitted = o.data.slice(0, T * D);
    const next = o.data.subarray((n - 1) * D, n * D);
    predicted.set(next, k * D);
    const grown = new Float64Array((n + 1) * D);
    grown.set(seq);
    grown.set(next, n * D);
    seq = grown;
  }
  return { width: D, fitted, predicted };
}
