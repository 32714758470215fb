/**
 * The batch format every task and importer produces (see docs/data-format.md). Everything is
 * batch-major and flat, row-major:
 *   x:      real inputs (B,T,I) Float32Array, or token ids (B,T) Int32Array
 *   y:      real targets (B,T,O) for n→n, (B,O) for n→1 — Float32Array;
 *           class ids (B,T) for n→n, (B) for n→1 — Int32Array
 *   lengths (B) Int32Array, τ_b ∈ [1, T];   mask (B,T) Float32Array, m_{b,t} = 1[t ≤ τ_b]
 * Padded steps (t > τ_b) hold 0 in `x` and in n→n `y`. An n→1 target belongs to step τ_b.
 *
 * n→m (encoder–decoder): `y` holds class ids (B,T') on the target axis, whose padded length T',
 * lengths τ'_b and mask are `target`; `yIn` (B,T') are the teacher-forced decoder inputs:
 * `yIn[b,0]` = the start token, `yIn[b,i] = y[b,i−1]`. Padded target steps hold 0 in `y` and `yIn`.
 *
 * Extra inputs (`extra`, described by `spec.extra`): arrays beside `x`, each fed to the Input node
 * whose id is its key — e.g. a memory network's question vector (B,D) beside its story slots `x`, or
 * an n→m decoder's stop targets (B,T',1) on the target axis (`axis: 'target'`).
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
  /**
   * `n-n`: a target at every valid step; `n-1`: one target per sample, at its last valid step;
   * `n-m`: a target sequence of its own length (encoder–decoder; class ids only).
   */
  readonly mapping: 'n-n' | 'n-1' | 'n-m';
  /** T: the padded length of every batch (the source axis). */
  readonly steps: number;
  /** n→m only: T', the padded length of the target axis. */
  readonly targetSteps?: number;
  /**
   * n→m only: the teacher-forced decoder inputs `yIn`, token ids of `size` classes: the output
   * classes (same ids) and the start token `start`.
   */
  readonly decoderInput?: { readonly size: number; readonly start: number };
  /** The loss the task is meant for (models.md "Outputs and losses"). */
  readonly loss: 'mse' | 'ce' | 'bce';
  /** Inputs beside `x`, by the id of the Input node each feeds. */
  readonly extra?: Readonly<Record<string, ExtraSide>>;
}

/** An input beside `x`: a vector per sample or a sequence (on the source axis, or an n→m target axis), real or ids. */
export interface ExtraSide extends IOSide {
  readonly role: 'vector' | 'sequence';
  /** A sequence's time axis: `target` puts it on the n→m decoder axis (T', τ'_b); absent = source. */
  readonly axis?: 'source' | 'target';
}

/**
 * The data of an extra input: vector real (B,D), vector index (B), sequence real (B,T,D), sequence
 * index (B,T) — T' in place of T for a sequence on the target axis; padded steps hold 0.
 */
export interface ExtraInput extends ExtraSide {
  readonly data: Float32Array | Int32Array;
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
  /**
   * Stateful training: every sample continues the same sample of the previous batch (consecutive
   * chunks of one long stream), so its final state may be carried over. False or absent: start afresh.
   */
  readonly continues?: boolean;
  /** n→m only: the target axis — T', lengths τ'_b ∈ [1, T'] (B) and mask (B,T'). */
  readonly target?: TargetAxis;
  /** n→m only: yIn (B,T') Int32Array, the teacher-forced decoder inputs. */
  readonly yIn?: Int32Array;
  /** Inputs beside `x`, by Input node id (as `spec.extra` describes them). */
  readonly extra?: Readonly<Record<string, ExtraInput>>;
}

/** The target (decoder) time axis of an n→m batch. */
export interface TargetAxis {
  /** T' */
  readonly T: number;
  /** lengths: (B), τ'_b ∈ [1, T']. */
  readonly lengths: Int32Array;
  /** mask: (B,T'), 1 for i ≤ τ'_b, 0 after. */
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
  if (spec.mapping === 'n-m') return [B, spec.targetSteps ?? 0, ...perStep];
  return spec.mapping === 'n-n' ? [B, spec.steps, ...perStep] : [B, ...perStep];
}

/**
 * What an n→m spec lacks or gets wrong (empty for a well-formed one, and for n→n / n→1): class-id
 * targets, `targetSteps` ≥ 1, a `decoderInput` whose `start` lies in `[0, size)`.
 */
