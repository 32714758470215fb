import { z } from 'zod';
import type { BatchFeed } from '../engine/feeds';
import type { NewNode } from '../graph/edits';
import { CaseError } from './errors';
import { ids, lengthsOf } from './batch';
import { flatten, type Leaf } from './flatten';
import { assembleGraph, type StackGraph } from './graph';
import type { Need } from './needs';
import type { CaseTensor } from './schema';

/**
 * The graphs of the case models other than `stack`, wired as a user would on the canvas, each with
 * its batch. A model of vectors only (one value per sample, no time axis) binds a batch with T = 1;
 * a memory binds its slots as the steps of a sequence (T = M, lengths = the valid slots).
 */

export interface ModelGraph {
  readonly graph: StackGraph;
  readonly feed: BatchFeed;
}

const count = z.number().int().min(1).max(1 << 16);
const Loss = z.looseObject({ kind: z.string(), reduction: z.string().default('sumTimeMeanBatch') });

export const MultiplicativeModelSchema = z.looseObject({
  kind: z.literal('multiplicative'),
  module: z.looseObject({ size: count }),
  loss: Loss,
});
export type MultiplicativeModel = z.infer<typeof MultiplicativeModelSchema>;

function unknownKeys(obj: Record<string, unknown>, known: readonly string[], what: string): Need[] {
  return Object.keys(obj)
    .filter((k) => !known.includes(k))
    .map((k) => ({ what: `${what} option "${k}"` }));
}

function lossNeeds(loss: z.infer<typeof Loss>): Need[] {
  const out: Need[] = [];
  if (!['ce', 'mse', 'bce'].includes(loss.kind)) out.push({ what: `loss "${loss.kind}"` });
  if (loss.reduction !== 'sumTimeMeanBatch' && loss.reduction !== 'meanValidSteps') out.push({ what: `loss reduction "${loss.reduction}"` });
  return [...out, ...unknownKeys(loss, ['kind', 'reduction'], 'loss')];
}

/** What a multiplicative model asks for that Unroll lacks (options it does not know). */
export function multiplicativeNeeds(model: MultiplicativeModel): Need[] {
  return [...unknownKeys(model, ['kind', 'module', 'loss'], 'model'), ...unknownKeys(model.module, ['size'], 'module'), ...lossNeeds(model.loss)];
}

function leaf(leaves: ReadonlyMap<string, Leaf>, key: string, dims: number, why: string): Leaf {
  const l = leaves.get(key);
  if (l === undefined) throw new CaseError('case-invalid', `batch.${key}`, `missing; ${why}`);
  if (l.shape.length !== dims) throw new CaseError('case-invalid', `batch.${key}`, `expected ${dims} dimensions, got [${l.shape.join(', ')}]`);
  return l;
}

/** Class ids `[B]` in `0…classes−1`, or values `[B, O]`, for a loss on vectors. */
function vectorTargets(leaves: ReadonlyMap<string, Leaf>, B: number, O: number, ce: boolean): Leaf {
  const y = leaf(leaves, 'y', ce ? 1 : 2, 'the loss takes targets y');
  if (y.shape[0] !== B || (!ce && y.shape[1] !== O)) throw new CaseError('case-invalid', 'batch.y', `expected ${ce ? `class ids [${B}]` : `targets [${B}, ${O}]`}, got [${y.shape.join(', ')}]`);
  if (ce) {
    for (let i = 0; i < B; i++) {
      const v = y.data[i];
      if (!Number.isInteger(v) || v < 0 || v >= O) throw new CaseError('case-invalid', 'batch.y', `value ${i} is ${v}, not an id in 0…${O - 1}`);
    }
  }
  return y;
}

