import type { Plan } from '../compiler/plan';
import { GRUParams } from '../nodes/gru';
import { LSTMParams } from '../nodes/lstm';
import { RNNParams } from '../nodes/rnn';
import type { Executor } from './executor';
import { gruStepper, lstmStepper, mtv, outer, stepOmega, type StepIO } from './pascanu-gated';

/**
 * The per-cell rules of the Pascanu regulariser (`pascanu.ts`): which nodes it takes and, per cell,
 * Ω with its gradient split into a direct part (per weight name) and seeds (per value id, laid out
 * as `Executor.rawGradient`) that one backward pass carries to every weight the seeded values
 * depend on.
 *
 * Elman cells seed `h_t` (the derivation is in `pascanu.ts`). LSTM and GRU cells (`pascanu-gated.ts`)
 * use, per valid step with `g ≠ 0`: `v = gᵀ J` with `J = ∂h_t/∂h_{t−1}` (for an LSTM at fixed
 * `c_{t−1}`), `ω = (‖v‖/‖g‖ − 1)²`, `r = ∂ω/∂v`; then `∂ω/∂θ = ∂s/∂θ` for `s = gᵀ J r` with g and r
 * held constant. `s` is a function of the cell's weights (the direct part) and of the step's inputs
 * `h_{t−1}`, `c_{t−1}` and `x_t` (the seeds, on the values the cell reads).
 */

/** The node kinds Ω is defined for. */
export const PASCANU_KINDS: readonly string[] = ['RNN', 'LSTM', 'GRU'];

interface CellBase {
  readonly node: string;
  /** Value id of h (`[T,B,H]` in the executor). */
  readonly source: string;
  readonly hidden: number;
}

export interface ElmanCell extends CellBase {
  readonly kind: 'RNN';
  /** Weight name of W `[H,H]`. */
  readonly weight: string;
  readonly activation: 'tanh' | 'relu';
}

export interface GatedCell extends CellBase {
  readonly kind: 'LSTM' | 'GRU';
  /** Value ids the cell reads at each step: its input x, h_{t−1} and (LSTM) c_{t−1}. */
  readonly input: string;
  readonly hPrev: string;
  readonly cPrev?: string;
  /** GRU: the reset applied after the recurrent product (extra `b_hh`). */
  readonly resetAfter?: boolean;
  /** GRU: the gate that keeps h_{t−1} is z (`old`) or 1 − z (`new`). */
  readonly updateConvention?: 'old' | 'new';
}

export type PascanuCell = ElmanCell | GatedCell;

/** Why a node cannot be regularised. */
export interface CellProblem {
  readonly code: 'pascanu-unknown-node' | 'pascanu-unsupported-node';
  readonly message: string;
}

