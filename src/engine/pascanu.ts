import type { Plan } from '../compiler/plan';
import { RNNParams } from '../nodes/rnn';
import type { Executor } from './executor';

/**
 * The Pascanu regulariser (models.md "Outputs and losses"), added to the loss as `L + λ Ω`:
 *
 *   Ω = (1/B) Σ_b Σ_{t=1}^{τ_b} ( ‖g_{b,t} ∂h_{b,t}/∂h_{b,t−1}‖ / ‖g_{b,t}‖ − 1 )²,   g_{b,t} = ∂L/∂h_{b,t}
 *
 * with g held constant (read from the ordinary backward pass); terms with g = 0 are skipped; with
 * several nodes their Ω are summed. Available for Elman `RNN` cells without a skip connection, under
 * full BPTT.
 *
 * For a step `a = b + W h_{t−1} + U x_t`, `h_t = φ(a)`: `u = g ⊙ φ'(a)`, `v = g ∂h_t/∂h_{t−1} = Wᵀ u`,
 * `ω = (‖v‖/‖g‖ − 1)²` and `r = ∂ω/∂v = 2(‖v‖/‖g‖ − 1) v / (‖v‖ ‖g‖)`. Then `∂ω/∂W_ij += u_i r_j`
 * directly, and through `a`: `∂ω/∂a = (W r) ⊙ g ⊙ φ''(a)`. For tanh `φ'' = −2 h φ'`, which is the
 * ordinary backward of a seed `s_t = −2 h_t ⊙ g ⊙ (W r)` on `h_t`; for relu `φ'' = 0`. So `∂Ω/∂θ` is
 * the direct W part plus one extra backward pass with the seeds on every cell's `h` (it reaches W, U,
 * b, upstream weights and learned initial states). Where `v = 0` the term is 1 and its gradient is
 * taken as 0.
 */

export type PascanuErrorCode =
  /** λ not a finite number ≥ 0, no node named, or a node named twice. */
  | 'pascanu-bad-config'
  /** A named node is not in the graph. */
  | 'pascanu-unknown-node'
  /** A named node is not an Elman RNN cell without a skip connection. */
  | 'pascanu-unsupported-node'
  /** The executor has not run the full forward and backward pass the term needs. */
  | 'pascanu-not-ready';

export class PascanuError extends Error {
  constructor(
    readonly code: PascanuErrorCode,
    /** The node concerned, when one is. */
    readonly node: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'PascanuError';
  }
}

export interface PascanuConfig {
  /** Document ids of the RNN nodes whose Ω is added (summed). */
  readonly nodes: readonly string[];
  /** λ (default 1). */
  readonly lambda?: number;
}

/** One regularised cell, resolved against a plan. */
export interface PascanuCell {
  readonly node: string;
  /** Value id of h (`[T,B,H]` in the executor). */
  readonly source: string;
  /** Weight name of W `[H,H]`. */
  readonly weight: string;
  readonly hidden: number;
  readonly activation: 'tanh' | 'relu';
}

export interface PascanuSetup {
  readonly lambda: number;
  readonly cells: readonly PascanuCell[];
}

