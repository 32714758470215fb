import { compile } from '../compiler/compile';
import type { Plan } from '../compiler/plan';
import type { Backend } from '../engine/backend';
import { bpttGradients, tbpttChunks } from '../engine/bptt';
import { clipGradients, gradNorms, type NamedGrad } from '../engine/clip';
import { Executor } from '../engine/executor';
import { WeightStore } from '../engine/weights';
import { CaseError } from './errors';
import type { Leaf } from './flatten';
import type { LoadedCase } from './load';

/**
 * Runs a loaded case on a backend, forward and backward, the way training does: `compile()` (the
 * default, decomposed plan, so gate probes and every state's gradient are there), weights from the
 * document (`WeightStore.fromDocument`), `bpttGradients`, `tbpttChunks` for truncation, `clipGradients`
 * for clipping, and the telemetry records (`recurrenceGradNorms`, the plan's probes) for norms through
 * time and gates. The result is a flat map from the case README's paths to values:
 *
 *   loss, outputs.logits, outputs.step_loss, outputs.<layer>.{h,c}, outputs.<layer>.final.{h,c},
 *   outputs.<layer>.gates.<gate>, grads.<case weight name>, grad_norm, clip.{max}, clipped_grads.*,
 *   clipped_grad_norm, dL_dh_norm.<layer>, dL_dh_norm_per_sample.<layer>, dL_dc_norm…,
 *   input_grads.init.<layer>.{h,c}, tbptt[i].{steps,loss,grads.*}
 */
export type CaseResult = Map<string, Leaf>;

function compilePlan(c: LoadedCase): Plan {
  const r = compile(c.doc);
  if (!r.ok) throw new CaseError('case-graph', 'model', `the graph does not compile: ${r.problems.map((p) => `node ${p.nodeId}: ${p.message} [${p.code}]`).join('; ')}`);
  return r.plan;
}

function loadWeights(c: LoadedCase, plan: Plan): WeightStore {
  const r = WeightStore.fromDocument(plan, c.doc.weights);
  if (!r.ok) throw new CaseError('case-graph', 'weights', r.problems.map((p) => `${c.names.toCase(p.name)}: ${p.message} [${p.code}]`).join('; '));
  return r.store;
}

/** Trainable gradients in plan order, named as in the case. */
function caseGrads(plan: Plan, grads: ReadonlyMap<string, Float64Array>, c: LoadedCase): NamedGrad[] {
  return plan.params.filter((p) => p.trainable).map((p) => ({ name: c.names.toCase(p.name), grad: grads.get(p.name)!.slice() }));
}

function putGrads(out: CaseResult, prefix: string, grads: readonly NamedGrad[], store: WeightStore, c: LoadedCase): void {
  for (const g of grads) out.set(`${prefix}.${g.name}`, { shape: store.shape(c.names.toUnroll(g.name)), data: g.grad });
}

export function runCase(c: LoadedCase, backend: Backend): CaseResult {
  const plan = compilePlan(c);
  const store = loadWeights(c, plan);
  let exec: Executor;
  try {
    exec = new Executor(plan, store, backend);
  } catch (e) {
    throw new CaseError('case-run', undefined, (e as Error).message);
  }
  const { B, T } = { B: c.feed.lengths.length, T: c.feed.T };
  const out: CaseResult = new Map();

  // Initial states given by the batch go to the cell's Delays (the stateful-run entry point).
  const delayOf = new Map<string, string>(); // `<layer>.<h|c>` → Delay node
  for (const r of plan.recurrences) delayOf.set(r.name === r.node ? `${r.node}.h` : r.name, r.delay);
  const initialStates = new Map<string, Float64Array>();
  const givenDelay = new Map<string, string>(); // `init.<layer>.<h|c>` → Delay node
  for (const [key, v] of c.given) {
    const delay = delayOf.get(key.slice('init.'.length));
    if (delay === undefined) throw new CaseError('case-invalid', `batch.${key}`, 'names no state of a layer of the graph');
    initialStates.set(delay, v);
    givenDelay.set(key, delay);
  }

  const full = bpttGradients(exec, c.feed, { initialStates });
  out.set('loss', { shape: [], data: [full.loss.total] });
  const head = exec.plan.ops.find((op) => op.node === c.graph.head.id)!;
  out.set('outputs.logits', exec.value(head.outputs.out));
  out.set('outputs.step_loss', exec.stepLosses(c.graph.loss));

  const finals = exec.finalStates();
  for (const r of plan.recurrences) {
    const state = r.name === r.node ? 'h' : r.name.slice(r.node.length + 1);
    out.set(`outputs.${r.node}.${state}`, exec.value(r.source));
    out.set(`outputs.${r.node}.final.${state}`, { shape: [B, r.dim], data: finals.get(r.delay)! });
  }
  for (const p of plan.probes) out.set(`outputs.${p.node}.gates.${p.name}`, exec.value(p.value));
  for (const n of full.norms) {
    const state = n.name === n.node ? 'h' : n.name.slice(n.node.length + 1);
    out.set(`dL_d${state}_norm.${n.node}`, { shape: [T], data: n.perStep });
    out.set(`dL_d${state}_norm_per_sample.${n.node}`, { shape: [B, T], data: n.perSample });
  }
  const initial = exec.initialStateGradients();
  for (const [key, delay] of givenDelay) {
    const g = initial.get(delay)!; // ∂L/∂s_0: (B,H)
    out.set(`input_grads.${key}`, { shape: [B, g.length / B], data: g });
  }

  const grads = caseGrads(plan, full.grads, c);
  putGrads(out, 'grads', grads, store, c);
  out.set('grad_norm', { shape: [], data: [gradNorms(grads).global] });
  if (c.clip !== undefined) {
    const clipped = grads.map((g) => ({ name: g.name, grad: g.grad.slice() }));
    const report = clipGradients(clipped, c.clip);
    out.set('clip.max', { shape: [], data: [c.clip.max] });
    putGrads(out, 'clipped_grads', clipped, store, c);
    out.set('clipped_grad_norm', { shape: [], data: [report.postNorm] });
  }

  if (c.tbptt !== undefined) {
    let i = 0;
    for (const chunk of tbpttChunks(exec, c.feed, c.tbptt, { initialStates })) {
      out.set(`tbptt[${i}].steps`, { shape: [2], data: [chunk.chunk.from + 1, chunk.chunk.to] });
      out.set(`tbptt[${i}].loss`, { shape: [], data: [chunk.loss.total] });
      putGrads(out, `tbptt[${i}].grads`, caseGrads(plan, chunk.grads, c), store, c);
      i++;
    }
  }
  return out;
}
