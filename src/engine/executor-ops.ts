import type { AttendContext, SequenceContext } from '../nodes/kernel-types';
import { ExecError } from './executor-types';
import { mirrorRow, reverseSteps } from './executor-rows';
import type { ExecState } from './executor-state';
import type { Tensor } from './tensor';

/**
 * Each op kind's forward and backward over the executor's state (`ExecState`, internal): per-step
 * kernel ops over rows (a step in a loop, a range of steps when batched), vector ops, `sequence` and
 * `attend` ops with their probes, and Reverse. The executor picks which runs when; these write values,
 * accumulate gradients with `+=` and return what the backward needs.
 */

/** A per-step kernel op over rows `[r0, r1)` (one step in a loop, a range of steps when batched). */
export function runRows(s: ExecState, k: number, r0: number, r1: number): unknown {
  const inputs: Record<string, Tensor> = {};
  for (const p of s.ins[k]) inputs[p.port] = s.argRows(p.buf, r0, r1);
  const mask: Tensor = { shape: [r1 - r0], data: s.masks[s.opAxis[k]].subarray(r0, r1) };
  const res = s.backend.forward(s.call(k), inputs, s.params[k], { mask, ...s.randomness(k, r1 - r0) });
  for (const p of s.outs[k]) s.writeRows(p.buf, r0, r1, res.outputs[p.port].data, s.width[p.buf]);
  const rows = s.lossRows.get(k);
  if (rows !== undefined) {
    rows.set(res.outputs.rows.data, r0);
    s.lossScale.set(k, 1);
  }
  return res.saved;
}

export function backRows(s: ExecState, k: number, r0: number, r1: number, saved: unknown): void {
  const inputs: Record<string, Tensor> = {};
  for (const p of s.ins[k]) inputs[p.port] = s.argRows(p.buf, r0, r1);
  const gradOut: Record<string, Tensor> = s.lossRows.has(k) ? s.lossSeed(k, r0, r1, true) : {};
  for (const p of s.outs[k]) gradOut[p.port] = s.gradRows(p.buf, r0, r1);
  const res = s.backend.backward(s.call(k), gradOut, saved, inputs, s.params[k]);
  for (const p of s.ins[k]) {
    const g = res.inputs[p.port];
    if (g === undefined || s.isIndex[p.buf]) continue;
    const acc = s.grads[p.buf];
    const w = s.width[p.buf];
    if (s.perStep[p.buf]) {
      const off = r0 * w;
      for (let j = 0; j < g.data.length; j++) acc[off + j] += g.data[j];
    } else {
      // a vector read at every step: its gradient sums over the steps
      for (let j = 0; j < g.data.length; j++) acc[j % acc.length] += g.data[j];
    }
  }
  s.addParamGrads(k, res.params);
}

/** A vector op (once per forward): LastStep, or a kernel op over `[B, D]` rows. */
export function runVector(s: ExecState, k: number): void {
  const op = s.plan.ops[k];
  if (op.kind === 'last-step') {
    const src = s.inBuf(k);
    const out = s.outs[k][0].buf;
    const w = s.width[out];
    const x = s.vals[src];
    const y = s.vals[out];
    const lengths = s.lens[s.bufAxis[src]];
    for (let b = 0; b < s.B; b++) {
      const r = (lengths[b] - 1) * s.B + b; // row of step τ_b
      for (let j = 0; j < w; j++) y[b * w + j] = x[r * w + j];
    }
    return;
  }
  const inputs: Record<string, Tensor> = {};
  for (const p of s.ins[k]) inputs[p.port] = { shape: s.isIndex[p.buf] ? [s.B] : [s.B, s.width[p.buf]], data: s.vals[p.buf] };
  const res = s.backend.forward(s.call(k), inputs, s.params[k], { mask: { shape: [s.B], data: s.ones }, ...s.randomness(k, s.B) });
  for (const p of s.outs[k]) s.vals[p.buf].set(res.outputs[p.port].data);
  const rows = s.lossRows.get(k);
  if (rows !== undefined) {
    rows.set(res.outputs.rows.data);
    s.lossScale.set(k, 1);
  }
  s.once[k] = res.saved;
}