export function specProblems(spec: IOSpec): string[] {
  if (spec.mapping !== 'n-m') return [];
  const out: string[] = [];
  const T1 = spec.targetSteps;
  if (T1 === undefined || !Number.isInteger(T1) || T1 < 1) out.push(`an n-m spec needs targetSteps (T') as an integer ≥ 1, got ${T1}`);
  if (spec.output.dtype !== 'index') out.push('an n-m spec needs class-id targets (output dtype index)');
  const d = spec.decoderInput;
  if (d === undefined) out.push('an n-m spec needs decoderInput { size, start } for the teacher-forced decoder inputs');
  else if (!(Number.isInteger(d.size) && Number.isInteger(d.start) && d.start >= 0 && d.start < d.size)) out.push(`decoderInput.start ${d.start} must be an id in [0, ${d.size})`);
  return out;
}

/** Extras on the target axis must be sequences of an n→m spec (a vector has no time axis). */
function extraSpecProblems(spec: IOSpec): string[] {
  const out: string[] = [];
  for (const [name, side] of Object.entries(spec.extra ?? {})) {
    if (side.axis !== 'target') continue;
    if (side.role !== 'sequence') out.push(`extra input "${name}" is a vector on the target axis; only a sequence has a time axis (drop its axis)`);
    else if (spec.mapping !== 'n-m') out.push(`extra input "${name}" is on the target axis, but a ${spec.mapping} spec has only the source axis`);
  }
  return out;
}

/**
 * yIn: (B,T') the teacher-forced decoder inputs of class-id targets `y` (B,T'): `start` at i = 0,
 * `y[b,i−1]` after, 0 past τ'_b.
 */
export function teacherForced(y: Int32Array, lengths: Int32Array, T1: number, start: number): Int32Array {
  const B = lengths.length;
  if (y.length !== B * T1) throw new DataError('batch-bad-sequence', `y holds ${y.length} values, not B·T' = ${B * T1}`);
  const yIn = new Int32Array(B * T1);
  for (let b = 0; b < B; b++) {
    const tau = lengths[b];
    if (!(tau >= 1 && tau <= T1)) throw new DataError('batch-bad-sequence', `sample ${b}: target length ${tau} is outside [1, ${T1}]`);
    yIn[b * T1] = start;
    for (let i = 1; i < tau; i++) yIn[b * T1 + i] = y[b * T1 + i - 1];
  }
  return yIn;
}

/** The shape of an extra input's data for `B` samples of T steps (T' on the target axis). */
export function extraShape(side: ExtraSide, B: number, T: number, targetT?: number): number[] {
  const perStep = side.dtype === 'real' ? [side.size] : [];
  const steps = side.axis === 'target' ? (targetT ?? 0) : T;
  return side.role === 'vector' ? [B, ...perStep] : [B, steps, ...perStep];
}

/** The shape of `x` for a spec and batch size. */
export function inputShape(spec: IOSpec, B: number): number[] {
  return spec.input.dtype === 'real' ? [B, spec.steps, spec.input.size] : [B, spec.steps];
}

/** Zero-filled arrays of the right types and sizes for `B` samples of `spec` (n→m: `y` is (B,T')). */
export function allocBatch(spec: IOSpec, B: number): { x: Float32Array | Int32Array; y: Float32Array | Int32Array } {
  checkBatchSize(B);
  const bad = specProblems(spec);
  if (bad.length > 0) throw new DataError('batch-bad-spec', bad.join('; '));
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
  const out: string[] = [...specProblems(spec), ...extraSpecProblems(spec)];
  if (out.length > 0) return out;
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
  out.push(...lengthProblems(batch.lengths, batch.mask, B, T, ''));
  if (spec.mapping === 'n-m') out.push(...targetProblems(batch, spec));
  else if (batch.target !== undefined || batch.yIn !== undefined) out.push(`a ${spec.mapping} batch has one time axis: it must not carry target or yIn`);
  const firstOutside = (a: ArrayLike<number>, n: number) => Array.prototype.find.call(a, (k: number) => !(k >= 0 && k < n)) as number | undefined;
  if (spec.input.dtype === 'index') {
    const k = firstOutside(batch.x, spec.input.size);
    if (k !== undefined) out.push(`token id ${k} outside [0, ${spec.input.size})`);
  }
  if (spec.output.dtype === 'index') {
    const k = firstOutside(batch.y, spec.output.size);
    if (k !== undefined) out.push(`class id ${k} outside [0, ${spec.output.size})`);
  }
  out.push(...extraProblems(batch, spec));
  return out;
}

