import { initialStatePorts } from '../nodes/fused';
import type { ExpandedComposite } from './expand';
import type { Phase, Plan, PlanOp } from './plan';

/**
 * Optional compiler pass after `plan.ts`: replaces the inner ops of every composite node that has a
 * fused step kernel (`NodeSpec.fused`, e.g. RNN, LSTM, GRU) by one op of type `<Kind>.step`, which
 * the backend runs with `fused.step`. The composite's Delays stay (they carry the states and freeze
 * them past `τ_b`, as on the decomposed path, and read an initial state `h0`/`c0` on their `init`);
 * the fused op reads the outer inputs other than those initial states and each Delay's output
 * (`h_prev`, `c_prev`) and writes the state values under the ids the decomposition gave them,
 * so losses and readouts are unchanged. The inner values are gone, so the composite's probes (gate
 * activations) are dropped from the plan, and so is the recorded `‖∂L/∂s_t‖` of a state that the cell
 * also reads inside the step (an LSTM's `c`): compile without `fused` to see them.
 */

export const FUSED_SUFFIX = '.step';

export function fuseCells(plan: Plan, composites: readonly ExpandedComposite[]): Plan {
  let ops = [...plan.ops];
  const phases: Phase[] = [...plan.phases];
  let buffers = [...plan.buffers];
  let params = [...plan.params];
  let probes = [...plan.probes];
  let recurrences = [...plan.recurrences];
  const fused: string[] = [];

  for (const c of composites) {
    const cell = c.spec.fused;
    if (cell === undefined || fused.some((f) => c.id.startsWith(`${f}.`))) continue;
    const states = cell.states(c.params);
    const outs = new Map(c.outputs.map((o) => [o.port, `${o.source.node}.${o.source.port}`]));
    if (c.outputs.some((o) => !states.some((s) => s.output === o.port))) continue;
    const delays = new Set(states.map((s) => `${c.id}.${s.previous}`));
    const inner = (op: PlanOp) => op.node.startsWith(`${c.id}.`) && !delays.has(op.node);
    const removed = ops.filter(inner);
    const loops = phases.filter((ph) => ph.kind === 'loop' && ph.ops.some((k) => inner(ops[k])));
    if (removed.length === 0 || loops.length !== 1) continue; // not one recurrence: keep it decomposed

    // The outer inputs the step reads; an initial state (`h0`, `c0`) feeds its Delay's `init` only.
    const initPorts = initialStatePorts(c.spec, c.params);
    const inputs: Record<string, string> = {};
    for (const [port, src] of Object.entries(c.feeds)) if (!initPorts.has(port)) inputs[port] = `${src.node}.${src.port}`;
    for (const s of states) inputs[s.previous] = `${c.id}.${s.previous}.out`;
    const outputs: Record<string, string> = {};
    for (const s of states) outputs[s.output] = outs.get(s.output)!;
    const inits = new Set(states.flatMap((s) => (s.init === undefined ? [] : [`${c.id}.${s.init}`])));
    const opParams: Record<string, string> = {};
    for (const p of params) {
      if (p.name.startsWith(`${c.id}.`) && !inits.has(p.name) && removed.some((o) => o.node === p.node)) opParams[p.name.slice(c.id.length + 1)] = p.name;
    }
    const op: PlanOp = { node: c.id, type: `${c.spec.type}${FUSED_SUFFIX}`, kind: 'kernel', origin: removed[0].origin, attrs: c.params as Record<string, unknown>, inputs, outputs, params: opParams, perStep: true, ...(removed[0].axis === 1 ? { axis: 1 as const } : {}) };

    const kept = new Set(Object.values(outputs));
    const gone = new Set(removed.flatMap((o) => Object.values(o.outputs)).filter((v) => !kept.has(v)));
    const before = ops;
    ops = [...ops.filter((o) => !inner(o)), op];
    const remap = (k: number) => ops.indexOf(before[k]);
    for (let i = 0; i < phases.length; i++) {
      const ph = phases[i];
      const list = ph.ops.filter((k) => !inner(before[k])).map(remap);
      if (ph.kind !== 'loop') phases[i] = { ...ph, ops: list };
      else {
        // the loop that held the cell's recurrence takes the fused op (an inner projection outside it goes too)
        if (ph === loops[0]) list.push(ops.length - 1);
        phases[i] = { ...ph, ops: sortLoop(ops, list), delays: ph.delays.map(remap) };
      }
    }
    // A state that other inner ops also read (an LSTM's c) has only part of ∂L/∂state outside the
    // fused op, so its total derivative cannot be recorded on this path.
    const readInside = new Set(removed.flatMap((o) => Object.values(o.inputs)));
    recurrences = recurrences.filter((r) => !(Object.values(outputs).includes(r.source) && readInside.has(r.source)));
    buffers = buffers.filter((b) => !gone.has(b.id));
    params = params.map((p) => (opParams[p.name.slice(c.id.length + 1)] === p.name ? { ...p, node: c.id, param: p.name.slice(c.id.length + 1) } : p));
    probes = probes.filter((p) => !gone.has(p.value));
    fused.push(c.id);
  }
  if (fused.length === 0) return plan;

  // Execution order = phase order; op indexes are rebuilt to follow it.
  const live = phases.filter((p) => p.ops.length > 0);
  const order = live.flatMap((p) => p.ops);
  const index = new Map(order.map((k, i) => [k, i]));
  const at = (k: number) => index.get(k)!;
  return {
    ...plan,
    ops: order.map((k) => ops[k]),
    phases: live.map((p) => ({ ...p, ops: p.ops.map(at), ...(p.kind === 'loop' ? { delays: p.delays.map(at) } : {}) }) as Phase),
    buffers,
    params,
    probes,
    recurrences,
    losses: plan.losses.map((l) => ({ ...l, op: at(ops.indexOf(plan.ops[l.op])) })),
  };
}

/** Orders a loop's ops so that each runs after the ops of the loop that produce its inputs (stable). */
function sortLoop(ops: readonly PlanOp[], list: readonly number[]): number[] {
  const producer = new Map<string, number>();
  for (const k of list) for (const v of Object.values(ops[k].outputs)) producer.set(v, k);
  const done = new Set<number>();
  const out: number[] = [];
  while (out.length < list.length) {
    const before = out.length;
    for (const k of list) {
      if (done.has(k)) continue;
      const deps = ops[k].kind === 'delay' ? [] : Object.values(ops[k].inputs).map((v) => producer.get(v));
      if (deps.every((d) => d === undefined || d === k || done.has(d))) {
        done.add(k);
        out.push(k);
      }
    }
    if (out.length === before) throw new Error('fuseCells: a loop without a Delay between its ops');
  }
  return out;
}
