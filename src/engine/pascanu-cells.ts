import type { Plan } from '../compiler/plan';
import { GRUParams } from '../nodes/gru';
import { LSTMParams } from '../nodes/lstm';
import { RNNParams } from '../nodes/rnn';
import type { Executor } from './executor';
import { gruRule, lstmRule, ROW_CHUNK, rowsOmega, type Rows } from './pascanu-gated';
import { addAB, addABt, addAtB } from './pascanu-linalg';

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
 *
 * Every valid (t, b) with `g ≠ 0` is an independent row (its inputs come from the forward, g from
 * the backward), so each rule runs on chunks of gathered rows with matrix products
 * (`pascanu-linalg.ts`) and scatters the rows' seeds back to their (t, b).
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

/** The valid rows (t, b) of a cell's time axis with `g ≠ 0`, in time-major order, and g = ∂L/∂h `(T,B,H)`. */
interface RowIndex {
  readonly B: number;
  readonly T: number;
  readonly g: Float64Array;
  /** Per row: its time-major index `t·B + b`, batch-major index `b·T + t`, and ‖g‖. */
  readonly tb: Int32Array;
  readonly bt: Int32Array;
  readonly gn: Float64Array;
}

function rowsOf(exec: Executor, cell: PascanuCell): RowIndex {
  const axis = exec.axisOf(cell.source);
  const [B, T, H] = [exec.batchSize, exec.stepsOf(axis), cell.hidden];
  const mask = exec.maskTimeMajor(axis);
  const g = exec.rawGradient(cell.source);
  const [tb, bt, gn] = [new Int32Array(T * B), new Int32Array(T * B), new Float64Array(T * B)];
  let n = 0;
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      if (mask[t * B + b] === 0) continue;
      const norm = Math.sqrt(sumSquares(g, (t * B + b) * H, H));
      if (norm === 0) continue;
      [tb[n], bt[n], gn[n]] = [t * B + b, b * T + t, norm];
      n++;
    }
  }
  return { B, T, g, tb: tb.subarray(0, n), bt: bt.subarray(0, n), gn: gn.subarray(0, n) };
}

/** Copies row `idx[k]` of `src` (width w) to row k of `out`, for the rows `from … from + n − 1` of `idx`. */
function gather(src: Float64Array, idx: Int32Array, from: number, n: number, w: number, out: Float64Array): void {
  for (let k = 0; k < n; k++) out.set(src.subarray(idx[from + k] * w, (idx[from + k] + 1) * w), k * w);
}

/** The inverse of `gather`: row k of `rows` to row `idx[from + k]` of `dst`. */
function scatter(rows: Float64Array, idx: Int32Array, from: number, n: number, w: number, dst: Float64Array): void {
  for (let k = 0; k < n; k++) dst.set(rows.subarray(k * w, (k + 1) * w), idx[from + k] * w);
}

function elmanTerm(exec: Executor, cell: ElmanCell): CellTerm {
  const { B, T, g: gAll, tb, bt, gn } = rowsOf(exec, cell);
  const H = cell.hidden;
  const hAll = exec.value(cell.source).data; // h: (B,T,H)
  const W = exec.weights.get(cell.weight); // W: (H,H), [out, in]
  const tanh = cell.activation === 'tanh';
  const dW = new Float64Array(H * H);
  const seed = new Float64Array(T * B * H);
  const buf = () => new Float64Array(ROW_CHUNK * H);
  const [h, g, u, v, r, wr, s] = [buf(), buf(), buf(), buf(), buf(), buf(), buf()]; // (n,H) each
  let omega = 0;
  for (let from = 0; from < tb.length; from += ROW_CHUNK) {
    const n = Math.min(ROW_CHUNK, tb.length - from);
    gather(hAll, bt, from, n, H, h);
    gather(gAll, tb, from, n, H, g);
    // u = g ⊙ φ'(a): tanh' = 1 − h², relu' = 1[h > 0]; v = Wᵀ u per row
    for (let k = 0; k < n * H; k++) u[k] = g[k] * (tanh ? 1 - h[k] * h[k] : h[k] > 0 ? 1 : 0);
    v.fill(0, 0, n * H);
    addAB(u, W, v, n, H, H);
    omega += rowsOmega(v, gn.subarray(from, from + n), n, H, B, r);
    // ∂ω/∂W_ij += u_i r_j; through a (tanh): a seed −2 h ⊙ g ⊙ (W r) on h_t
    addAtB(u, r, dW, n, H, H);
    if (!tanh) continue;
    wr.fill(0, 0, n * H);
    addABt(r, W, wr, n, H, H);
    for (let k = 0; k < n * H; k++) s[k] = -2 * h[k] * g[k] * wr[k];
    scatter(s, tb, from, n, H, seed);
  }
  return { omega: omega / B, direct: new Map([[cell.weight, dW]]), seeds: tanh ? new Map([[cell.source, seed]]) : new Map() };
}

