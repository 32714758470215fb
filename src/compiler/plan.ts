import type { GraphEdge, GraphNode } from '../graph/document';
import { getNodeSpec } from '../nodes/registry';
import type { NodeSpec, ParamTensorDecl, PortDType, PortRole, PortShape } from '../nodes/types';
import type { ExpandedGraph } from './expand';
import { findRecurrences } from './recurrence';
import { schedulePhases, type NodeTiming, type ScheduleOptions } from './schedule';

/**
 * The execution plan: plain, serialisable data (JSON round-trips it) that the engine's executor
 * runs. Built by `compile()` (see `./compile.ts` for the passes); printed by `formatPlan`.
 *
 * Values are named `<nodeId>.<port>` after expansion (inner nodes of a composite are
 * `<outer>.<inner>`). A per-step value holds `[T, B, D]` (time-major inside the engine), a vector
 * `[B, D]`. Index values (class ids) have D = 1 in storage and `classes` in `dim`.
 */

export const PLAN_FORMAT = 'unroll.plan' as const;

/** A buffer: one output port's value. */
export interface PlanValue {
  readonly id: string;
  readonly node: string;
  readonly port: string;
  readonly role: Exclude<PortRole, 'scalar'>;
  /** True for `sequence` and `state`: one value per time step. */
  readonly perStep: boolean;
  /** Feature size (for index values: the number of classes). */
  readonly dim: number;
  readonly dtype: PortDType;
  /** Per-step values only: the time axis, 1 for the target (decoder) axis; absent for the source axis. */
  readonly axis?: 1;
}

/** A data source the caller fills (an Input node). */
export interface PlanInput {
  readonly node: string;
  readonly value: string;
  readonly role: 'sequence' | 'vector';
  readonly size: number;
  readonly dtype: PortDType;
  /** 1 for a sequence on the target (decoder) axis. */
  readonly axis?: 1;
}

/** A parameter tensor, `<nodeId>.<param>` (a composite's params keep the composite's id). */
export interface PlanParam {
  readonly name: string;
  /** The expanded node that uses it, and its param name there. */
  readonly node: string;
  readonly param: string;
  readonly shape: readonly number[];
  readonly init: ParamTensorDecl['init'];
  readonly trainable: boolean;
}

export type OpKind =
  /** The node's kernel (forward/backward per step) through the engine's Backend. */
  | 'kernel'
  /** `y_t = x_{t−1}`: carried by the scheduler; param `h0` when learned. */
  | 'delay'
  /** `y_b = x_{b,τ_b}`: each sample's last valid step. */
  | 'last-step'
  /** `y_{b,t} = x_{b,τ_b−t+1}` (t ≤ τ_b): each sample's valid prefix backwards, over all steps at once. */
  | 'reverse'
  /** The node's `sequence` kernel over every step at once, with the batch's lengths (self-attention). */
  | 'sequence'
  /** The node's `attend` kernel: per query step, over the whole `memory` sequence of (possibly) another time axis. */
  | 'attend';

export interface PlanOp {
  /** Expanded node id. */
  readonly node: string;
  readonly type: string;
  readonly kind: OpKind;
  /** The document node it came from (the composite, for an inner node). */
  readonly origin: string;
  /** The node's params, parsed (defaults filled). */
  readonly attrs: Readonly<Record<string, unknown>>;
  /** Input port → value id (unconnected optional ports are absent). */
  readonly inputs: Readonly<Record<string, string>>;
  /** Output port → value id (a loss has none: its scalar goes to `Plan.losses`). */
  readonly outputs: Readonly<Record<string, string>>;
  /** Kernel param name → weight name. */
  readonly params: Readonly<Record<string, string>>;
  /** Runs once per step (sequence/state values), or once per batch (vectors). */
  readonly perStep: boolean;
  /** Per-step ops only: 1 when it runs on the target (decoder) axis. */
  readonly axis?: 1;
}