/** A named node of kind RNN, LSTM or GRU, checked against its plan (fused or not). */
export function resolveCell(plan: Plan, node: { readonly id: string; readonly type: string; readonly params: Readonly<Record<string, unknown>> }): PascanuCell | CellProblem {
  const id = node.id;
  const unsupported = (message: string): CellProblem => ({ code: 'pascanu-unsupported-node', message });
  const rec = plan.recurrences.find((r) => r.node === id && r.name === id);
  const missing = (what: string): CellProblem => ({ code: 'pascanu-unknown-node', message: `the compiled graph has no ${what} for ${node.type} node "${id}"` });
  if (rec === undefined) return missing('state h');
  if (rec.reversed === true) return unsupported(`${node.type} node "${id}" runs backwards in time: Ω is available for forward cells only`);
  const hasWeights = (names: readonly string[]): string | undefined => names.map((n) => `${id}.${n}`).find((n) => !plan.params.some((q) => q.name === n));
  if (node.type === 'RNN') {
    const p = RNNParams.safeParse(node.params);
    if (!p.success) return unsupported(`RNN node "${id}" has invalid params: ${p.error.issues[0]?.message ?? 'unknown problem'}`);
    if (p.data.skip !== undefined) return unsupported(`RNN node "${id}" has a skip connection through time: Ω is available for RNN cells without one; remove the skip or the node from the regulariser`);
    if (hasWeights(['W']) !== undefined) return missing('weight W');
    return { kind: 'RNN', node: id, source: rec.source, weight: `${id}.W`, hidden: p.data.hidden, activation: p.data.activation };
  }
  const isLSTM = node.type === 'LSTM';
  const p = isLSTM ? LSTMParams.safeParse(node.params) : GRUParams.safeParse(node.params);
  if (!p.success) return unsupported(`${node.type} node "${id}" has invalid params: ${p.error.issues[0]?.message ?? 'unknown problem'}`);
  if ('peepholes' in p.data && p.data.peepholes) {
    return unsupported(`LSTM node "${id}" has peepholes: its gates read the cell state, which Ω's rule does not cover; turn peepholes off or leave the node out of the regulariser`);
  }
  const gates = isLSTM ? ['i', 'f', 'g', 'o'] : ['z', 'r', 'h'];
  const resetAfter = 'resetAfter' in p.data && p.data.resetAfter;
  const absent = hasWeights([...gates.flatMap((g) => [`U_${g}`, `W_${g}`, `b_${g}`]), ...(resetAfter ? ['b_hh'] : [])]);
  if (absent !== undefined) return missing(`weight "${absent}"`);
  const delayOut = (delay: string) => plan.ops.find((o) => o.kind === 'delay' && o.node === delay)?.outputs.out;
  const hPrev = delayOut(rec.delay);
  const cPrev = isLSTM ? delayOut(`${id}.c_prev`) : undefined;
  // fused: the step op reads `in`; expanded: the first gate's Linear reads it as `in0`
  const input = plan.ops.find((o) => o.node === id && o.inputs.in !== undefined)?.inputs.in ?? plan.ops.find((o) => o.node === `${id}.${gates[0]}_a`)?.inputs.in0;
  if (hPrev === undefined || (isLSTM && cPrev === undefined)) return missing(isLSTM ? 'previous states h_{t−1} and c_{t−1}' : 'previous state h_{t−1}');
  if (input === undefined) return missing('input sequence');
  const base = { node: id, source: rec.source, hidden: p.data.hidden, input, hPrev };
  if (isLSTM) return { kind: 'LSTM', ...base, cPrev };
  return { kind: 'GRU', ...base, resetAfter, updateConvention: 'updateConvention' in p.data ? p.data.updateConvention : 'old' };
}

/** One cell's Ω, the direct part of `∂Ω/∂θ` per weight name, and its seeds per value id. */
export interface CellTerm {
  readonly omega: number;
  readonly direct: ReadonlyMap<string, Float64Array>;
  readonly seeds: ReadonlyMap<string, Float64Array>;
}

/** The cell's term, after a full forward and the ordinary backward on `exec`. */
export function cellTerm(exec: Executor, cell: PascanuCell): CellTerm {
  return cell.kind === 'RNN' ? elmanTerm(exec, cell) : gatedTerm(exec, cell);
}

/** The step mask, T and g = ∂L/∂h `(T,B,H)` of a cell's time axis. */
function stepsOf(exec: Executor, cell: PascanuCell): { B: number; T: number; mask: Float64Array; g: Float64Array } {
  const axis = exec.axisOf(cell.source);
  return { B: exec.batchSize, T: exec.stepsOf(axis), mask: exec.maskTimeMajor(axis), g: exec.rawGradient(cell.source) };
}

