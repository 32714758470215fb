import type { GraphEdge, GraphNode } from '../graph/document';
import { initialStatePorts } from '../nodes/fused';
import { getNodeSpec } from '../nodes/registry';
import { expandGraph } from './expand';
import type { Plan, PlanOp } from './plan';

/**
 * The unrolled picture of a compiled graph: its recurrences drawn over k time steps, one column per
 * step, with the document's nodes (not the expanded gates: plan ops are grouped by `origin`) copied
 * into every step where they run per step, and once where they are vectors. Delays are not drawn as
 * nodes: an edge through a Delay goes from step t−d to step t and carries the Delay's name; a
 * composite cell's own states (an RNN's h, an LSTM's h and c) are `state` edges from its copy at
 * t−1 to its copy at t (t+1 → t for a direction that runs backwards).
 *
 * Columns, left to right: `pre` (vectors computed before the steps), the source axis's steps
 * `first … first+k−1`, `mid` (vectors read after the source steps and before the target axis:
 * an encoder's final state), the target (decoder) axis's steps, `post` (readouts and losses after
 * the last step). Empty vector columns are left out. Pure data: the renderer only places it.
 */

export type ColumnKind = 'pre' | 'step' | 'mid' | 'post';

export interface UnrollColumn {
  /** `pre`, `s<t>` (source step t), `mid`, `t<t>` (target step t), `post`. */
  readonly key: string;
  readonly kind: ColumnKind;
  /** Step columns: the time axis (0 source, 1 target) and the 1-based step. */
  readonly axis?: 0 | 1;
  readonly step?: number;
}

export interface UnrollNode {
  /** `<docNode>@<column key>`. */
  readonly id: string;
  /** The document node. */
  readonly node: string;
  readonly type: string;
  readonly column: number;
  /** Vertical slot of the document node, the same in every column it appears in. */
  readonly row: number;
  /** `loop`: runs inside a recurrence; `step`: per step outside one; `vector`: once per batch. */
  readonly kind: 'loop' | 'step' | 'vector';
  readonly axis?: 0 | 1;
  readonly step?: number;
  /** Index into `UnrolledView.loops`. */
  readonly loop?: number;
}

export type UnrollEdgeKind =
  /** Within one step (or between vectors). */
  | 'within'
  /** Through one or more Delays, from step t−d to step t. */
  | 'delay'
  /** A Delay's `init` (or a cell's `h0`/`c0`) into the first step. */
  | 'init'
  /** A composite cell's own recurrent state, t−1 → t. */
  | 'state'
  /** A per-step value read once after the last step (LastStep, a final state) or a vector read at every step. */
  | 'vector'
  /** An attention's memory: the whole other-axis sequence, drawn from its last step. */
  | 'memory';

export interface UnrollEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly kind: UnrollEdgeKind;
  /** The document edge it draws (absent for a composite's own state edges). */
  readonly docEdge?: string;
  /** The target port. */
  readonly port?: string;
  /** Delays passed through (their ids), or the state's name for `state` edges. */
  readonly label?: string;
  /** The plan value the edge carries, for values on the wires. */
  readonly value?: string;
  /** The 1-based step of `value` it carries (per-step values only). */
  readonly valueStep?: number;
}

export interface UnrollLoop {
  readonly axis: 0 | 1;
  /** Document nodes running inside this recurrence (Delays left out). */
  readonly nodes: readonly string[];
}

export interface UnrolledView {
  /** Steps per axis shown (k, cut to T when given). */
  readonly steps: number;
  /** The first step shown (1-based). */
  readonly first: number;
  readonly columns: readonly UnrollColumn[];
  readonly nodes: readonly UnrollNode[];
  readonly edges: readonly UnrollEdge[];
  readonly loops: readonly UnrollLoop[];
  /** Whether the plan has a target (decoder) time axis. */
  readonly twoAxes: boolean;
}

export interface UnrollOptions {
  /** Steps shown per axis (default 4, at most `MAX_UNROLL_STEPS`). */
  readonly steps?: number;
  /** The first step shown (default 1). */
  readonly first?: number;
  /** Steps of the sequence, when known: no column past it. */
  readonly T?: number;
}

export const DEFAULT_UNROLL_STEPS = 4;
export const MAX_UNROLL_STEPS = 12;