/** The loss node on `prediction` (a node's output) against the Input `y`. */
function lossNodes(loss: z.infer<typeof Loss>, size: number, prediction: string, role: 'vector' | 'sequence', at: { x: number; y: number }): { nodes: NewNode[]; wires: [string, string][] } {
  const ce = loss.kind === 'ce';
  const type = ce ? 'CrossEntropy' : loss.kind === 'mse' ? 'MSE' : 'BCE';
  return {
    nodes: [
      { id: 'y', type: 'Input', position: { x: at.x, y: at.y + 160 }, params: { role, size, ...(ce ? { dtype: 'index' } : {}) } },
      { id: 'loss', type, position: { x: at.x + 240, y: at.y }, params: { reduction: loss.reduction } },
    ],
    wires: [
      [prediction, type === 'MSE' ? 'loss.prediction' : 'loss.logits'],
      ['y.out', 'loss.target'],
    ],
  };
}

/**
 * `multiplicative`: Input x [B,I] and Input z [B,Z] → Multiplicative `mul` (U [O,I,Z]) → loss ← Input y.
 * `outputs.mul.y` is the module's output.
 */
export function buildMultiplicative(name: string, model: MultiplicativeModel, batch: Record<string, unknown>, weights: ReadonlyMap<string, CaseTensor>, caseName: (unroll: string) => string): ModelGraph {
  const leaves = flatten(batch);
  const x = leaf(leaves, 'x', 2, 'the module takes x [B,I]');
  const ctx = leaf(leaves, 'z', 2, 'the module takes its context z [B,Z]');
  const B = x.shape[0];
  if (ctx.shape[0] !== B) throw new CaseError('case-invalid', 'batch.z', `has ${ctx.shape[0]} samples, x has ${B}`);
  const O = model.module.size;
  const ce = model.loss.kind === 'ce';
  const y = vectorTargets(leaves, B, O, ce);
  const loss = lossNodes(model.loss, O, 'mul.y', 'vector', { x: 480, y: 0 });
  const nodes: NewNode[] = [
    { id: 'x', type: 'Input', position: { x: 0, y: 0 }, params: { role: 'vector', size: x.shape[1] } },
    { id: 'z', type: 'Input', position: { x: 0, y: 160 }, params: { role: 'vector', size: ctx.shape[1] } },
    { id: 'mul', type: 'Multiplicative', position: { x: 240, y: 0 }, params: { size: O } },
    ...loss.nodes,
  ];
  const wires: [string, string][] = [['x.out', 'mul.x'], ['z.out', 'mul.z'], ...loss.wires];
  const doc = assembleGraph(name, nodes, wires, weights, caseName);
  const feed: BatchFeed = {
    feeds: { x: Float64Array.from(x.data), z: Float64Array.from(ctx.data), y: Float64Array.from(y.data) },
    lengths: new Int32Array(B).fill(1),
    T: 1,
  };
  return { graph: { doc, layers: [], head: null, loss: 'loss', outputs: { 'mul.y': { value: 'mul.y' } } }, feed };
}

export const KVMemoryModelSchema = z.looseObject({
  kind: z.literal('kv_memory'),
  memory: z.looseObject({ size: count, hops: z.number().int().min(1).max(8).default(1), output: z.string().default('read') }),
  head: z.looseObject({ size: count }),
  loss: Loss,
});
export type KVMemoryModel = z.infer<typeof KVMemoryModelSchema>;

/** What a kv_memory model asks for that Unroll lacks. */
export function kvMemoryNeeds(model: KVMemoryModel): Need[] {
  const out = [...unknownKeys(model, ['kind', 'memory', 'head', 'loss'], 'model'), ...unknownKeys(model.memory, ['size', 'hops', 'output'], 'memory')];
  if (model.memory.output !== 'read' && model.memory.output !== 'query') out.push({ what: `memory output "${model.memory.output}"` });
  return [...out, ...unknownKeys(model.head, ['size'], 'head'), ...lossNeeds(model.loss)];
}

/**
 * `kv_memory`: Input `query` [B,Dq] → Linear `query_proj`; Input `slots` (the batch's `mem`
 * [B,M,Dm], one slot per step, lengths `mem_lengths`) → Linear `key_proj` and `value_proj`; the
 * three → KVMemory `mem` → its `read` (or `query`) → Linear head `out` → loss ← Input `y`.
 * `outputs.mem.read`, `.query` and `.p` ([B, hops, M]) are the memory's outputs.
 */
