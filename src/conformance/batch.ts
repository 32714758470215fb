import type { BatchFeed } from '../engine/feeds';
import { CaseError } from './errors';
import { flatten, type Leaf } from './flatten';
import type { StackModel } from './schema';

/**
 * A `stack` case's batch as a `BatchFeed` for the graph `graph.ts` builds: `x` [B,T,I] (dense) or
 * `tokens` [B,T] (one-hot / embedding) feeds the Input of the same id, `y` the Input `y`
 * (class ids [B,T] / [B] for ce, values [B,T,O] / [B,O] otherwise); `lengths` [B] or a `mask` [B,T]
 * of the form `1[t ≤ τ_b]` give the lengths (all T when neither is there). `init.<layer>.h` / `.c`
 * [B,H] are the given initial states.
 */
export interface CaseBatch {
  readonly feed: BatchFeed;
  readonly B: number;
  readonly T: number;
  /** Input size I (dense) or vocabulary V (tokens). */
  readonly inputSize: number;
  /** `init.<layer>.<h|c>` → [B,H], for layers with `init: "given"`. */
  readonly given: ReadonlyMap<string, Float64Array>;
}

function shapeText(s: readonly number[]): string {
  return `[${s.join(', ')}]`;
}

function need(leaves: ReadonlyMap<string, Leaf>, key: string, why: string): Leaf {
  const l = leaves.get(key);
  if (l === undefined) throw new CaseError('case-invalid', `batch.${key}`, `missing; ${why}`);
  return l;
}

function expectShape(l: Leaf, shape: readonly number[], key: string, what: string): void {
  if (l.shape.length !== shape.length || l.shape.some((d, i) => d !== shape[i])) {
    throw new CaseError('case-invalid', `batch.${key}`, `expected ${what} ${shapeText(shape)}, got ${shapeText(l.shape)}`);
  }
}

/** Throws unless every value of `l` is a class id in `0…classes−1`, naming `batch.<key>`. */
export function ids(l: Leaf, classes: number, key: string): void {
  for (let i = 0; i < l.data.length; i++) {
    const v = l.data[i];
    if (!Number.isInteger(v) || v < 0 || v >= classes) throw new CaseError('case-invalid', `batch.${key}`, `value ${i} is ${v}, not an id in 0…${classes - 1}`);
  }
}

export function lengthsOf(leaves: ReadonlyMap<string, Leaf>, B: number, T: number): Int32Array {
  const lengths = leaves.get('lengths');
  if (lengths !== undefined) {
    expectShape(lengths, [B], 'lengths', 'one length per sample');
    const out = Int32Array.from(lengths.data);
    out.forEach((tau, b) => {
      if (!(tau >= 1 && tau <= T) || tau !== lengths.data[b]) throw new CaseError('case-invalid', 'batch.lengths', `sample ${b} has length ${lengths.data[b]}, outside 1…${T}`);
    });
    return out;
  }
  const mask = leaves.get('mask');
  if (mask === undefined) return new Int32Array(B).fill(T);
  expectShape(mask, [B, T], 'mask', 'a mask');
  const out = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    let tau = 0;
    while (tau < T && mask.data[b * T + tau] === 1) tau++;
    for (let t = tau; t < T; t++) if (mask.data[b * T + t] !== 0) throw new CaseError('case-invalid', 'batch.mask', `row ${b} is not of the form 1[t ≤ τ_b] (1s then 0s)`);
    if (tau === 0) throw new CaseError('case-invalid', 'batch.mask', `row ${b} has no valid step`);
    out[b] = tau;
  }
  return out;
}

/** Reads and checks the batch of a `stack` case for `model`. */
export function stackBatch(batch: Record<string, unknown>, model: StackModel): CaseBatch {
  const leaves = flatten(batch);
  const dense = model.input.kind === 'dense';
  const xKey = dense ? 'x' : 'tokens';
  const x = need(leaves, xKey, dense ? 'a dense input takes x [B,T,I]' : `a ${model.input.kind} input takes token ids [B,T]`);
  if (x.shape.length !== (dense ? 3 : 2)) throw new CaseError('case-invalid', `batch.${xKey}`, `expected ${dense ? '[B, T, I]' : '[B, T]'}, got ${shapeText(x.shape)}`);
  const [B, T] = x.shape;
  if (B < 1 || T < 1) throw new CaseError('case-invalid', `batch.${xKey}`, `needs at least one sample and one step, got ${shapeText(x.shape)}`);
  const vocab = model.input.vocab;
  if (!dense && vocab === undefined) throw new CaseError('case-invalid', 'model.input.vocab', `a ${model.input.kind} input needs its vocabulary size`);
  const inputSize = dense ? x.shape[2] : vocab!;
  if (!dense) ids(x, inputSize, xKey);

  const O = model.head.size;
  const seq = model.head.shape === 'n->n';
  const y = need(leaves, 'y', 'the loss takes targets y');
  if (model.loss.kind === 'ce') {
    expectShape(y, seq ? [B, T] : [B], 'y', 'class ids');
  } else {
    expectShape(y, seq ? [B, T, O] : [B, O], 'y', 'targets');
  }
  const lengths = lengthsOf(leaves, B, T);
  if (model.loss.kind === 'ce') {
    // ids at padded steps are never read
    for (let b = 0; b < B; b++) {
      const steps = seq ? lengths[b] : 1;
      const row = { shape: [steps], data: Array.from({ length: steps }, (_, t) => y.data[seq ? b * T + t : b]) };
      ids(row, O, 'y');
    }
  }

  const given = new Map<string, Float64Array>();
  model.layers.forEach((layer, i) => {
    if (layer.init !== 'given') return;
    const id = layer.name ?? `l${i}`;
    for (const s of layer.cell === 'lstm' ? ['h', 'c'] : ['h']) {
      const key = `init.${id}.${s}`;
      const v = need(leaves, key, `layer "${id}" has init "given"`);
      expectShape(v, [B, layer.hidden], key, 'an initial state');
      given.set(key, Float64Array.from(v.data));
    }
  });

  const feeds = { [xKey]: Float64Array.from(x.data), y: Float64Array.from(y.data) };
  return { feed: { feeds, lengths, T }, B, T, inputSize, given };
}
