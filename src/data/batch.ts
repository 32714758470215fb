/**
 * The batch format every task and importer produces (see docs/data-format.md). Everything is
 * batch-major and flat, row-major:
 *   x:      real inputs (B,T,I) Float32Array, or token ids (B,T) Int32Array
 *   y:      real targets (B,T,O) for n→n, (B,O) for n→1 — Float32Array;
 *           class ids (B,T) for n→n, (B) for n→1 — Int32Array
 *   lengths (B) Int32Array, τ_b ∈ [1, T];   mask (B,T) Float32Array, m_{b,t} = 1[t ≤ τ_b]
 * Padded steps (t > τ_b) hold 0 in `x` and in n→n `y`. An n→1 target belongs to step τ_b.
 */
import { DataError } from './errors';

export type DType = 'real' | 'index';

/** One side of a task: real vectors of `size` features, or ids of `size` classes (tokens). */
export interface IOSide {
  readonly dtype: DType;
  readonly size: number;
}

/** What a task feeds and expects; the graph's Input and loss nodes must match it. */
export interface IOSpec {
  readonly input: IOSide;
  readonly output: IOSide;
  /** `n-n`: a target at every valid step; `n-1`: one target per sample, at its last valid step. */
  readonly mapping: 'n-n' | 'n-1';
  /** T: the padded length of every batch. */
  readonly steps: number;
  /** The loss the task is meant for (models.md "Outputs and losses"). */
  readonly loss: 'mse' | 'ce' | 'bce';
}

export interface Batch {
  /** B */
  readonly B: number;
  /** T */
  readonly T: number;
  /** x: (B,T,I) Float32Array for real inputs; (B,T) Int32Array of token ids for index inputs. */
  readonly x: Float32Array | Int32Array;
  /** y: (B,T,O) / (B,O) Float32Array for real targets; (B,T) / (B) Int32Array of class ids. */
  readonly y: Float32Array | Int32Array;
  /** lengths: (B), τ_b ∈ [1, T]. */
  readonly lengths: Int32Array;
  /** mask: (B,T), 1 for t ≤ τ_b, 0 after. */
  readonly mask: Float32Array;
}

/** Largest batch a task will build. */
export const MAX_BATCH = 65536;

export function checkBatchSize(B: number): void {
  if (!Number.isInteger(B) || B < 1 || B > MAX_BATCH) {
    throw new DataError('batch-bad-size', `batch size must be an integer in [1, ${MAX_BATCH}], got ${B}`);
  }
}

/** mask: (B,T) with `m_{b,t} = 1[t ≤ τ_b]` (t 1-based; array index t − 1). */
export function maskFromLengths(lengths: Int32Array, T: number): Float32Array {
  const B = lengths.length;
  const mask = new Float32Array(B * T);
  for (let b = 0; b < B; b++) {
    const tau = lengths[b];
    if (!(tau >= 1 && tau <= T)) throw new DataError('batch-bad-sequence', `sample ${b}: length ${tau} is outside [1, ${T}]`);
    mask.fill(1, b * T, b * T + tau);
  }
  return mask;
}

/** The shape of `y` for a spec and batch size. */
export function targetShape(spec: IOSpec, B: number): number[] {
  const perStep = spec.output.dtype === 'real' ? [spec.output.size] : [];
  return spec.mapping === 'n-n' ? [B, spec.steps, ...perStep] : [B, ...perStep];
}

/** The shape of `x` for a spec and batch size. */
export function inputShape(spec: IOSpec, B: number): number[] {
  return spec.input.dtype === 'real' ? [B, spec.steps, spec.input.size] : [B, spec.steps];
}

/** Zero-filled arrays of the right types and sizes for `B` samples of `spec`. */
export function allocBatch(spec: IOSpec, B: number): { x: Float32Array | Int32Array; y: Float32Array | Int32Array } {
  checkBatchSize(B);
  const nx = inputShape(spec, B).reduce((a, d) => a * d, 1);
  const ny = targetShape(spec, B).reduce((a, d) => a * d, 1);
  return {
    x: spec.input.dtype === 'real' ? new Float32Array(nx) : new Int32Array(nx),
    y: spec.output.dtype === 'real' ? new Float32Array(ny) : new Int32Array(ny),
  };
}

function paddedLength(lengths: Int32Array, T: number | undefined): number {
  let longest = 0;
  for (const l of lengths) longest = Math.max(longest, l);
  const steps = T ?? longest;
  if (longest > steps) throw new DataError('batch-bad-sequence', `a sequence has ${longest} steps, more than the padded length T = ${steps}`);
  return steps;
}