function elmanTerm(exec: Executor, cell: ElmanCell): CellTerm {
  const { B, T, mask, g } = stepsOf(exec, cell);
  const H = cell.hidden;
  const h = exec.value(cell.source).data; // h: (B,T,H)
  const W = exec.weights.get(cell.weight); // W: (H,H), [out, in]
  const tanh = cell.activation === 'tanh';
  const dW = new Float64Array(H * H);
  const seed = new Float64Array(T * B * H);
  const u = new Float64Array(H);
  const v = new Float64Array(H);
  const r = new Float64Array(H);
  let omega = 0;
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      if (mask[t * B + b] === 0) continue;
      const gOff = (t * B + b) * H;
      const hOff = (b * T + t) * H;
      const gn = norm(g, gOff, H);
      if (gn === 0) continue;
      // u = g ⊙ φ'(a): tanh' = 1 − h², relu' = 1[h > 0]; v = Wᵀ u
      for (let i = 0; i < H; i++) {
        const y = h[hOff + i];
        u[i] = g[gOff + i] * (tanh ? 1 - y * y : y > 0 ? 1 : 0);
      }
      v.fill(0);
      mtv(W, u, v, H, H);
      omega += stepOmega(v, gn, B, r);
      // ∂ω/∂W_ij += u_i r_j; through a (tanh): a seed −2 h ⊙ g ⊙ (W r) on h_t
      outer(dW, u, r, H, H);
      if (!tanh) continue;
      for (let i = 0; i < H; i++) {
        let wr = 0;
        for (let j = 0; j < H; j++) wr += W[i * H + j] * r[j];
        seed[gOff + i] = -2 * h[hOff + i] * g[gOff + i] * wr;
      }
    }
  }
  return { omega: omega / B, direct: new Map([[cell.weight, dW]]), seeds: tanh ? new Map([[cell.source, seed]]) : new Map() };
}

function gatedTerm(exec: Executor, cell: GatedCell): CellTerm {
  const { B, T, mask, g } = stepsOf(exec, cell);
  const H = cell.hidden;
  const xv = exec.value(cell.input); // x: (B,T,I)
  const I = xv.shape[2];
  const x = xv.data;
  const hp = exec.value(cell.hPrev).data; // h_{t−1}: (B,T,H)
  const cp = cell.cPrev === undefined ? null : exec.value(cell.cPrev).data; // c_{t−1}: (B,T,H)
  const weights = new Map<string, Float64Array>();
  const direct = new Map<string, Float64Array>();
  for (const p of exec.plan.params) {
    if (!p.name.startsWith(`${cell.node}.`)) continue;
    const name = p.name.slice(cell.node.length + 1);
    if (!/^(U_|W_|b_)/.test(name)) continue;
    weights.set(name, exec.weights.get(p.name));
    direct.set(name, new Float64Array(exec.weights.get(p.name).length));
  }
  const seedH = new Float64Array(T * B * H); // ∂Ω/∂h_{t−1}: (T,B,H)
  const seedC = cp === null ? null : new Float64Array(T * B * H); // ∂Ω/∂c_{t−1}: (T,B,H)
  const seedX = new Float64Array(T * B * I); // ∂Ω/∂x_t: (T,B,I)
  const io: StepIO = { B, w: weights, dw: direct, x, hp, cp, g, gn: 0, dHp: seedH, dCp: seedC, dX: seedX, xOff: 0, hOff: 0, gOff: 0, xsOff: 0 };
  const step = cell.kind === 'LSTM' ? lstmStepper(H, I) : gruStepper(H, I, cell.resetAfter === true, cell.updateConvention === 'new');
  let omega = 0;
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      if (mask[t * B + b] === 0) continue;
      io.gOff = (t * B + b) * H;
      io.gn = norm(g, io.gOff, H);
      if (io.gn === 0) continue;
      io.hOff = (b * T + t) * H;
      io.xOff = (b * T + t) * I;
      io.xsOff = (t * B + b) * I;
      omega += step(io);
    }
  }
  const seeds = new Map<string, Float64Array>([
    [cell.hPrev, seedH],
    [cell.input, seedX],
  ]);
  if (seedC !== null) seeds.set(cell.cPrev!, seedC);
  return { omega: omega / B, direct: new Map([...direct].map(([k, v]) => [`${cell.node}.${k}`, v])), seeds };
}

function norm(a: Float64Array, off: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[off + i] * a[off + i];
  return Math.sqrt(s);
}