/** The extra inputs: the same names as `spec.extra`, each with its role, dtype, size and array. */
function extraProblems(batch: Batch, spec: IOSpec): string[] {
  const out: string[] = [];
  const want = spec.extra ?? {};
  const have = batch.extra ?? {};
  for (const name of Object.keys(have)) if (want[name] === undefined) out.push(`extra input "${name}" is not in the spec (it lists ${Object.keys(want).map((n) => `"${n}"`).join(', ') || 'none'})`);
  for (const [name, side] of Object.entries(want)) {
    const e = have[name];
    if (e === undefined) {
      out.push(`extra input "${name}" is missing: the spec gives it as a ${side.role} of ${side.dtype === 'real' ? `${side.size} features` : `ids of ${side.size} classes`}`);
      continue;
    }
    if (e.role !== side.role || e.dtype !== side.dtype || e.size !== side.size) {
      out.push(`extra input "${name}" is a ${e.role} (${e.dtype}, size ${e.size}), the spec says a ${side.role} (${side.dtype}, size ${side.size})`);
      continue;
    }
    if ((e.axis ?? 'source') !== (side.axis ?? 'source')) {
      out.push(`extra input "${name}" is on the ${e.axis ?? 'source'} axis, the spec says the ${side.axis ?? 'source'} axis`);
      continue;
    }
    const shape = extraShape(side, batch.B, batch.T, batch.target?.T);
    const n = shape.reduce((a, d) => a * d, 1);
    const type = side.dtype === 'real' ? Float32Array : Int32Array;
    if (!(e.data instanceof type) || e.data.length !== n) out.push(`extra input "${name}" must be a ${type.name} of ${n} values [${shape.join(', ')}]`);
    else if (side.dtype === 'index') {
      const k = Array.prototype.find.call(e.data, (v: number) => !(v >= 0 && v < side.size)) as number | undefined;
      if (k !== undefined) out.push(`extra input "${name}": id ${k} outside [0, ${side.size})`);
    }
  }
  return out;
}

/** Lengths in [1, T] and a mask equal to `1[t ≤ τ_b]`; `what` prefixes the messages (`target `). */
function lengthProblems(lengths: Int32Array, mask: Float32Array, B: number, T: number, what: string): string[] {
  const out: string[] = [];
  const name = what === '' ? 'T' : "T'";
  if (lengths.length !== B) out.push(`${what}lengths must hold ${B} values`);
  if (mask.length !== B * T) out.push(`${what}mask must hold B·${name} = ${B * T} values`);
  for (let b = 0; b < Math.min(B, lengths.length); b++) {
    const tau = lengths[b];
    if (!(tau >= 1 && tau <= T)) out.push(`sample ${b}: ${what}length ${tau} outside [1, ${T}]`);
    for (let t = 0; t < T && mask.length === B * T; t++) {
      if (mask[b * T + t] !== (t < tau ? 1 : 0)) {
        out.push(`sample ${b}: ${what}mask at ${what === '' ? 't' : 'i'} = ${t + 1} should be ${t < tau ? 1 : 0}`);
        break;
      }
    }
  }
  return out;
}

/** The target axis of an n→m batch: T', its lengths and mask, and yIn teacher-forced from y. */
function targetProblems(batch: Batch, spec: IOSpec): string[] {
  const { B, target, yIn } = batch;
  const T1 = spec.targetSteps!;
  const { size, start } = spec.decoderInput!;
  if (target === undefined) return ["an n-m batch needs target { T, lengths, mask }: the target axis's padded length T', lengths τ'_b and mask"];
  const out: string[] = [];
  if (target.T !== T1) out.push(`target.T is ${target.T}, the spec says T' = ${T1}`);
  out.push(...lengthProblems(target.lengths, target.mask, B, target.T, 'target '));
  if (!(yIn instanceof Int32Array) || yIn.length !== B * target.T) {
    out.push(`yIn must be an Int32Array of ${B * target.T} values [${B}, ${target.T}]`);
    return out;
  }
  const k = Array.prototype.find.call(yIn, (v: number) => !(v >= 0 && v < size)) as number | undefined;
  if (k !== undefined) out.push(`decoder input id ${k} outside [0, ${size})`);
  if (batch.y.length !== B * target.T || target.lengths.length !== B) return out;
  for (let b = 0; b < B; b++) {
    const tau = Math.min(target.lengths[b], target.T);
    for (let i = 0; i < tau; i++) {
      const want = i === 0 ? start : batch.y[b * target.T + i - 1];
      if (yIn[b * target.T + i] !== want) {
        out.push(`sample ${b}: yIn at i = ${i + 1} is ${yIn[b * target.T + i]}, should be ${i === 0 ? `the start token ${start}` : `y at i = ${i} (${want})`}`);
        break;
      }
    }
  }
  return out;
}