export type Phase =
  /** Per-step ops on no cycle, each over all steps of a range at once (`[T·B, D]` rows; a Reverse needs all T). */
  | { readonly kind: 'batched'; readonly ops: readonly number[]; readonly axis?: 1 }
  /** A time loop: per step, the ops in order; then every Delay's carried value is updated. */
  | { readonly kind: 'loop'; readonly ops: readonly number[]; readonly delays: readonly number[]; readonly axis?: 1 }
  /** Ops without a time axis, once per batch; `late` ones read per-step values (LastStep). */
  | { readonly kind: 'vector'; readonly late: boolean; readonly ops: readonly number[] };

export type LossReduction = 'sumTimeMeanBatch' | 'meanValidSteps';

export interface PlanLoss {
  readonly op: number;
  readonly node: string;
  readonly reduction: LossReduction;
  /** A loss of sequences (masked per step), or of vectors (one term per sample). */
  readonly perStep: boolean;
  /** 1 for a per-step loss on the target (decoder) axis. */
  readonly axis?: 1;
}

/**
 * A recurrent node whose `‖∂L/∂h_t‖` is recorded: the value a Delay on a cycle carries (its source).
 * Named by the node feeding the Delay, or by the innermost composite that outputs it (`l0`; a
 * composite's other states are `l0.<port>`; a cell nested in a bidirectional layer is `l0.fwd`).
 */
export interface PlanRecurrence {
  readonly name: string;
  /**
   * The document node (the composite, for an expanded cell); for a cell nested in a composite that
   * exposes the state (a bidirectional layer's direction), its expanded id `l0.fwd`.
   */
  readonly node: string;
  readonly delay: string;
  /** Value id of h. */
  readonly source: string;
  readonly dim: number;
  /** True when the state runs backwards in time per sample (a bidirectional layer's `bwd`): step s is time τ_b − s + 1. */
  readonly reversed?: boolean;
  /** 1 for a state on the target (decoder) axis. */
  readonly axis?: 1;
}

/** Named inner values of a composite (gate activations), per composite (its expanded id: `l0`, `l0.bwd`). */
export interface PlanProbe {
  readonly node: string;
  readonly name: string;
  readonly value: string;
  /** As `PlanRecurrence.reversed`. */
  readonly reversed?: boolean;
  /** 1 for a value on the target (decoder) axis. */
  readonly axis?: 1;
}

export interface Plan {
  readonly format: typeof PLAN_FORMAT;
  readonly version: 1;
  readonly inputs: readonly PlanInput[];
  readonly params: readonly PlanParam[];
  readonly buffers: readonly PlanValue[];
  /** Every op, in execution order; phases refer to them by index. */
  readonly ops: readonly PlanOp[];
  readonly phases: readonly Phase[];
  readonly losses: readonly PlanLoss[];
  readonly recurrences: readonly PlanRecurrence[];
  readonly probes: readonly PlanProbe[];
}

/** Index of a plan's values by id. */
export function valueIndex(plan: Plan): Map<string, PlanValue> {
  return new Map(plan.buffers.map((v) => [v.id, v]));
}

// ——— building ———

/** Why a valid graph could still not be planned. */
export type PlanProblemCode =
  /** A node kind has neither a kernel nor a scheduler rule (Delay, LastStep). */
  | 'no-kernel'
  /** Two nodes claim one weight name, or a composite's param disagrees with its decomposition. */
  | 'param-conflict'
  /** A value's shape could not be inferred (e.g. every input optional and unconnected). */
  | 'shape-unknown'
  /** A node that needs the whole sequence at once (Reverse, SelfAttention, PositionalEncoding) sits on a cycle, which runs step by step. */
  | 'whole-sequence-in-cycle'
  /** A per-step node reads sequences of two different time axes (source and target) on ports other than an attention's `memory`. */
  | 'time-axis-mismatch';