function gatedTerm(exec: Executor, cell: GatedCell): CellTerm {
  const { B, T, g: gAll, tb, bt, gn } = rowsOf(exec, cell);
  const H = cell.hidden;
  const xv = exec.value(cell.input); // x: (B,T,I)
  const I = xv.shape[2];
  const hpAll = exec.value(cell.hPrev).data; // h_{t−1}: (B,T,H)
  const cpAll = cell.cPrev === undefined ? null : exec.value(cell.cPrev).data; // c_{t−1}: (B,T,H)
  const weights = new Map<string, Float64Array>();
  for (const p of exec.plan.params) {
    if (!p.name.startsWith(`${cell.node}.`)) continue;
    const name = p.name.slice(cell.node.length + 1);
    if (/^(U_|W_|b_)/.test(name)) weights.set(name, exec.weights.get(p.name));
  }
  const seedH = new Float64Array(T * B * H); // ∂Ω/∂h_{t−1}: (T,B,H)
  const seedC = cpAll === null ? null : new Float64Array(T * B * H); // ∂Ω/∂c_{t−1}: (T,B,H)
  const seedX = new Float64Array(T * B * I); // ∂Ω/∂x_t: (T,B,I)
  const buf = (w: number) => new Float64Array(ROW_CHUNK * w);
  const rows: Rows = { n: 0, x: buf(I), hp: buf(H), cp: cpAll === null ? null : buf(H), g: buf(H), gn: new Float64Array(ROW_CHUNK), dX: buf(I), dHp: buf(H), dCp: cpAll === null ? null : buf(H) };
  const rule = cell.kind === 'LSTM' ? lstmRule(H, I, B, weights) : gruRule(H, I, B, weights, cell.resetAfter === true, cell.updateConvention === 'new');
  let omega = 0;
  for (let from = 0; from < tb.length; from += ROW_CHUNK) {
    const n = (rows.n = Math.min(ROW_CHUNK, tb.length - from));
    gather(xv.data, bt, from, n, I, rows.x);
    gather(hpAll, bt, from, n, H, rows.hp);
    if (cpAll !== null) gather(cpAll, bt, from, n, H, rows.cp!);
    gather(gAll, tb, from, n, H, rows.g);
    rows.gn.set(gn.subarray(from, from + n));
    rows.dX.fill(0);
    rows.dHp.fill(0);
    rows.dCp?.fill(0);
    omega += rule.chunk(rows);
    scatter(rows.dX, tb, from, n, I, seedX);
    scatter(rows.dHp, tb, from, n, H, seedH);
    if (seedC !== null) scatter(rows.dCp!, tb, from, n, H, seedC);
  }
  const seeds = new Map<string, Float64Array>([
    [cell.hPrev, seedH],
    [cell.input, seedX],
  ]);
  if (seedC !== null) seeds.set(cell.cPrev!, seedC);
  return { omega: omega / B, direct: new Map([...rule.direct()].map(([k, v]) => [`${cell.node}.${k}`, v])), seeds };
}

function sumSquares(a: Float64Array, off: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[off + i] * a[off + i];
  return s;
}