export function buildKVMemory(name: string, model: KVMemoryModel, batch: Record<string, unknown>, weights: ReadonlyMap<string, CaseTensor>, caseName: (unroll: string) => string): ModelGraph {
  const leaves = flatten(batch);
  const query = leaf(leaves, 'query', 2, 'the memory takes a query [B,Dq]');
  const mem = leaf(leaves, 'mem', 3, 'the memory takes its slots mem [B,M,Dm]');
  const B = query.shape[0];
  const [Bm, M] = mem.shape;
  if (Bm !== B) throw new CaseError('case-invalid', 'batch.mem', `has ${Bm} samples, query has ${B}`);
  if (M < 1) throw new CaseError('case-invalid', 'batch.mem', 'needs at least one slot');
  const lengths = new Int32Array(B).fill(M);
  const given = leaves.get('mem_lengths');
  if (given !== undefined) {
    if (given.shape.length !== 1 || given.shape[0] !== B) throw new CaseError('case-invalid', 'batch.mem_lengths', `expected one length per sample [${B}], got [${given.shape.join(', ')}]`);
    for (let b = 0; b < B; b++) {
      const n = given.data[b];
      if (!Number.isInteger(n) || n < 1 || n > M) throw new CaseError('case-invalid', 'batch.mem_lengths', `sample ${b} has ${n} slots, outside 1…${M}`);
      lengths[b] = n;
    }
  }
  const O = model.head.size;
  const D = model.memory.size;
  const ce = model.loss.kind === 'ce';
  const y = vectorTargets(leaves, B, O, ce);
  const loss = lossNodes(model.loss, O, 'out.out', 'vector', { x: 960, y: 0 });
  const nodes: NewNode[] = [
    { id: 'query', type: 'Input', position: { x: 0, y: 0 }, params: { role: 'vector', size: query.shape[1] } },
    { id: 'slots', type: 'Input', position: { x: 0, y: 200 }, params: { role: 'sequence', size: mem.shape[2] } },
    { id: 'query_proj', type: 'Linear', position: { x: 240, y: 0 }, params: { units: D } },
    { id: 'key_proj', type: 'Linear', position: { x: 240, y: 160 }, params: { units: D } },
    { id: 'value_proj', type: 'Linear', position: { x: 240, y: 320 }, params: { units: D } },
    { id: 'mem', type: 'KVMemory', position: { x: 480, y: 0 }, params: { size: D, hops: model.memory.hops } },
    { id: 'out', type: 'Linear', position: { x: 720, y: 0 }, params: { units: O } },
    ...loss.nodes,
  ];
  const wires: [string, string][] = [
    ['query.out', 'query_proj.in0'],
    ['slots.out', 'key_proj.in0'],
    ['slots.out', 'value_proj.in0'],
    ['query_proj.out', 'mem.x'],
    ['key_proj.out', 'mem.keys'],
    ['value_proj.out', 'mem.values'],
    [`mem.${model.memory.output}`, 'out.in0'],
    ...loss.wires,
  ];
  const doc = assembleGraph(name, nodes, wires, weights, caseName);
  const feed: BatchFeed = { feeds: { query: Float64Array.from(query.data), slots: Float64Array.from(mem.data), y: Float64Array.from(y.data) }, lengths, T: M };
  const outputs = { 'mem.read': { value: 'mem.read' }, 'mem.query': { value: 'mem.query' }, 'mem.p': { value: 'mem.p', layout: 'hops' as const } };
  return { graph: { doc, layers: [], head: { id: 'out', perStep: false }, loss: 'loss', outputs }, feed };
}

export const JordanModelSchema = z.looseObject({
  kind: z.literal('jordan'),
  cell: z.looseObject({ hidden: count, teacherForcing: z.number().min(0).max(1).default(0), feedback: z.string().optional() }),
  head: z.looseObject({ size: count }),
  loss: Loss,
});
export type JordanModel = z.infer<typeof JordanModelSchema>;

