import type { Plan, PlanParam } from '../compiler/plan';
import type { StoredWeight } from '../graph/document';
import { checkWeight, encodeWeight } from '../graph/weights';
import { initialise } from './init';
import type { Rng } from './rng';
import type { Tensor } from './tensor';

/**
 * The weights of a plan: `<nodeId>.<param>` → float64 values (row-major, matrices `[out, in]`) and
 * shape. Arrays are allocated once; optimisers update them in place, and the executor reads them
 * through `tensor(name)` views, so an update is seen by the next step without copying.
 */

export type WeightProblemCode =
  /** The document has no weight for a param of the plan. */
  | 'weight-missing'
  /** The document has a weight that no param of the plan uses. */
  | 'weight-extra'
  /** The document's weight has another shape than the plan's param. */
  | 'weight-shape'
  /** The stored data does not decode (bad base64, wrong byte count, non-finite). */
  | 'weight-data';

export interface WeightProblem {
  readonly code: WeightProblemCode;
  /** The weight, `<nodeId>.<param>`. */
  readonly name: string;
  readonly message: string;
}

export class WeightStore {
  private readonly values = new Map<string, Float64Array>();
  private readonly views = new Map<string, Tensor>();
  private readonly decls = new Map<string, PlanParam>();

  private constructor(params: readonly PlanParam[]) {
    for (const p of params) {
      const data = new Float64Array(p.shape.reduce((a, d) => a * d, 1));
      this.values.set(p.name, data);
      this.views.set(p.name, { shape: [...p.shape], data });
      this.decls.set(p.name, p);
    }
  }

  /**
   * Fresh weights for `plan`, each drawn by its param's initialiser from `rng.fork('init')` forked
   * again by the weight's name: a weight's values depend on the seed and its own name and shape only,
   * so adding or removing a node leaves every other weight as it was.
   */
  static initialise(plan: Plan, rng: Rng): WeightStore {
    const store = new WeightStore(plan.params);
    const base = rng.fork('init');
    for (const p of plan.params) initialise(store.get(p.name), p.shape, p.init, base.fork(p.name), p.name);
    return store;
  }

  /** Weights from a document's `weights`; every missing, extra, mis-shaped or undecodable weight is reported. */
  static fromDocument(plan: Plan, weights: Readonly<Record<string, StoredWeight>> | undefined): { ok: true; store: WeightStore } | { ok: false; problems: WeightProblem[] } {
    const store = new WeightStore(plan.params);
    const problems: WeightProblem[] = [];
    const stored = weights ?? {};
    for (const p of plan.params) {
      const w = Object.hasOwn(stored, p.name) ? stored[p.name] : undefined;
      if (w === undefined) {
        problems.push({ code: 'weight-missing', name: p.name, message: `weight "${p.name}" [${p.shape.join(', ')}] is missing from the document; initialise the weights or load a file that has them` });
        continue;
      }
      if (w.shape.length !== p.shape.length || w.shape.some((d, i) => d !== p.shape[i])) {
        problems.push({ code: 'weight-shape', name: p.name, message: `weight "${p.name}" is stored as [${w.shape.join(', ')}] but the graph needs [${p.shape.join(', ')}]; re-initialise it` });
        continue;
      }
      const decoded = checkWeight(w);
      if (!decoded.ok) {
        problems.push({ code: 'weight-data', name: p.name, message: `weight "${p.name}": ${decoded.message}` });
        continue;
      }
      store.get(p.name).set(decoded.values);
    }
    for (const name of Object.keys(stored)) {
      if (!store.has(name)) problems.push({ code: 'weight-extra', name, message: `weight "${name}" belongs to no param of the graph (is its node gone or renamed?); drop it or restore the node` });
    }
    return problems.length > 0 ? { ok: false, problems } : { ok: true, store };
  }

  /** The document form (`weights` of `*.unroll.json`), in plan order; `float32` rounds each value once. */
  toDocument(dtype: 'float64' | 'float32' = 'float64'): Record<string, StoredWeight> {
    const out: Record<string, StoredWeight> = {};
    for (const [name, values] of this.values) {
      const r = encodeWeight(name, this.decls.get(name)!.shape, dtype === 'float32' ? Float32Array.from(values) : values);
      if (!r.ok) throw new RangeError(`${r.problem.code}: ${r.problem.message}`);
      out[name] = r.weight;
    }
    return out;
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  /** The values of `name` (live: writes change the weight). */
  get(name: string): Float64Array {
    const v = this.values.get(name);
    if (v === undefined) throw new RangeError(`no weight named "${name}"; the plan's weights are ${[...this.values.keys()].join(', ') || 'none'}`);
    return v;
  }

  /** A tensor view of `name` (shares the values). */
  tensor(name: string): Tensor {
    this.get(name);
    return this.views.get(name)!;
  }

  shape(name: string): readonly number[] {
    return this.tensor(name).shape;
  }

  param(name: string): PlanParam {
    this.get(name);
    return this.decls.get(name)!;
  }

  names(): string[] {
    return [...this.values.keys()];
  }

  /** A deep copy (for finite differences, or to keep a snapshot). */
  clone(): WeightStore {
    const c = new WeightStore([...this.decls.values()]);
    for (const [name, v] of this.values) c.get(name).set(v);
    return c;
  }
}
