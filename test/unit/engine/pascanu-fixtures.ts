import { referenceBackend } from '../../../kernels/reference';
import type { Plan } from '../../../src/compiler';
import { bpttGradients } from '../../../src/engine/bptt';
import { Executor } from '../../../src/engine/executor';
import type { BatchFeed } from '../../../src/engine/feeds';
import { pascanuTerm, resolvePascanu, type PascanuConfig, type PascanuResult } from '../../../src/engine/pascanu';
import type { WeightStore } from '../../../src/engine/weights';
import type { GraphBuilder } from '../compiler/graph-builder';
import { planOf, randomFeed, randomWeights } from './executor-fixtures';

/** g = ∂L/∂h per regularised cell, `(T,B,H)`, captured at the base weights and then held constant. */
export type Saved = Map<string, Float64Array>;

/** One graph at fixed weights and batch after the ordinary forward and backward: what Ω is computed from. */
export interface PascanuSetup {
  readonly plan: Plan;
  readonly store: WeightStore;
  readonly feed: BatchFeed;
  readonly exec: Executor;
  readonly loss: number;
  /** ∂L/∂θ (copies: Ω's own backward pass overwrites the executor's arrays). */
  readonly lossGrads: Map<string, Float64Array>;
  readonly g: Saved;
}

/** Compiles `doc` (fused or not), draws weights (seed 5) and a batch (seed 11) of `lengths` over T steps, runs full BPTT, and keeps g of the `regularised` cells. */
export function pascanuSetup(doc: GraphBuilder, regularised: readonly string[], fused: boolean, lengths: readonly number[], T: number): PascanuSetup {
  const plan = planOf(doc, { fused });
  const store = randomWeights(plan, 5);
  const feed = randomFeed(plan, lengths, T, 11);
  const exec = new Executor(plan, store, referenceBackend);
  const full = bpttGradients(exec, feed);
  const g: Saved = new Map(regularised.map((id) => [id, exec.gradient(plan.recurrences.find((r) => r.node === id && r.name === id)!.source).data]));
  return { plan, store, feed, exec, loss: full.loss.total, lossGrads: new Map([...full.grads].map(([k, v]) => [k, v.slice()])), g };
}

/** Ω of `config` on the setup's executor, as the trainer computes it. */
export function pascanuOf(s: PascanuSetup, doc: GraphBuilder, config: PascanuConfig): PascanuResult {
  return pascanuTerm(s.exec, resolvePascanu(s.plan, doc.nodes, config), { total: s.loss, grads: s.lossGrads });
}
