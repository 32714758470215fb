import { compile } from '../compiler/compile';
import { expandGraph, type ExpandedComposite } from '../compiler/expand';
import type { Plan } from '../compiler/plan';
import type { Backend } from '../engine/backend';
import { bpttGradients, tbpttChunks } from '../engine/bptt';
import { clipGradients, gradNorms as globalNorms, type NamedGrad } from '../engine/clip';
import { Executor } from '../engine/executor';
import { PascanuError, pascanuTerm, resolvePascanu } from '../engine/pascanu';
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
 *   input_grads.init.<layer>.{h,c}, pascanu.{lambda,omega,grads.*,loss_total,grads_total.*} (Ω on the
 *   full pass, `engine/pascanu.ts`), tbptt[i].{steps,loss,grads.*}, and the model's own outputs
 *   (`outputs.mul.y`, `outputs.mem.{read,query,p}`, `outputs.jordan.h`, `outputs.attn.{out,alpha}`)
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

  // Initial states given by the batch go to the cell's Delays (the stateful-run entry point): every
  // Delay that carries the state (an RNN with a skip connection reads h through two).
  const delaysOf = new Map<string, string[]>(); // `<layer>.<h|c>` → Delay nodes
  for (const r of plan.recurrences) {
    const carriers = plan.ops.filter((op) => op.kind === 'delay' && op.inputs.in === r.source).map((op) => op.node);
    delaysOf.set(r.name === r.node ? `${r.node}.h` : r.name, carriers);
  }
  const initialStates = new Map<string, Float64Array>();
  const givenDelay = new Map<string, string[]>(); // `init.<layer>.<h|c>` → Delay nodes
  for (const [key, v] of c.given) {
    const delays = delaysOf.get(key.slice('init.'.length));
    if (delays === undefined) throw new CaseError('case-invalid', `batch.${key}`, 'names no state of a layer of the graph');
    for (const d of delays) initialStates.set(d, v);
    givenDelay.set(key, delays);
  }

  const full = bpttGradients(exec, c.feed, { initialStates });
  out.set('loss', { shape: [], data: [full.loss.total] });
  const head = c.graph.head === null ? undefined : exec.plan.ops.find((op) => op.node === c.graph.head!.id);
  if (head !== undefined) out.set('outputs.logits', exec.value(head.outputs.out));
  out.set('outputs.step_loss', exec.stepLosses(c.graph.loss));

  // A bidirectional layer's backward direction runs on reversed sequences: its final state is h←_1
  // as carried, its per-step values and norms are reported at original time.
  const lengths = c.feed.lengths;
  const timed = (v: { shape: number[]; data: Float64Array }, reversed: boolean | undefined) => (reversed === true ? originalTime(v, lengths) : v);
  const finals = exec.finalStates();
  const own = c.graph.hiddenStates ?? {};
  for (const r of plan.recurrences) {
    if (own[r.node] !== undefined) continue; // its Delay carries something else than h
    const state = r.name === r.node ? 'h' : r.name.slice(r.node.length + 1);
    out.set(`outputs.${r.node}.${state}`, timed(exec.value(r.source), r.reversed));
    out.set(`outputs.${r.node}.final.${state}`, { shape: [B, r.dim], data: finals.get(r.delay)! });
  }
  for (const p of plan.probes) out.set(`outputs.${p.node}.gates.${p.name}`, timed(exec.value(p.value), p.reversed));
  full.norms.forEach((n, i) => {
    if (own[n.node] !== undefined) return;
    const state = n.name === n.node ? 'h' : n.name.slice(n.node.length + 1);
    const Tn = n.perStep.length; // the state's own time axis (a decoder's runs on the target axis)
    const perSample = timed({ shape: [B, Tn], data: n.perSample }, plan.recurrences[i]?.reversed).data;
    const perStep = new Float64Array(Tn);
    for (let t = 0; t < Tn; t++) {
      let s = 0;
      for (let b = 0; b < B; b++) s += perSample[b * Tn + t] ** 2;
      perStep[t] = Math.sqrt(s);
    }
    out.set(`dL_d${state}_norm.${n.node}`, { shape: [Tn], data: perStep });
    out.set(`dL_d${state}_norm_per_sample.${n.node}`, { shape: [B, Tn], data: perSample });
  });
  const composites = Object.keys(c.graph.outputs).length > 0 || c.graph.hiddenStates !== undefined ? expandGraph(c.doc).composites : [];
  for (const [key, o] of Object.entries(c.graph.outputs)) {
    if (o.probe !== undefined) {
      const attend = exec.plan.ops.some((op) => op.node === o.value && op.kind === 'attend');
      const t = (attend ? exec.attentionProbes(o.value) : exec.sequenceProbes(o.value))[o.probe];
      if (t === undefined) throw new CaseError('case-graph', `outputs.${key}`, `node "${o.value}" has no probe "${o.probe}"`);
      out.set(`outputs.${key}`, { shape: [...t.shape], data: t.data.slice() });
      continue;
    }
    const id = valueOf(o.value, composites);
    out.set(`outputs.${key}`, o.layout === 'hops' ? hopsFirst(exec.value(id), B) : exec.value(id));
  }
  for (const [layer, port] of Object.entries(own)) {
    const id = valueOf(port, composites);
    const h = exec.value(id); // (B,T,H)
    const H = h.shape[2];
    const final = new Float64Array(B * H); // h at τ_b
    for (let b = 0; b < B; b++) final.set(h.data.subarray((b * T + c.feed.lengths[b] - 1) * H, (b * T + c.feed.lengths[b]) * H), b * H);
    out.set(`outputs.${layer}.h`, h);
    out.set(`outputs.${layer}.final.h`, { shape: [B, H], data: final });
    const n = gradNorms(exec, id);
    out.set(`dL_dh_norm.${layer}`, { shape: [T], data: n.perStep });
    out.set(`dL_dh_norm_per_sample.${layer}`, { shape: [B, T], data: n.perSample });
  }
  const initial = exec.initialStateGradients();
  for (const [key, delays] of givenDelay) {
    const g = initial.get(delays[0])!.slice(); // ∂L/∂s_0: (B,H), summed over the Delays that read it
    for (const d of delays.slice(1)) initial.get(d)!.forEach((v, i) => (g[i] += v));
    out.set(`input_grads.${key}`, { shape: [B, g.length / B], data: g });
  }

  const grads = caseGrads(plan, full.grads, c);
  putGrads(out, 'grads', grads, store, c);
  out.set('grad_norm', { shape: [], data: [globalNorms(grads).global] });
  if (c.clip !== undefined) {
    const clipped = grads.map((g) => ({ name: g.name, grad: g.grad.slice() }));
    const report = clipGradients(clipped, c.clip);
    out.set('clip.max', { shape: [], data: [c.clip.max] });
    putGrads(out, 'clipped_grads', clipped, store, c);
    out.set('clipped_grad_norm', { shape: [], data: [report.postNorm] });
  }
  // Last on the full pass: Ω's extra backward overwrites the executor's gradients.
  if (c.pascanu !== undefined) putPascanu(out, c, exec, full, store);

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

