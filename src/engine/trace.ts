import type { Plan } from '../compiler/plan';
import { documentPortValues } from '../compiler/unroll-view';
import type { GraphEdge, GraphNode } from '../graph/document';
import { nodeKernelBackend } from './backend';
import { Executor } from './executor';
import type { BatchFeed } from './feeds';
import { Rng } from './rng';
import type { WeightStore } from './weights';

/**
 * One batch run forward and backward (full BPTT, float64, reference kernels), reduced for stepping
 * through it: per document node output and per time step, the value's norm and a few leading values
 * of one sample, and `‖∂L/∂v‖` of the same value (the gradient on every edge it feeds). Values of a
 * composite cell are read at the inner value that gives its output (`op.origin` groups the plan's
 * ops by document node), so a cell shows its h, not its gates.
 */

export interface PortTrace {
  /** The document node and its output port. */
  readonly node: string;
  readonly port: string;
  /** The plan value read. */
  readonly value: string;
  readonly perStep: boolean;
  /** Per-step values: the time axis (0 source, 1 target). */
  readonly axis: 0 | 1;
  readonly dtype: 'real' | 'index';
  /** Feature size (classes for ids). */
  readonly dim: number;
  /** ‖v_t‖_F over the batch (B×D), per step (T of its axis), or one number for a vector; 0 for ids. */
  readonly norms: Float64Array;
  /** ‖∂L/∂v_t‖_F over the batch, laid out as `norms`; 0 for ids. */
  readonly grads: Float64Array;
  /** The first `leadWidth` features of the traced sample: (T, leadWidth) row-major, or (leadWidth); ids: (T, 1). */
  readonly lead: Float64Array;
  readonly leadWidth: number;
}

export interface BatchTrace {
  /** Steps of the source axis and of the target axis (0 without one). */
  readonly T: number;
  readonly targetT: number;
  readonly B: number;
  /** τ_b of the source axis. */
  readonly lengths: Int32Array;
  /** The reduced loss of the batch. */
  readonly loss: number;
  readonly ports: readonly PortTrace[];
  /** Document edge id → the plan value it carries (its gradient is the port's `grads`). */
  readonly edges: readonly { readonly edge: string; readonly value: string }[];
}

export interface TraceOptions {
  /** Leading features kept per step (default 3). */
  readonly lead?: number;
  /** The sample whose leading values are kept (default 0). */
  readonly sample?: number;
  /**
   * The run's seed (default 1): teacher forcing with a ratio between 0 and 1 draws teacher or own per
   * sample and step as the first training step of that seed does.
   */
  readonly seed?: number;
}

/** Frobenius norm of `data[(b·T + t)·w …]` over b and the w features, for each t (batch-major `[B,T,w]`). */
function stepNorms(data: Float64Array, B: number, T: number, w: number): Float64Array {
  const out = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    let s = 0;
    for (let b = 0; b < B; b++) {
      const off = (b * T + t) * w;
      for (let j = 0; j < w; j++) s += data[off + j] * data[off + j];
    }
    out[t] = Math.sqrt(s);
  }
  return out;
}

/** Runs `feed` through `plan` at `weights` (forward, then backward over every step) and reduces it per document port and step. */
export function traceBatch(plan: Plan, doc: { readonly nodes: readonly GraphNode[]; readonly edges: readonly GraphEdge[] }, weights: WeightStore, feed: BatchFeed, options: TraceOptions = {}): BatchTrace {
  const L = Math.max(1, Math.floor(options.lead ?? 3));
  const exec = new Executor(plan, weights, nodeKernelBackend);
  exec.bind(feed);
  const random = { rng: new Rng(options.seed ?? 1).fork('teacher 1'), step: 0 };
  const loss = exec.forward(0, feed.T, { random }).total;
  exec.backward(0);
  const B = exec.batchSize;
  const sample = Math.min(B - 1, Math.max(0, Math.floor(options.sample ?? 0)));
  const buffers = new Map(plan.buffers.map((b) => [b.id, b]));
  const values = documentPortValues(plan, doc);
  const known = new Set(doc.nodes.map((n) => n.id as string));
  const ports: PortTrace[] = [];
  for (const [key, value] of values) {
    const cut = key.lastIndexOf('.');
    const node = key.slice(0, cut);
    if (!known.has(node)) continue;
    const buf = buffers.get(value)!;
    const axis = exec.axisOf(value);
    const T = buf.perStep ? exec.stepsOf(axis) : 1;
    const isIndex = buf.dtype === 'index';
    const w = isIndex ? 1 : buf.dim;
    const v = exec.value(value).data; // (B,T,w) or (B,w)
    const g = exec.gradient(value).data;
    const lw = isIndex ? 1 : Math.min(L, w);
    const lead = new Float64Array(T * lw);
    for (let t = 0; t < T; t++) for (let j = 0; j < lw; j++) lead[t * lw + j] = v[(sample * T + t) * w + j];
    ports.push({
      node,
      port: key.slice(cut + 1),
      value,
      perStep: buf.perStep,
      axis,
      dtype: isIndex ? 'index' : 'real',
      dim: buf.dim,
      norms: isIndex ? new Float64Array(T) : stepNorms(v, B, T, w),
      grads: isIndex ? new Float64Array(T) : stepNorms(g, B, T, w),
      lead,
      leadWidth: lw,
    });
  }
  const edges = doc.edges.flatMap((e) => {
    const value = values.get(`${e.source.node}.${e.source.port}`);
    return value === undefined ? [] : [{ edge: e.id as string, value }];
  });
  return { T: exec.stepsOf(0), targetT: exec.stepsOf(1), B, lengths: Int32Array.from(exec.lengthsOf(0)), loss, ports, edges };
}
