/**
 * The batch file of `unroll step` (docs/batch-format.md):
 *   { "inputs": { "<Input id>": <array> , … }, "lengths"?: [τ_1, …, τ_B] }
 * where each array is nested batch-major — sequence real `[B][T][D]`, sequence index `[B][T]`,
 * vector real `[B][D]`, vector index `[B]` — or `{ "shape": [...], "data": [flat values] }` with the
 * same shape. B and T are read from the arrays; `lengths` defaults to T for every sample.
 */
import type { Plan, PlanInput } from '../../src/compiler';
import type { BatchFeed, FeedArray } from '../../src/engine/feeds';
import { CliFailure } from './load';

interface Flat {
  readonly shape: number[];
  readonly data: number[];
}

function flatten(value: unknown, where: string): Flat {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const { shape, data } = value as { shape?: unknown; data?: unknown };
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw new CliFailure([`${where}.shape: expected a list of sizes, e.g. [2, 5, 3]`]);
    if (!Array.isArray(data)) throw new CliFailure([`${where}.data: expected a flat list of numbers`]);
    const n = (shape as number[]).reduce((a, d) => a * d, 1);
    if (data.length !== n) throw new CliFailure([`${where}: shape [${shape.join(', ')}] holds ${n} values but data has ${data.length}`]);
    data.forEach((x, i) => {
      if (typeof x !== 'number' || !Number.isFinite(x)) throw new CliFailure([`${where}.data[${i}]: expected a finite number, got ${JSON.stringify(x)}`]);
    });
    return { shape: shape as number[], data: data as number[] };
  }
  const shape: number[] = [];
  for (let v: unknown = value; Array.isArray(v); v = v[0]) shape.push(v.length);
  const data: number[] = [];
  const walk = (v: unknown, depth: number, path: string) => {
    if (depth === shape.length) {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new CliFailure([`${path}: expected a finite number, got ${JSON.stringify(v)}`]);
      data.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) throw new CliFailure([`${path}: expected a list of ${shape[depth]} items (every row of a nested array has the same length)`]);
    v.forEach((item, i) => walk(item, depth + 1, `${path}[${i}]`));
  };
  walk(value, 0, where);
  return { shape, data };
}

function expectedRank(input: PlanInput): { rank: number; layout: string } {
  const seq = input.role === 'sequence';
  const real = input.dtype === 'real';
  if (seq) return real ? { rank: 3, layout: '[B][T][D]' } : { rank: 2, layout: '[B][T]' };
  return real ? { rank: 2, layout: '[B][D]' } : { rank: 1, layout: '[B]' };
}

/** Reads a batch file's content against the plan's Inputs. */
export function parseBatchFile(raw: unknown, plan: Plan, file: string): BatchFeed {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new CliFailure([`${file}: a batch file is a JSON object with "inputs" (and optionally "lengths")`]);
  const obj = raw as Record<string, unknown>;
  for (const k of Object.keys(obj)) if (k !== 'inputs' && k !== 'lengths') throw new CliFailure([`${file}: unknown field "${k}"; a batch file has "inputs" and "lengths"`]);
  const inputs = obj.inputs;
  if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs)) throw new CliFailure([`${file}: "inputs" must map each Input node id to its array`]);
  const given = inputs as Record<string, unknown>;
  for (const id of Object.keys(given)) {
    if (!plan.inputs.some((i) => i.node === id)) throw new CliFailure([`${file}: inputs.${id}: the graph has no Input node "${id}"; its Inputs are ${plan.inputs.map((i) => i.node).join(', ')}`]);
  }
  let B: number | undefined;
  let T: number | undefined;
  const feeds: Record<string, FeedArray> = {};
  for (const input of plan.inputs) {
    const where = `${file}: inputs.${input.node}`;
    if (!Object.hasOwn(given, input.node)) throw new CliFailure([`${where}: missing; the graph's Input "${input.node}" needs ${expectedRank(input).layout}`]);
    const flat = flatten(given[input.node], where);
    const { rank, layout } = expectedRank(input);
    if (flat.shape.length !== rank) throw new CliFailure([`${where}: Input "${input.node}" is a ${input.role} of ${input.dtype === 'index' ? 'ids' : 'real values'}, laid out ${layout}; got ${flat.shape.length} levels [${flat.shape.join(', ')}]`]);
    const b = flat.shape[0];
    if (B !== undefined && b !== B) throw new CliFailure([`${where}: has ${b} samples but another input has ${B}`]);
    B = b;
    if (input.role === 'sequence') {
      if (T !== undefined && flat.shape[1] !== T) throw new CliFailure([`${where}: has ${flat.shape[1]} steps but another input has ${T}`]);
      T = flat.shape[1];
    }
    if (input.dtype === 'real' && flat.shape[rank - 1] !== input.size) throw new CliFailure([`${where}: each value has ${flat.shape[rank - 1]} features but Input "${input.node}" has size ${input.size}`]);
    if (input.dtype === 'index') {
      const bad = flat.data.findIndex((k) => !Number.isInteger(k) || k < 0 || k >= input.size);
      if (bad >= 0) throw new CliFailure([`${where}: value ${flat.data[bad]} (item ${bad}) is not an id in 0…${input.size - 1}`]);
      feeds[input.node] = Int32Array.from(flat.data);
    } else feeds[input.node] = Float64Array.from(flat.data);
  }
  if (B === undefined || B < 1) throw new CliFailure([`${file}: the batch has no samples`]);
  const steps = T ?? 1;
  let lengths: Int32Array;
  if (obj.lengths === undefined) lengths = new Int32Array(B).fill(steps);
  else {
    const l = obj.lengths;
    if (!Array.isArray(l) || l.length !== B) throw new CliFailure([`${file}: "lengths" must list ${B} lengths, one per sample`]);
    l.forEach((x, i) => {
      if (!Number.isInteger(x) || x < 1 || x > steps) throw new CliFailure([`${file}: lengths[${i}] = ${JSON.stringify(x)} must be an integer in [1, ${steps}]`]);
    });
    lengths = Int32Array.from(l as number[]);
  }
  return { feeds, lengths, T: steps };
}