/** The first step of a window of `k` steps that shows step `t` (1-based): `t` is the last column once past k. */
export function windowStart(t: number, k: number): number {
  return Math.max(1, Math.floor(t) - k + 1);
}

type Doc = { readonly nodes: readonly GraphNode[]; readonly edges: readonly GraphEdge[] };

/** Document output port `<node>.<port>` → the plan value holding it (a composite's inner value). */
export function documentPortValues(plan: Plan, doc: Doc): Map<string, string> {
  const held = new Set(plan.buffers.map((b) => b.id));
  const out = new Map<string, string>();
  for (const c of expandGraph(doc).composites) {
    for (const o of c.outputs) {
      const v = `${o.source.node}.${o.source.port}`;
      if (held.has(v)) out.set(`${c.id}.${o.port}`, v);
    }
  }
  for (const b of plan.buffers) if (!out.has(b.id) && !b.node.includes('.')) out.set(b.id, b.id);
  return out;
}

interface Placement {
  readonly kind: 'loop' | 'step' | 'vector';
  readonly axis: 0 | 1;
  /** Vector nodes: their column. */
  readonly slot?: 'pre' | 'mid' | 'post';
  readonly loop?: number;
  /** Execution order of its first op (Inputs: −1), for rows. */
  readonly order: number;
}

function place(plan: Plan, doc: Doc): { placement: Map<string, Placement>; loops: UnrollLoop[] } {
  const loops: UnrollLoop[] = [];
  const loopOf = new Map<number, number>();
  const phaseOf = new Map<number, { kind: string; late?: boolean }>();
  for (const ph of plan.phases) {
    for (const k of ph.ops) phaseOf.set(k, ph.kind === 'vector' ? { kind: 'vector', late: ph.late } : { kind: ph.kind });
    if (ph.kind !== 'loop') continue;
    const nodes = [...new Set(ph.ops.map((k) => plan.ops[k]).filter((op) => !isDocDelay(op)).map((op) => op.origin))];
    if (nodes.length === 0) continue;
    for (const k of ph.ops) loopOf.set(k, loops.length);
    loops.push({ axis: ph.axis === 1 ? 1 : 0, nodes });
  }
  const firstTarget = plan.ops.findIndex((op) => op.perStep && op.axis === 1);
  const byOrigin = new Map<string, number[]>();
  plan.ops.forEach((op, k) => byOrigin.set(op.origin, [...(byOrigin.get(op.origin) ?? []), k]));
  const placement = new Map<string, Placement>();
  const slotOfVector = (k: number): 'pre' | 'mid' | 'post' => (phaseOf.get(k)?.late !== true ? 'pre' : firstTarget >= 0 && k < firstTarget ? 'mid' : 'post');
  for (const n of doc.nodes) {
    const ks = byOrigin.get(n.id);
    if (ks === undefined || ks.length === 0) continue;
    if (ks.every((k) => isDocDelay(plan.ops[k]))) continue;
    const stepOp = ks.find((k) => plan.ops[k].perStep);
    if (stepOp === undefined) {
      placement.set(n.id, { kind: 'vector', axis: 0, slot: slotOfVector(ks[0]), order: ks[0] });
      continue;
    }
    const inLoop = ks.find((k) => loopOf.has(k));
    const axis = plan.ops[stepOp].axis === 1 ? 1 : 0;
    placement.set(n.id, inLoop === undefined ? { kind: 'step', axis, order: ks[0] } : { kind: 'loop', axis, loop: loopOf.get(inLoop), order: ks[0] });
  }
  for (const input of plan.inputs) {
    if (input.role === 'sequence') {
      placement.set(input.node, { kind: 'step', axis: input.axis === 1 ? 1 : 0, order: -1 });
      continue;
    }
    // A vector Input sits beside its first reader.
    const reader = plan.ops.findIndex((op) => Object.values(op.inputs).includes(input.value));
    const slot = reader < 0 || plan.ops[reader].perStep ? 'pre' : (placement.get(plan.ops[reader].origin)?.slot ?? slotOfVector(reader));
    placement.set(input.node, { kind: 'vector', axis: 0, slot, order: reader - 0.5 });
  }
  return { placement, loops };
}