export interface PlanProblem {
  readonly code: PlanProblemCode;
  /** The document node the problem is shown on. */
  readonly nodeId: string;
  readonly message: string;
}

export interface PlanBuildInput {
  readonly expanded: ExpandedGraph;
  /** `<nodeId>.<port>` → shape, from validating the expanded graph. */
  readonly shapes: ReadonlyMap<string, PortShape>;
  /** Topological order of the expanded nodes with edges into Delays cut. */
  readonly order: readonly string[];
}

interface Resolved {
  readonly node: GraphNode;
  readonly spec: NodeSpec<any>;
  readonly attrs: Record<string, unknown>;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function buildPlan(input: PlanBuildInput, options: ScheduleOptions = {}): { plan: Plan; problems: PlanProblem[] } {
  const { expanded, shapes, order } = input;
  const problems: PlanProblem[] = [];
  const originOf = (id: string) => expanded.origin.get(id) ?? id;
  const nodes = expanded.nodes;
  const index = new Map<string, number>(nodes.map((n, i) => [n.id, i]));
  const res: Resolved[] = nodes.map((node) => {
    const spec = getNodeSpec(node.type)!;
    return { node, spec, attrs: spec.params.parse(node.params) as Record<string, unknown> };
  });
  const feeds: Map<string, string>[] = nodes.map(() => new Map());
  const successors: number[][] = nodes.map(() => []);
  for (const e of expanded.edges as readonly GraphEdge[]) {
    const s = index.get(e.source.node)!;
    const t = index.get(e.target.node)!;
    successors[s].push(t);
    feeds[t].set(e.target.port, `${e.source.node}.${e.source.port}`);
  }
  const rank = new Array<number>(nodes.length).fill(nodes.length);
  order.forEach((id, k) => (rank[index.get(id)!] = k));

  // Timing: per-step, vector (early) or late vector, in topological order.
  const timing: NodeTiming[] = new Array<NodeTiming>(nodes.length).fill('vector');
  const valueTiming = (id: string): NodeTiming => timing[index.get(id.slice(0, id.lastIndexOf('.')))!];
  const inputShapes = (i: number): Record<string, PortShape | undefined> => {
    const out: Record<string, PortShape | undefined> = {};
    for (const [port, src] of feeds[i]) out[port] = shapes.get(src);
    return out;
  };
  for (const id of order) {
    const i = index.get(id)!;
    const r = res[i];
    if (r.spec.type === 'Input') {
      timing[i] = 'input';
      continue;
    }
    const outs = r.spec.ports(r.attrs).filter((p) => p.direction === 'out');
    const roles = outs.map((p) => shapes.get(`${id}.${p.name}`)?.role);
    const ins = Object.values(inputShapes(i));
    if (r.spec.closesCycles || roles.some((x) => x === 'sequence' || x === 'state')) timing[i] = 'step';
    else if (roles.every((x) => x === 'scalar') && ins.some((s) => s?.role === 'sequence' || s?.role === 'state')) timing[i] = 'step';
    else timing[i] = [...feeds[i].values()].some((src) => valueTiming(src) !== 'vector' && valueTiming(src) !== 'input') ? 'late' : 'vector';
  }

  // Time axes: a sequence Input names its own (source unless `axis: target`); a per-step node takes
  // the axis of its per-step inputs, an attention's `memory` excepted (it may read the other axis).
  // A Delay's input edge is cut in `order`, so the rule is applied until nothing changes.
  const axis = new Array<0 | 1 | undefined>(nodes.length).fill(undefined);
  const nodeOfValue = (src: string) => index.get(src.slice(0, src.lastIndexOf('.')))!;
  const perStepValue = (src: string) => {
    const t = valueTiming(src);
    return t === 'step' || (t === 'input' && shapes.get(src)?.role === 'sequence');
  };
  const axisFeeds = (i: number): [string, string][] => [...feeds[i]].filter(([port, src]) => !(res[i].spec.attend !== undefined && port === 'memory') && perStepValue(src));
  res.forEach((r, i) => {
    if (r.spec.type === 'Input' && r.attrs.role === 'sequence') axis[i] = r.attrs.axis === 'target' ? 1 : 0;
  });
  for (let changed = true, pass = 0; changed && pass <= nodes.length; pass++) {
    changed = false;
    for (const id of order) {
      const i = index.get(id)!;
      if (axis[i] !== undefined || timing[i] === 'input' || timing[i] === 'vector') continue;
      for (const [, src] of axisFeeds(i)) {
        const a = axis[nodeOfValue(src)];
        if (a !== undefined) {
          axis[i] = a;
          changed = true;
          break;
        }
      }
    }
  }
  const axisName = (a: 0 | 1) => (a === 1 ? 'target (decoder)' : 'source (input)');
  for (const id of order) {
    const i = index.get(id)!;
    if (timing[i] === 'input' || timing[i] === 'vector') continue;
    const own = axis[i] ?? 0;
    const other = axisFeeds(i).find(([, src]) => (axis[nodeOfValue(src)] ?? 0) !== own);
    if (other !== undefined) {
      problems.push({
        code: 'time-axis-mismatch',
        nodeId: originOf(id),
        message: `${res[i].spec.type} node "${id}" reads per-step values of both the ${axisName(own)} and the ${axisName(own === 1 ? 0 : 1)} time axis (input "${other[0]}" from "${other[1]}"); only an Attention's "memory" may read the other axis — reduce the sequence to a vector first (LastStep) or attend over it`,
      });
    }
  }
  const onTarget = (i: number): { axis?: 1 } => (axis[i] === 1 ? { axis: 1 } : {});

  // Buffers, inputs, ops.
  const buffers: PlanValue[] = [];
  const inputs: PlanInput[] = [];
  const params: PlanParam[] = [];
  const paramOwner = new Map<string, string>();
  const probes: PlanProbe[] = [];
  const outerDecls = new Map<string, ParamTensorDecl>();
  for (const c of expanded.composites) {
    const ins: Record<string, PortShape | undefined> = {};
    for (const [port, src] of Object.entries(c.feeds)) ins[port] = shapes.get(`${src.node}.${src.port}`);
    for (const d of c.spec.paramTensors(c.params, ins)) outerDecls.set(`${c.id}.${d.name}`, d);
    for (const [name, p] of Object.entries(c.probes)) probes.push({ node: c.id, name, value: `${p.node}.${p.port}`, ...(isReversed(expanded, p.node) ? { reversed: true } : {}) });
  }
  const probeAxis = (value: string): { axis?: 1 } => onTarget(index.get(value.slice(0, value.lastIndexOf('.')))!);
  for (let j = 0; j < probes.length; j++) {
    const a = probeAxis(probes[j].value);
    if (a.axis === 1) probes[j] = { ...probes[j], axis: 1 };
  }
  const opOf = new Map<number, PlanOp>();
  for (let i = 0; i < nodes.length; i++) {
    const r = res[i];
    const id = r.node.id as string;
    const outputs: Record<string, string> = {};
    for (const p of r.spec.ports(r.attrs)) {
      if (p.direction !== 'out') continue;
      const s = shapes.get(`${id}.${p.name}`);
      if (s === undefined) {
        problems.push({ code: 'shape-unknown', nodeId: originOf(id), message: `the shape of output "${p.name}" of ${r.spec.type} node "${id}" is not known; connect its inputs` });
        continue;
      }
      if (s.role === 'scalar') continue; // a loss: its value goes to Plan.losses
      const v: PlanValue = { id: `${id}.${p.name}`, node: id, port: p.name, role: s.role, perStep: s.role !== 'vector', dim: s.dim, dtype: s.dtype, ...(s.role !== 'vector' ? onTarget(i) : {}) };
      buffers.push(v);
      outputs[p.name] = v.id;
    }
    if (r.spec.type === 'Input') {
      const v = outputs.out;
      if (v !== undefined) inputs.push({ node: id, value: v, role: r.attrs.role as 'sequence' | 'vector', size: r.attrs.size as number, dtype: r.attrs.dtype as PortDType, ...onTarget(i) });
      continue;
    }
    const kind: OpKind | null = r.spec.closesCycles ? 'delay' : r.spec.type === 'LastStep' ? 'last-step' : r.spec.type === 'Reverse' ? 'reverse' : r.spec.sequence ? 'sequence' : r.spec.attend ? 'attend' : r.spec.kernel ? 'kernel' : null;
    if (kind === null) {
      problems.push({ code: 'no-kernel', nodeId: originOf(id), message: `${r.spec.type} node "${id}" has no kernel, so it cannot run; replace it with a node kind that has one` });
      continue;
    }
    const opParams: Record<string, string> = {};
    for (const d of r.spec.paramTensors(r.attrs, inputShapes(i))) {
      const name = expanded.paramNames.get(`${id}.${d.name}`) ?? `${id}.${d.name}`;
      let decl = d;
      const outer = outerDecls.get(name);
      if (outer !== undefined) {
        if (!sameShape(outer.shape, d.shape)) {
          problems.push({ code: 'param-conflict', nodeId: originOf(id), message: `weight "${name}" is [${outer.shape.join(', ')}] on the composite node but [${d.shape.join(', ')}] in its decomposition ("${id}.${d.name}")` });
          continue;
        }
        decl = { ...outer, name: d.name };
      }
      const owner = paramOwner.get(name);
      if (owner !== undefined) {
        problems.push({ code: 'param-conflict', nodeId: originOf(id), message: `weight "${name}" is claimed by nodes "${owner}" and "${id}"; give the nodes different ids` });
        continue;
      }
      paramOwner.set(name, id);
      params.push({ name, node: id, param: d.name, shape: [...decl.shape], init: decl.init, trainable: decl.trainable });
      opParams[d.name] = name;
    }
    const opInputs: Record<string, string> = {};
    for (const [port, src] of feeds[i]) opInputs[port] = src;
    opOf.set(i, { node: id, type: r.spec.type, kind, origin: originOf(id), attrs: r.attrs, inputs: opInputs, outputs, params: opParams, perStep: timing[i] === 'step', ...(timing[i] === 'step' ? onTarget(i) : {}) });
  }

  // Phases.
  const rec = findRecurrences(nodes.length, successors);
  const isDelay = res.map((r) => r.spec.closesCycles === true);
  const whole = res.map((r) => r.spec.type === 'Reverse' || r.spec.sequence !== undefined);
  whole.forEach((w, i) => {
    if (w && rec.cyclic[rec.component[i]]) {
      problems.push({ code: 'whole-sequence-in-cycle', nodeId: originOf(nodes[i].id), message: `${res[i].spec.type} node "${nodes[i].id}" is on a cycle through a Delay, but it needs every step of its input at once; take it out of the loop` });
    }
  });
  res.forEach((r, i) => {
    const memory = feeds[i].get('memory');
    if (r.spec.attend === undefined || memory === undefined) return;
    if (rec.component[nodeOfValue(memory)] === rec.component[i]) {
      problems.push({ code: 'whole-sequence-in-cycle', nodeId: originOf(nodes[i].id), message: `${r.spec.type} node "${nodes[i].id}" attends over "${memory}", which is computed in the same loop; its memory must be a whole sequence computed before (e.g. an encoder's states)` });
    }
  });
  const sched = schedulePhases(successors, rec, timing, isDelay, rank, options, whole, axis.map((a) => a ?? 0));
  const ops: PlanOp[] = [];
  const phases: Phase[] = [];
  for (const ph of sched) {
    const list: number[] = [];
    const delays: number[] = [];
    for (const v of ph.nodes) {
      const op = opOf.get(v);
      if (op === undefined) continue;
      if (op.kind === 'delay') delays.push(ops.length);
      list.push(ops.length);
      ops.push(op);
    }
    if (list.length === 0) continue;
    const on = ph.axis === 1 ? { axis: 1 as const } : {};
    if (ph.kind === 'loop') phases.push({ kind: 'loop', ops: list, delays, ...on });
    else if (ph.kind === 'batched') phases.push({ kind: 'batched', ops: list, ...on });
    else phases.push({ kind: 'vector', late: ph.late, ops: list });
  }

  // Losses and recorded recurrences.
  const losses: PlanLoss[] = [];
  ops.forEach((op, k) => {
    if (getNodeSpec(op.type)?.category !== 'loss') return;
    const reduction = op.attrs.reduction === 'meanValidSteps' ? 'meanValidSteps' : 'sumTimeMeanBatch';
    losses.push({ op: k, node: op.node, reduction, perStep: op.perStep, ...(op.perStep && op.axis === 1 ? { axis: 1 as const } : {}) });
  });
  const recurrences = nameRecurrences(ops, rec, index, expanded, buffers).map((r) => (buffers.find((b) => b.id === r.source)?.axis === 1 ? { ...r, axis: 1 as const } : r));
  return { plan: { format: PLAN_FORMAT, version: 1, inputs, params, buffers, ops, phases, losses, recurrences, probes }, problems };
}

function nameRecurrences(
  ops: readonly PlanOp[],
  rec: ReturnType<typeof findRecurrences>,
  index: ReadonlyMap<string, number>,
  expanded: ExpandedGraph,
  buffers: readonly PlanValue[],
): PlanRecurrence[] {
  const dims = new Map(buffers.map((b) => [b.id, b.dim]));
  const found: { delay: string; source: string; origin: string }[] = [];
  // The innermost composite that outputs a state names it (a bidirectional layer's `l0.fwd`).
  const owner = (source: string): string | undefined =>
    expanded.composites
      .filter((c) => c.outputs.some((o) => `${o.source.node}.${o.source.port}` === source))
      .reduce<string | undefined>((best, c) => (best === undefined || c.id.length > best.length ? c.id : best), undefined);
  const seen = new Set<string>();
  for (const op of ops) {
    if (op.kind !== 'delay' || !rec.cyclic[rec.component[index.get(op.node)!]]) continue;
    const source = op.inputs.in;
    if (source === undefined || seen.has(source)) continue;
    seen.add(source);
    found.push({ delay: op.node, source, origin: owner(source) ?? expanded.origin.get(source.slice(0, source.lastIndexOf('.'))) ?? op.origin });
  }
  const perOrigin = new Map<string, number>();
  for (const f of found) perOrigin.set(f.origin, (perOrigin.get(f.origin) ?? 0) + 1);
  const composites = new Map(expanded.composites.map((c) => [c.id, c]));
  return found.map((f) => {
    const node = f.source.slice(0, f.source.lastIndexOf('.'));
    const composite = composites.get(f.origin);
    let name = node;
    if (composite !== undefined) {
      const exposed = composite.outputs.findIndex((o) => `${o.source.node}.${o.source.port}` === f.source);
      if (perOrigin.get(f.origin) === 1 || exposed === 0) name = f.origin;
      else if (exposed > 0) name = `${f.origin}.${composite.outputs[exposed].port}`;
      else name = node;
    }
    return { name, node: f.origin, delay: f.delay, source: f.source, dim: dims.get(f.source) ?? 0, ...(isReversed(expanded, node) ? { reversed: true } : {}) };
  });
}

/** Whether expanded node `id` lies inside an inner node that runs backwards in time. */
function isReversed(expanded: ExpandedGraph, id: string): boolean {
  return (expanded.reversed ?? []).some((r) => id === r || id.startsWith(`${r}.`));
}