/** The backward of `runVector`; a LastStep whose τ_b lies before the window step `lo` sends nothing back. */
export function backVector(s: ExecState, k: number, lo: number): void {
  const op = s.plan.ops[k];
  const { B } = s;
  if (op.kind === 'last-step') {
    const src = s.inBuf(k);
    const w = s.width[src];
    const gy = s.grads[s.outs[k][0].buf];
    const gx = s.grads[src];
    const a = s.bufAxis[src];
    for (let b = 0; b < B; b++) {
      const t = s.lens[a][b] - 1;
      if (a === 0 && t < lo) continue; // τ_b lies before the window
      for (let j = 0; j < w; j++) gx[(t * B + b) * w + j] += gy[b * w + j];
    }
    return;
  }
  const inputs: Record<string, Tensor> = {};
  for (const p of s.ins[k]) inputs[p.port] = { shape: s.isIndex[p.buf] ? [B] : [B, s.width[p.buf]], data: s.vals[p.buf] };
  const gradOut: Record<string, Tensor> = s.lossRows.has(k) ? s.lossSeed(k, 0, B, false) : {};
  for (const p of s.outs[k]) gradOut[p.port] = { shape: [B, s.width[p.buf]], data: s.grads[p.buf].slice() };
  const res = s.backend.backward(s.call(k), gradOut, s.once[k], inputs, s.params[k]);
  for (const p of s.ins[k]) {
    const g = res.inputs[p.port];
    if (g === undefined || s.isIndex[p.buf]) continue;
    const acc = s.grads[p.buf];
    for (let j = 0; j < g.data.length; j++) acc[j] += g.data[j];
  }
  s.addParamGrads(k, res.params);
}

// ——— whole-sequence ops ———

function seqContext(s: ExecState, axis: 0 | 1 = 0): SequenceContext {
  return { B: s.B, T: s.Ts[axis], lengths: s.lens[axis] };
}

function seqInputs(s: ExecState, k: number): Record<string, Tensor> {
  const inputs: Record<string, Tensor> = {};
  for (const p of s.ins[k]) inputs[p.port] = s.argRows(p.buf, 0, s.Ts[s.bufAxis[p.buf]] * s.B);
  return inputs;
}

/** A `sequence` op over all steps: x: (T·B, D) rows in, masked outputs written. */
export function runSequence(s: ExecState, k: number): unknown {
  const a = s.opAxis[k];
  const res = s.seqKernels[k]!.forward(seqInputs(s, k), s.params[k], s.plan.ops[k].attrs, seqContext(s, a));
  for (const p of s.outs[k]) s.writeRows(p.buf, 0, s.Ts[a] * s.B, res.outputs[p.port].data, s.width[p.buf]);
  return res.saved;
}

export function backSequence(s: ExecState, k: number, saved: unknown): void {
  const a = s.opAxis[k];
  const n = s.Ts[a] * s.B;
  const gradOut: Record<string, Tensor> = {};
  for (const p of s.outs[k]) gradOut[p.port] = s.gradRows(p.buf, 0, n);
  const res = s.seqKernels[k]!.backward(gradOut, saved, seqInputs(s, k), s.params[k], s.plan.ops[k].attrs, seqContext(s, a));
  for (const p of s.ins[k]) {
    const g = res.inputs[p.port];
    if (g === undefined || s.isIndex[p.buf]) continue;
    const acc = s.grads[p.buf];
    if (s.perStep[p.buf]) for (let j = 0; j < g.data.length; j++) acc[j] += g.data[j];
    else for (let j = 0; j < g.data.length; j++) acc[j % acc.length] += g.data[j];
  }
  s.addParamGrads(k, res.params);
}

/** `Executor.sequenceProbes`. */
export function sequenceProbes(s: ExecState, node: string): Readonly<Record<string, Tensor>> {
  const k = s.plan.ops.findIndex((op) => op.node === node && op.kind === 'sequence');
  if (k < 0) throw new ExecError('exec-not-ready', `"${node}" is not a whole-sequence node of the plan`);
  const seg = s.segments[k]?.[0];
  if (seg === undefined) throw new ExecError('exec-not-ready', `node "${node}" has not run; call forward() first`);
  return s.seqKernels[k]!.probes?.(seg.saved, seqContext(s, s.opAxis[k])) ?? {};
}

// ——— attention ———

function attendContext(s: ExecState, k: number): AttendContext {
  const memory = s.buf(s.plan.ops[k].inputs.memory);
  const a = s.bufAxis[memory];
  return { B: s.B, Tm: s.Ts[a], lengths: s.lens[a] };
}

function attendInputs(s: ExecState, k: number, r0: number, r1: number): Record<string, Tensor> {
  const inputs: Record<string, Tensor> = {};
  for (const p of s.ins[k]) {
    if (p.port !== 'memory') inputs[p.port] = s.argRows(p.buf, r0, r1);
    else inputs.memory = { shape: [s.Ts[s.bufAxis[p.buf]] * s.B, s.width[p.buf]], data: s.vals[p.buf] };
  }
  return inputs;
}