function putPascanu(out: CaseResult, c: LoadedCase, exec: Executor, full: { loss: { total: number }; grads: ReadonlyMap<string, Float64Array> }, store: WeightStore): void {
  let r: ReturnType<typeof pascanuTerm>;
  try {
    r = pascanuTerm(exec, resolvePascanu(exec.plan, c.doc.nodes, c.pascanu!), { total: full.loss.total, grads: full.grads });
  } catch (e) {
    if (e instanceof PascanuError) throw new CaseError('case-run', 'training.pascanu', e.message);
    throw e;
  }
  out.set('pascanu.lambda', { shape: [], data: [r.lambda] });
  out.set('pascanu.omega', { shape: [], data: [r.omega] });
  out.set('pascanu.loss_total', { shape: [], data: [r.lossTotal] });
  putGrads(out, 'pascanu.grads', caseGrads(exec.plan, r.grads, c), store, c);
  putGrads(out, 'pascanu.grads_total', caseGrads(exec.plan, r.gradsTotal, c), store, c);
}

/** A per-step value `[B, T, …]` with each sample's valid steps in reverse order (`t ↦ τ_b − 1 − t`); padded steps stay. */
function originalTime(v: { shape: number[]; data: Float64Array }, lengths: ArrayLike<number>): { shape: number[]; data: Float64Array } {
  const [B, T] = v.shape;
  const D = v.data.length / (B * T);
  const data = new Float64Array(v.data.length);
  for (let b = 0; b < B; b++) {
    const tau = lengths[b];
    for (let t = 0; t < T; t++) {
      const from = t < tau ? tau - 1 - t : t;
      data.set(v.data.subarray((b * T + from) * D, (b * T + from + 1) * D), (b * T + t) * D);
    }
  }
  return { shape: v.shape, data };
}

/** A value `[B, M, hops]` (one step per memory slot, the hops as features) as `[B, hops, M]`. */
function hopsFirst(v: { shape: number[]; data: Float64Array }, B: number): Leaf {
  const [, M, H] = v.shape.length === 3 ? v.shape : [B, v.shape[1], 1];
  const data = new Float64Array(B * H * M);
  for (let b = 0; b < B; b++) for (let m = 0; m < M; m++) for (let h = 0; h < H; h++) data[(b * H + h) * M + m] = v.data[(b * M + m) * H + h];
  return { shape: [B, H, M], data };
}

/** The plan value of a document port `<node>.<port>`: a composite's output is an inner node's. */
function valueOf(port: string, composites: readonly ExpandedComposite[]): string {
  const dot = port.indexOf('.');
  const [node, name] = [port.slice(0, dot), port.slice(dot + 1)];
  const src = composites.find((x) => x.id === node)?.outputs.find((o) => o.port === name)?.source;
  return src === undefined ? port : `${src.node}.${src.port}`;
}

/** `‖∂L/∂v_t‖` over [B,D] per step (T) and per sample (B,T) of a per-step value, zero at padded steps. */
function gradNorms(exec: Executor, id: string): { perStep: Float64Array; perSample: Float64Array } {
  const [B, T] = [exec.batchSize, exec.stepCount];
  const g = exec.rawGradient(id); // (T,B,D)
  const mask = exec.maskTimeMajor();
  const D = g.length / (T * B);
  const perStep = new Float64Array(T);
  const perSample = new Float64Array(B * T);
  for (let t = 0; t < T; t++) {
    let total = 0;
    for (let b = 0; b < B; b++) {
      if (mask[t * B + b] === 0) continue;
      let s = 0;
      for (let j = 0; j < D; j++) s += g[(t * B + b) * D + j] ** 2;
      perSample[b * T + t] = Math.sqrt(s);
      total += s;
    }
    perStep[t] = Math.sqrt(total);
  }
  return { perStep, perSample };
}
