import type { Plan } from '../compiler/plan';
import type { Executor } from './executor';
import { cellTerm, PASCANU_KINDS, resolveCell, type PascanuCell } from './pascanu-cells';

export type { PascanuCell } from './pascanu-cells';

/**
 * The Pascanu regulariser (models.md "Outputs and losses"), added to the loss as `L + λ Ω`:
 *
 *   Ω = (1/B) Σ_b Σ_{t=1}^{τ_b} ( ‖g_{b,t} ∂h_{b,t}/∂h_{b,t−1}‖ / ‖g_{b,t}‖ − 1 )²,   g_{b,t} = ∂L/∂h_{b,t}
 *
 * with g held constant (read from the ordinary backward pass); terms with g = 0 are skipped; with
 * several nodes their Ω are summed. Available for Elman `RNN` cells without a skip connection, `LSTM`
 * cells without peepholes (the Jacobian taken at fixed `c_{t−1}`) and `GRU` cells in all their forms,
 * under full BPTT. The per-cell rules are in `pascanu-cells.ts` (LSTM and GRU: `pascanu-gated.ts`);
 * each gives Ω, a direct part of `∂Ω/∂θ` and seeds on values of the graph that one extra backward
 * pass, shared by all cells, carries to every weight.
 *
 * Elman: for a step `a = b + W h_{t−1} + U x_t`, `h_t = φ(a)`: `u = g ⊙ φ'(a)`, `v = g ∂h_t/∂h_{t−1} = Wᵀ u`,
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
  /** A named node is not an RNN (without a skip connection), LSTM (without peepholes) or GRU cell. */
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
  /** Document ids of the RNN, LSTM or GRU nodes whose Ω is added (summed). */
  readonly nodes: readonly string[];
  /** λ (default 1). */
  readonly lambda?: number;
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
  if (config.nodes.length === 0) throw new PascanuError('pascanu-bad-config', undefined, 'name at least one RNN, LSTM or GRU node whose Ω to add');
  const eligible = nodes.filter((n) => PASCANU_KINDS.includes(n.type)).map((n) => `"${n.id}" (${n.type})`);
  const available = eligible.length > 0 ? `the RNN, LSTM and GRU nodes are ${eligible.join(', ')}` : 'the graph has no RNN, LSTM or GRU node';
  const cells = config.nodes.map((id, k): PascanuCell => {
    if (config.nodes.indexOf(id) !== k) throw new PascanuError('pascanu-bad-config', id, `node "${id}" is named twice; name each node once`);
    const node = nodes.find((n) => n.id === id);
    if (node === undefined) throw new PascanuError('pascanu-unknown-node', id, `there is no node "${id}" in the graph; ${available}`);
    if (node.type === 'Bidirectional') throw new PascanuError('pascanu-unsupported-node', id, `Bidirectional node "${id}" runs its cell in both directions: Ω is available for forward RNN (Elman), LSTM and GRU cells only; ${available}`);
    if (!PASCANU_KINDS.includes(node.type)) throw new PascanuError('pascanu-unsupported-node', id, `node "${id}" is a ${node.type}: Ω is available for RNN (Elman), LSTM and GRU cells; ${available}`);
    const cell = resolveCell(plan, node);
    if ('code' in cell) throw new PascanuError(cell.code, id, cell.message);
    return cell;
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
 * with one more backward pass (none when no cell has seeds: relu Elman cells alone). That pass
 * overwrites the executor's gradients (`rawGradient`, `initialStateGradients`, the arrays
 * `backward` returned): read L's before.
 */
export function pascanuTerm(exec: Executor, setup: PascanuSetup, loss: { readonly total: number; readonly grads: ReadonlyMap<string, Float64Array> }): PascanuResult {
  const lossGrads = new Map<string, Float64Array>();
  for (const p of exec.plan.params) {
    const g = loss.grads.get(p.name);
    if (g === undefined) throw new PascanuError('pascanu-not-ready', undefined, `the loss gradient has no entry for weight "${p.name}"; run backward first`);
    lossGrads.set(p.name, g.slice());
  }
  const B = exec.batchSize;
  if (B === 0 || exec.stepCount === 0) throw new PascanuError('pascanu-not-ready', undefined, 'bind a batch and run forward and backward before computing Ω');
  const perNode: Record<string, number> = {};
  const direct = new Map<string, Float64Array>(); // ∂Ω/∂θ through the weights read directly
  const seeds = new Map<string, Float64Array>(); // ∂Ω/∂value, carried by one backward pass
  const addTo = (into: Map<string, Float64Array>, key: string, a: Float64Array) => {
    const acc = into.get(key);
    if (acc === undefined) into.set(key, a.slice());
    else for (let i = 0; i < acc.length; i++) acc[i] += a[i];
  };
  let omega = 0;
  for (const cell of setup.cells) {
    const expected = exec.stepsOf(exec.axisOf(cell.source)) * B * cell.hidden;
    const got = exec.rawGradient(cell.source).length;
    if (got !== expected) throw new PascanuError('pascanu-not-ready', cell.node, `the gradient of "${cell.source}" has ${got} values, expected T·B·H = ${expected}`);
    const term = cellTerm(exec, cell);
    perNode[cell.node] = term.omega;
    omega += term.omega;
    for (const [name, d] of term.direct) addTo(direct, name, d);
    for (const [id, seed] of term.seeds) addTo(seeds, id, seed);
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