/** An `attend` op for query rows `[r0, r1)` over the whole memory: masked outputs written. */
export function runAttend(s: ExecState, k: number, r0: number, r1: number): unknown {
  const res = s.attendKernels[k]!.forward(attendInputs(s, k, r0, r1), s.params[k], s.plan.ops[k].attrs, attendContext(s, k));
  for (const p of s.outs[k]) s.writeRows(p.buf, r0, r1, res.outputs[p.port].data, s.width[p.buf]);
  return { saved: res.saved, r0, r1 };
}

export function backAttend(s: ExecState, k: number, r0: number, r1: number, run: unknown): void {
  const { saved } = run as { saved: unknown };
  const gradOut: Record<string, Tensor> = {};
  for (const p of s.outs[k]) gradOut[p.port] = s.gradRows(p.buf, r0, r1);
  const res = s.attendKernels[k]!.backward(gradOut, saved, attendInputs(s, k, r0, r1), s.params[k], s.plan.ops[k].attrs, attendContext(s, k));
  for (const p of s.ins[k]) {
    const g = res.inputs[p.port];
    if (g === undefined || s.isIndex[p.buf]) continue;
    const acc = s.grads[p.buf];
    const w = s.width[p.buf];
    if (p.port === 'memory') for (let j = 0; j < g.data.length; j++) acc[j] += g.data[j];
    else if (s.perStep[p.buf]) for (let j = 0; j < g.data.length; j++) acc[r0 * w + j] += g.data[j];
    else for (let j = 0; j < g.data.length; j++) acc[j % acc.length] += g.data[j];
  }
  s.addParamGrads(k, res.params);
}

/** `Executor.attentionProbes`. */
export function attentionProbes(s: ExecState, node: string): Readonly<Record<string, Tensor>> {
  const k = s.plan.ops.findIndex((op) => op.node === node && op.kind === 'attend');
  if (k < 0) throw new ExecError('exec-not-ready', `"${node}" is not an attention node of the plan`);
  const runs: { saved: unknown; r0: number; r1: number }[] = s.plan.ops[k].perStep ? [...(s.stepSaved[k] ?? []), ...(s.segments[k] ?? []).map((x) => x.saved)].filter((x) => x !== undefined) as never : [];
  if (runs.length === 0) throw new ExecError('exec-not-ready', `node "${node}" has not run; call forward() first`);
  const { B } = s;
  const Tq = s.Ts[s.opAxis[k]];
  const mask = s.masks[s.opAxis[k]];
  const ctx = attendContext(s, k);
  const out: Record<string, Tensor> = {};
  for (const run of runs) {
    for (const [name, t] of Object.entries(s.attendKernels[k]!.probes(run.saved, ctx))) {
      const w = t.shape.length > 1 ? t.shape[1] : 1;
      const dst = (out[name] ??= { shape: w > 1 || t.shape.length > 1 ? [B, Tq, w] : [B, Tq], data: new Float64Array(B * Tq * w) });
      for (let r = run.r0; r < run.r1; r++) {
        const step = Math.floor(r / B);
        const b = r % B;
        const m = mask[r];
        for (let j = 0; j < w; j++) dst.data[(b * Tq + step) * w + j] = m * t.data[(r - run.r0) * w + j];
      }
    }
  }
  return out;
}

// ——— Reverse ———

/** Reverse over all steps: y_{b,t} = x_{b,τ_b−1−t} (0-based), zero at padded steps. */
export function runReverse(s: ExecState, k: number): null {
  const { B } = s;
  const a = s.opAxis[k];
  const T = s.Ts[a];
  const out = s.outs[k][0].buf;
  const w = s.width[out];
  const y = reverseSteps(s.vals[s.inBuf(k)], s.lens[a], B, T, w); // (T,B,D)
  s.writeRows(out, 0, T * B, y, w);
  return null;
}

/** The same permutation backwards: ∂x_{b,τ_b−1−t} += ∂y_{b,t}. */
export function backReverse(s: ExecState, k: number): void {
  const { B } = s;
  const a = s.opAxis[k];
  const T = s.Ts[a];
  const src = s.inBuf(k);
  const w = s.width[src];
  const gy = s.grads[s.outs[k][0].buf];
  const gx = s.grads[src];
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      const r = mirrorRow(t, b, s.lens[a][b], B);
      if (r < 0) continue;
      for (let j = 0; j < w; j++) gx[r * w + j] += gy[(t * B + b) * w + j];
    }
  }
}