/** What a jordan model asks for that Unroll lacks: a teacher-forcing ratio strictly between 0 and 1, unknown options. */
export function jordanNeeds(model: JordanModel): Need[] {
  const out = [...unknownKeys(model, ['kind', 'cell', 'head', 'loss'], 'model'), ...unknownKeys(model.cell, ['hidden', 'teacherForcing', 'feedback'], 'jordan')];
  const tf = model.cell.teacherForcing;
  if (tf !== 0 && tf !== 1) out.push({ what: `teacher forcing ratio ${tf} (a Bernoulli draw per sample and step)` });
  const fb = model.cell.feedback;
  if (fb !== undefined && !['softmax', 'logits', 'argmax'].includes(fb)) out.push({ what: `jordan feedback "${fb}"` });
  return [...out, ...unknownKeys(model.head, ['size'], 'head'), ...lossNeeds(model.loss)];
}

/**
 * `jordan`: Input x [B,T,I] → Jordan `jordan` (its output o is the logits) → loss ← Input y. With
 * teacher forcing (ratio 1), y → OneHot `y_onehot` (classes; values feed it directly) → the cell's
 * `teacher` input. The fed-back value defaults as the case README says: softmax for ce, logits otherwise.
 */
export function buildJordan(name: string, model: JordanModel, batch: Record<string, unknown>, weights: ReadonlyMap<string, CaseTensor>, caseName: (unroll: string) => string): ModelGraph {
  const leaves = flatten(batch);
  const x = leaf(leaves, 'x', 3, 'the cell takes x [B,T,I]');
  const [B, T, I] = x.shape;
  const O = model.head.size;
  const ce = model.loss.kind === 'ce';
  const y = leaf(leaves, 'y', ce ? 2 : 3, 'the loss takes targets y');
  if (y.shape[0] !== B || y.shape[1] !== T || (!ce && y.shape[2] !== O)) throw new CaseError('case-invalid', 'batch.y', `expected ${ce ? `class ids [${B}, ${T}]` : `targets [${B}, ${T}, ${O}]`}, got [${y.shape.join(', ')}]`);
  const lengths = lengthsOf(leaves, B, T);
  if (ce) {
    // ids at padded steps are never read
    for (let b = 0; b < B; b++) ids({ shape: [lengths[b]], data: Array.from({ length: lengths[b] }, (_, t) => y.data[b * T + t]) }, O, 'y');
  }
  const teacher = model.cell.teacherForcing === 1;
  const feedback = model.cell.feedback ?? (ce ? 'softmax' : 'logits');
  const loss = lossNodes(model.loss, O, 'jordan.o', 'sequence', { x: 480, y: 0 });
  const nodes: NewNode[] = [
    { id: 'x', type: 'Input', position: { x: 0, y: 0 }, params: { role: 'sequence', size: I } },
    { id: 'jordan', type: 'Jordan', position: { x: 240, y: 0 }, params: { hidden: model.cell.hidden, size: O, feedback, teacherForcing: teacher } },
    ...loss.nodes,
  ];
  const wires: [string, string][] = [['x.out', 'jordan.in'], ...loss.wires];
  if (teacher && ce) {
    nodes.push({ id: 'y_onehot', type: 'OneHot', position: { x: 240, y: 320 }, params: { classes: O } });
    wires.push(['y.out', 'y_onehot.index'], ['y_onehot.out', 'jordan.teacher']);
  } else if (teacher) wires.push(['y.out', 'jordan.teacher']);
  const doc = assembleGraph(name, nodes, wires, weights, caseName);
  const feed: BatchFeed = { feeds: { x: Float64Array.from(x.data), y: Float64Array.from(y.data) }, lengths, T };
  return {
    graph: { doc, layers: [], head: null, loss: 'loss', outputs: { logits: { value: 'jordan.o' } }, hiddenStates: { jordan: 'jordan.h' } },
    feed,
  };
}