/** The document nodes as the resolver reads them. */
export interface PascanuNode {
  readonly id: string;
  readonly type: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/** Checks `config` against the graph and its plan (fused or not). Throws `PascanuError`. */
export function resolvePascanu(plan: Plan, nodes: readonly PascanuNode[], config: PascanuConfig): PascanuSetup {
  const lambda = config.lambda ?? 1;
  if (!(Number.isFinite(lambda) && lambda >= 0)) throw new PascanuError('pascanu-bad-config', undefined, `λ must be a finite number ≥ 0, got ${lambda}`);
  if (config.nodes.length === 0) throw new PascanuError('pascanu-bad-config', undefined, 'name at least one RNN node whose Ω to add');
  const rnns = nodes.filter((n) => n.type === 'RNN').map((n) => `"${n.id}"`);
  const available = rnns.length > 0 ? `the RNN nodes are ${rnns.join(', ')}` : 'the graph has no RNN node';
  const cells = config.nodes.map((id, k): PascanuCell => {
    if (config.nodes.indexOf(id) !== k) throw new PascanuError('pascanu-bad-config', id, `node "${id}" is named twice; name each node once`);
    const node = nodes.find((n) => n.id === id);
    if (node === undefined) throw new PascanuError('pascanu-unknown-node', id, `there is no node "${id}" in the graph; ${available}`);
    if (node.type !== 'RNN') throw new PascanuError('pascanu-unsupported-node', id, `node "${id}" is a ${node.type}: Ω is available for RNN cells (Elman) only; ${available}`);
    const p = RNNParams.safeParse(node.params);
    if (!p.success) throw new PascanuError('pascanu-unsupported-node', id, `RNN node "${id}" has invalid params: ${p.error.issues[0]?.message ?? 'unknown problem'}`);
    if (p.data.skip !== undefined) throw new PascanuError('pascanu-unsupported-node', id, `RNN node "${id}" has a skip connection through time: Ω is available for RNN cells without one; remove the skip or the node from the regulariser`);
    const rec = plan.recurrences.find((r) => r.node === id && r.name === id);
    const weight = `${id}.W`;
    if (rec === undefined || !plan.params.some((q) => q.name === weight)) throw new PascanuError('pascanu-unknown-node', id, `the compiled graph has no state or weight W for RNN node "${id}"`);
    return { node: id, source: rec.source, weight, hidden: p.data.hidden, activation: p.data.activation };
  });
  return { lambda, cells };
}

/** Ω, its gradient, and the totals of the objective `L + λΩ`. */
export interface PascanuResult {
  readonly lambda: number;
  /** Ω summed over the cells. */
  readonly omega: number;
  /** Ω per cell (document node id). */
  readonly perNode: Readonly<Record<string, number>>;
  /** `∂Ω/∂θ` per weight name (every weight of the plan; fresh arrays). */
  readonly grads: ReadonlyMap<string, Float64Array>;
  /** `L + λΩ`. */
  readonly lossTotal: number;
  /** `∂L/∂θ + λ ∂Ω/∂θ` per weight name (fresh arrays). */
  readonly gradsTotal: ReadonlyMap<string, Float64Array>;
}

/**
 * After a forward over all steps and the ordinary `backward(0)` on `exec`, with `loss` their result
 * (`grads` may be the executor's own arrays: they are copied first), computes Ω and its gradient
 * with one more backward pass (tanh cells only). That pass overwrites the executor's gradients
 * (`rawGradient`, `initialStateGradients`, the arrays `backward` returned): read L's before.
 */
export function pascanuTerm(exec: Executor, setup: PascanuSetup, loss: { readonly total: number; readonly grads: ReadonlyMap<string, Float64Array> }): PascanuResult {
  const lossGrads = new Map<string, Float64Array>();
  for (const p of exec.plan.params) {
    const g = loss.grads.get(p.name);
    if (g === undefined) throw new PascanuError('pascanu-not-ready', undefined, `the loss gradient has no entry for weight "${p.name}"; run backward first`);
    lossGrads.set(p.name, g.slice());
  }
  const B = exec.batchSize;
  const T = exec.stepCount;
  if (B === 0 || T === 0) throw new PascanuError('pascanu-not-ready', undefined, 'bind a batch and run forward and backward before computing Ω');
  const perNode: Record<string, number> = {};
  const direct = new Map<string, Float64Array>(); // ∂Ω/∂W, the part through W in v = Wᵀu
  const seeds = new Map<string, Float64Array>(); // ∂Ω/∂h_t through φ'(a_t): (T,B,H)
  let omega = 0;
  for (const cell of setup.cells) {
    const term = cellTerm(exec, cell);
    perNode[cell.node] = term.omega;
    omega += term.omega;
    const dW = direct.get(cell.weight);
    if (dW === undefined) direct.set(cell.weight, term.dW);
    else for (let i = 0; i < dW.length; i++) dW[i] += term.dW[i];
    if (term.seed !== null) seeds.set(cell.source, term.seed);
  }
  const grads = new Map<string, Float64Array>();
  if (seeds.size > 0) {
    const through = exec.backward(0, { seeds, withoutLoss: true });
    for (const p of exec.plan.params) grads.set(p.name, through.get(p.name)!.slice());
  } else {
    for (const p of exec.plan.params) grads.set(p.name, new Float64Array(lossGrads.get(p.name)!.length));
  }
  for (const [name, dW] of direct) {
    const acc = grads.get(name)!;
    for (let i = 0; i < acc.length; i++) acc[i] += dW[i];
  }
  const { lambda } = setup;
  const gradsTotal = new Map<string, Float64Array>();
  for (const [name, gL] of lossGrads) {
    const gO = grads.get(name)!;
    const sum = new Float64Array(gL.length);
    for (let i = 0; i < sum.length; i++) sum[i] = gL[i] + lambda * gO[i];
    gradsTotal.set(name, sum);
  }
  return { lambda, omega, perNode, grads, lossTotal: loss.total + lambda * omega, gradsTotal };
}

/** One cell's Ω, its direct `∂Ω/∂W` `[H,H]`, and its seeds on h `(T,B,H)` (null for relu). */
function cellTerm(exec: Executor, cell: PascanuCell): { omega: number; dW: Float64Array; seed: Float64Array | null } {
  const B = exec.batchSize;
  const T = exec.stepCount;
  const H = cell.hidden;
  const g = exec.rawGradient(cell.source); // g: (T,B,H), ∂L/∂h_t
  if (g.length !== T * B * H) throw new PascanuError('pascanu-not-ready', cell.node, `the gradient of "${cell.source}" has ${g.length} values, expected T·B·H = ${T * B * H}`);
  const h = exec.value(cell.source).data; // h: (B,T,H)
  const W = exec.weights.get(cell.weight); // W: (H,H), [out, in]
  const mask = exec.maskTimeMajor(); // m: (T,B)
  const tanh = cell.activation === 'tanh';
  const dW = new Float64Array(H * H);
  const seed = tanh ? new Float64Array(T * B * H) : null;
  const u = new Float64Array(H);
  const v = new Float64Array(H);
  let omega = 0;
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      if (mask[t * B + b] === 0) continue;
      const gOff = (t * B + b) * H;
      const hOff = (b * T + t) * H;
      let gg = 0;
      for (let i = 0; i < H; i++) gg += g[gOff + i] * g[gOff + i];
      if (gg === 0) continue;
      const gn = Math.sqrt(gg);
      // u = g ⊙ φ'(a): tanh' = 1 − h², relu' = 1[h > 0]
      for (let i = 0; i < H; i++) {
        const y = h[hOff + i];
        u[i] = g[gOff + i] * (tanh ? 1 - y * y : y > 0 ? 1 : 0);
      }
      // v = Wᵀ u
      v.fill(0);
      for (let i = 0; i < H; i++) {
        const ui = u[i];
        if (ui === 0) continue;
        for (let j = 0; j < H; j++) v[j] += W[i * H + j] * ui;
      }
      let vv = 0;
      for (let j = 0; j < H; j++) vv += v[j] * v[j];
      const vn = Math.sqrt(vv);
      const ratio = vn / gn - 1;
      omega += ratio * ratio;
      if (vn === 0) continue;
      const coef = (2 * ratio) / (vn * gn * B); // r = coef · v, with Ω's 1/B
      for (let i = 0; i < H; i++) {
        let wr = 0; // (W r)_i
        for (let j = 0; j < H; j++) {
          const rj = coef * v[j];
          dW[i * H + j] += u[i] * rj;
          wr += W[i * H + j] * rj;
        }
        if (seed !== null) seed[gOff + i] = -2 * h[hOff + i] * g[gOff + i] * wr;
      }
    }
  }
  return { omega: omega / B, dW, seed };
}