/** A Delay node of the document itself (drawn as edges, not as a node). */
function isDocDelay(op: PlanOp): boolean {
  return op.kind === 'delay' && op.node === op.origin;
}

export function unrollView(plan: Plan, doc: Doc, options: UnrollOptions = {}): UnrolledView {
  const first = Math.max(1, Math.floor(options.first ?? 1));
  let k = Math.min(MAX_UNROLL_STEPS, Math.max(1, Math.floor(options.steps ?? DEFAULT_UNROLL_STEPS)));
  if (options.T !== undefined) k = Math.max(1, Math.min(k, options.T - first + 1));
  const { placement, loops } = place(plan, doc);
  const twoAxes = [...placement.values()].some((p) => p.kind !== 'vector' && p.axis === 1) || plan.inputs.some((i) => i.axis === 1);
  const used = new Set([...placement.values()].flatMap((p) => (p.slot === undefined ? [] : [p.slot])));

  // Columns.
  const columns: UnrollColumn[] = [];
  const stepCol: number[][] = [[], []];
  const slotCol = new Map<string, number>();
  const addSlot = (slot: 'pre' | 'mid' | 'post') => {
    if (!used.has(slot)) return;
    slotCol.set(slot, columns.length);
    columns.push({ key: slot, kind: slot });
  };
  const addSteps = (axis: 0 | 1) => {
    for (let s = first; s < first + k; s++) {
      stepCol[axis].push(columns.length);
      columns.push({ key: `${axis === 1 ? 't' : 's'}${s}`, kind: 'step', axis, step: s });
    }
  };
  addSlot('pre');
  addSteps(0);
  if (twoAxes) {
    addSlot('mid');
    addSteps(1);
  } else if (used.has('mid')) addSlot('mid');
  addSlot('post');

  // Rows: per column group, in execution order.
  const groups = new Map<string, string[]>();
  const groupOf = (p: Placement) => (p.kind === 'vector' ? p.slot! : `axis${p.axis}`);
  for (const [id, p] of [...placement].sort((a, b) => a[1].order - b[1].order)) groups.set(groupOf(p), [...(groups.get(groupOf(p)) ?? []), id]);
  const rowOf = (id: string) => groups.get(groupOf(placement.get(id)!))!.indexOf(id);

  const type = new Map(doc.nodes.map((n) => [n.id as string, n.type]));
  const nodes: UnrollNode[] = [];
  const inst = new Map<string, Map<number, string>>(); // doc node → step (0 for a vector) → instance id
  for (const [id, p] of placement) {
    const at = new Map<number, string>();
    const cols = p.kind === 'vector' ? [slotCol.get(p.slot!)!] : stepCol[p.axis];
    for (const c of cols) {
      const col = columns[c];
      const nid = `${id}@${col.key}`;
      at.set(col.step ?? 0, nid);
      nodes.push({ id: nid, node: id, type: type.get(id) ?? '', column: c, row: rowOf(id), kind: p.kind, ...(col.step === undefined ? {} : { axis: p.axis, step: col.step }), ...(p.loop === undefined ? {} : { loop: p.loop }) });
    }
    inst.set(id, at);
  }
  const lastStep = first + k - 1;

  // Edges.
  const values = documentPortValues(plan, doc);
  const perStepValue = new Set(plan.buffers.filter((b) => b.perStep).map((b) => b.id));
  const docNode = new Map(doc.nodes.map((n) => [n.id as string, n]));
  const isDelayNode = (id: string) => getNodeSpec(docNode.get(id)?.type ?? '')?.closesCycles === true;
  const into = (node: string, port: string) => doc.edges.find((e) => e.target.node === node && e.target.port === port);
  const edges: UnrollEdge[] = [];
  const push = (e: UnrollEdge) => edges.push(e);

  for (const e of doc.edges) {
    const target = e.target.node as string;
    const tp = placement.get(target);
    if (tp === undefined || isDelayNode(target)) continue;
    // Walk back through Delays: d steps, their names, the first one's init.
    let src = e.source;
    let d = 0;
    const delays: string[] = [];
    let init: GraphEdge | undefined;
    for (let guard = 0; isDelayNode(src.node) && guard < doc.nodes.length; guard++) {
      const dn = docNode.get(src.node)!;
      d += typeof dn.params.steps === 'number' ? dn.params.steps : 1;
      delays.push(src.node);
      init ??= into(src.node, 'init');
      const next = into(src.node, 'in');
      if (next === undefined) break;
      src = next.source;
    }
    const sp = placement.get(src.node);
    if (sp === undefined) continue;
    const value = values.get(`${src.node}.${src.port}`);
    const carried = value !== undefined && perStepValue.has(value);
    const label = delays.length > 0 ? delays.join(' → ') : undefined;
    const base = { docEdge: e.id as string, port: e.target.port, ...(label === undefined ? {} : { label }), ...(value === undefined ? {} : { value }) };
    const S = inst.get(src.node)!;
    const N = inst.get(target)!;
    const targetSpec = getNodeSpec(docNode.get(target)?.type ?? '');
    const initPort = targetSpec !== undefined && initialStatePorts(targetSpec, targetSpec.params.parse(docNode.get(target)!.params)).has(e.target.port);

    if (tp.kind === 'vector') {
      // into a vector: from the source's last step (LastStep, a final state) or its one copy
      const from = sp.kind === 'vector' ? S.get(0) : S.get(lastStep);
      const tgt = N.get(0);
      if (from !== undefined && tgt !== undefined) push({ id: `${e.id}@v`, source: from, target: tgt, kind: sp.kind === 'vector' ? 'within' : 'vector', ...base, ...(sp.kind !== 'vector' && carried ? { valueStep: lastStep } : {}) });
      continue;
    }
    if (sp.kind === 'vector' || !carried) {
      // a vector read per step: into the first step only for an initial state, else into every step
      const from = sp.kind === 'vector' ? S.get(0) : S.get(lastStep);
      if (from === undefined) continue;
      for (const [s, tgt] of N) {
        if (initPort && s !== 1) continue;
        push({ id: `${e.id}@${s}`, source: from, target: tgt, kind: initPort ? 'init' : 'vector', ...base });
      }
      continue;
    }
    if (sp.axis !== tp.axis) {
      // an attention's memory: the whole other-axis sequence, drawn from its last step shown
      const from = S.get(lastStep);
      if (from === undefined) continue;
      for (const [s, tgt] of N) push({ id: `${e.id}@${s}`, source: from, target: tgt, kind: 'memory', ...base, valueStep: lastStep });
      continue;
    }
    for (const [s, tgt] of N) {
      const from = S.get(s - d);
      if (from !== undefined) {
        push({ id: `${e.id}@${s}`, source: from, target: tgt, kind: d > 0 ? 'delay' : 'within', ...base, valueStep: s - d });
        continue;
      }
      // before the first step: the Delay's initial value
      if (d > 0 && s - d === 0 && init !== undefined) {
        const iv = inst.get(init.source.node as string);
        const ip = placement.get(init.source.node as string);
        const from0 = ip?.kind === 'vector' ? iv?.get(0) : iv?.get(lastStep);
        if (from0 !== undefined) push({ id: `${e.id}@init`, source: from0, target: tgt, kind: 'init', docEdge: init.id as string, port: e.target.port, label: `${label} (init)`, ...(values.get(`${init.source.node}.${init.source.port}`) === undefined ? {} : { value: values.get(`${init.source.node}.${init.source.port}`)! }) });
      }
    }
  }

  // A composite's own states: its inner Delays (a state the cell also hands to a document Delay is drawn here too).
  for (const op of plan.ops) {
    if (op.kind !== 'delay' || isDocDelay(op) || op.inputs.in === undefined) continue;
    const N = inst.get(op.origin);
    if (N === undefined) continue;
    const source = op.inputs.in;
    const reversed = plan.recurrences.some((r) => r.source === source && r.reversed === true);
    const name = op.node.slice(op.origin.length + 1).replace(/_prev$/, '');
    for (const [s, tgt] of N) {
      const from = N.get(reversed ? s + 1 : s - 1);
      if (from === undefined) continue;
      push({ id: `${op.node}@${s}`, source: from, target: tgt, kind: 'state', label: name, value: source, valueStep: reversed ? s + 1 : s - 1 });
    }
  }
  return { steps: k, first, columns, nodes, edges, loops, twoAxes };
}