/**
 * Pads real sequences (each flat `(τ_b, D)`) into x: (B,T,D) with zeros after τ_b. `T` defaults to
 * the longest sequence.
 */
export function padSequences(seqs: readonly ArrayLike<number>[], D: number, T?: number): { x: Float32Array; lengths: Int32Array; mask: Float32Array; T: number } {
  checkBatchSize(seqs.length);
  if (!Number.isInteger(D) || D < 1) throw new DataError('batch-bad-sequence', `feature size D must be an integer ≥ 1, got ${D}`);
  const lengths = new Int32Array(seqs.length);
  seqs.forEach((s, b) => {
    if (s.length === 0 || s.length % D !== 0) {
      throw new DataError('batch-bad-sequence', `sequence ${b} has ${s.length} values, not a positive multiple of D = ${D}`);
    }
    lengths[b] = s.length / D;
  });
  const steps = paddedLength(lengths, T);
  const x = new Float32Array(seqs.length * steps * D);
  seqs.forEach((s, b) => x.set(s, b * steps * D));
  return { x, lengths, mask: maskFromLengths(lengths, steps), T: steps };
}

/** Pads token sequences into tokens: (B,T) with 0 after τ_b. `T` defaults to the longest sequence. */
export function padTokens(seqs: readonly ArrayLike<number>[], T?: number): { tokens: Int32Array; lengths: Int32Array; mask: Float32Array; T: number } {
  checkBatchSize(seqs.length);
  const lengths = new Int32Array(seqs.length);
  seqs.forEach((s, b) => {
    if (s.length === 0) throw new DataError('batch-bad-sequence', `sequence ${b} is empty; every sample needs at least one step`);
    lengths[b] = s.length;
  });
  const steps = paddedLength(lengths, T);
  const tokens = new Int32Array(seqs.length * steps);
  seqs.forEach((s, b) => tokens.set(s, b * steps));
  return { tokens, lengths, mask: maskFromLengths(lengths, steps), T: steps };
}

/**
 * Checks a batch against a spec: array types and sizes, lengths in [1, T], the mask equal to
 * `1[t ≤ τ_b]`, class ids in range. Returns the problems found (empty when the batch is well formed).
 */
export function batchProblems(batch: Batch, spec: IOSpec): string[] {
  const out: string[] = [];
  const { B, T } = batch;
  if (T !== spec.steps) out.push(`T is ${T}, the spec says ${spec.steps}`);
  const nx = inputShape(spec, B).reduce((a, d) => a * d, 1);
  const ny = targetShape(spec, B).reduce((a, d) => a * d, 1);
  const xType = spec.input.dtype === 'real' ? Float32Array : Int32Array;
  const yType = spec.output.dtype === 'real' ? Float32Array : Int32Array;
  if (!(batch.x instanceof xType) || batch.x.length !== nx) out.push(`x must be a ${xType.name} of ${nx} values [${inputShape(spec, B).join(', ')}]`);
  if (!(batch.y instanceof yType) || batch.y.length !== ny) out.push(`y must be a ${yType.name} of ${ny} values [${targetShape(spec, B).join(', ')}]`);
  if (batch.lengths.length !== B) out.push(`lengths must hold ${B} values`);
  if (batch.mask.length !== B * T) out.push(`mask must hold B·T = ${B * T} values`);
  for (let b = 0; b < Math.min(B, batch.lengths.length); b++) {
    const tau = batch.lengths[b];
    if (!(tau >= 1 && tau <= T)) out.push(`sample ${b}: length ${tau} outside [1, ${T}]`);
    for (let t = 0; t < T && batch.mask.length === B * T; t++) {
      if (batch.mask[b * T + t] !== (t < tau ? 1 : 0)) {
        out.push(`sample ${b}: mask at t = ${t + 1} should be ${t < tau ? 1 : 0}`);
        break;
      }
    }
  }
  const firstOutside = (a: ArrayLike<number>, n: number) => Array.prototype.find.call(a, (k: number) => !(k >= 0 && k < n)) as number | undefined;
  if (spec.input.dtype === 'index') {
    const k = firstOutside(batch.x, spec.input.size);
    if (k !== undefined) out.push(`token id ${k} outside [0, ${spec.input.size})`);
  }
  if (spec.output.dtype === 'index') {
    const k = firstOutside(batch.y, spec.output.size);
    if (k !== undefined) out.push(`class id ${k} outside [0, ${spec.output.size})`);
  }
  return out;
}
