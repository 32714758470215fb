import type { ChunkLoss, Executor, ForwardOptions } from './executor';
import type { BatchFeed } from './feeds';
import { recurrenceGradNorms, type RecurrenceGradNorms } from './telemetry-records';

/**
 * Backpropagation through time over a bound batch: full BPTT, and truncated BPTT `(k1, k2)`
 * (models.md "Training", settled). Chunk n (1-based) runs steps `((n−1)k1, e_n]` forward,
 * `e_n = min(n·k1, T)`; its loss is the reduced loss of those steps alone (divided by B, or by the
 * chunk's valid steps under `meanValidSteps`); its gradient flows back through steps
 * `(max(0, e_n − k2), e_n]`, the state entering that window held constant. The state is carried to
 * the next chunk, and activations already computed are kept, not recomputed.
 *
 * Here steps are 0-based half-open: chunk n covers `[from, to)` = `[(n−1)k1, e_n)` and its window
 * `[windowFrom, to)` with `windowFrom = max(0, e_n − k2)`. Backward through steps of an earlier chunk
 * uses those steps' stored activations and the weights as they are now.
 */

export interface Tbptt {
  /** Steps per chunk (forward stride). */
  readonly k1: number;
  /** Steps the gradient flows back through, `k2 ≥ k1`. */
  readonly k2: number;
}

export class TbpttError extends Error {
  readonly code = 'tbptt-bad-config';
  constructor(message: string) {
    super(message);
    this.name = 'TbpttError';
  }
}

export interface ChunkRange {
  readonly index: number;
  readonly from: number;
  readonly to: number;
  readonly windowFrom: number;
}

/** The chunks of T steps under `(k1, k2)`. */
export function chunkRanges(T: number, { k1, k2 }: Tbptt): ChunkRange[] {
  if (!(Number.isInteger(k1) && k1 >= 1)) throw new TbpttError(`k1 must be an integer ≥ 1, got ${k1}`);
  if (!(Number.isInteger(k2) && k2 >= k1)) throw new TbpttError(`k2 must be an integer ≥ k1 = ${k1}, got ${k2}`);
  const out: ChunkRange[] = [];
  for (let n = 1; (n - 1) * k1 < T; n++) {
    const to = Math.min(n * k1, T);
    out.push({ index: n, from: (n - 1) * k1, to, windowFrom: Math.max(0, to - k2) });
  }
  return out;
}

export interface GradientResult {
  readonly loss: ChunkLoss;
  /** ∂L/∂θ per weight name (fresh arrays). */
  readonly grads: Map<string, Float64Array>;
  /** ‖∂L/∂h_t‖ of every recurrent node. */
  readonly norms: RecurrenceGradNorms[];
}

export interface ChunkResult extends GradientResult {
  readonly chunk: ChunkRange;
}

function copyGrads(g: ReadonlyMap<string, Float64Array>): Map<string, Float64Array> {
  return new Map([...g].map(([k, v]) => [k, v.slice()]));
}

/** Full BPTT on `feed`: forward over all steps, backward through all of them. */
export function bpttGradients(exec: Executor, feed: BatchFeed, options: ForwardOptions = {}): GradientResult {
  exec.bind(feed);
  const loss = exec.forward(0, feed.T, options);
  const grads = copyGrads(exec.backward(0));
  return { loss, grads, norms: recurrenceGradNorms(exec) };
}

/**
 * Training mode: binds `feed` and yields one result per chunk, in order. Between yields the caller
 * may update the weights in place (`WeightStore.get(name)`); the next chunk runs on from the carried
 * state with the new weights, without recomputing earlier steps.
 */
export function* tbpttChunks(exec: Executor, feed: BatchFeed, config: Tbptt, options: Pick<ForwardOptions, 'initialStates'> = {}): Generator<ChunkResult, void, void> {
  const chunks = chunkRanges(feed.T, config);
  exec.bind(feed);
  for (const chunk of chunks) {
    const loss = exec.forward(chunk.from, chunk.to, chunk.from === 0 ? options : {});
    const grads = copyGrads(exec.backward(chunk.windowFrom));
    yield { chunk, loss, grads, norms: recurrenceGradNorms(exec) };
  }
}

/** The gradient dump at fixed weights: every chunk's loss and gradient. With `k2 ≥ T` they sum to full BPTT (sumTimeMeanBatch). */
export function tbpttGradients(exec: Executor, feed: BatchFeed, config: Tbptt): ChunkResult[] {
  return [...tbpttChunks(exec, feed, config)];
}
