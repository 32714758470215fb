import type { Plan } from '../compiler/plan';
import type { Batch } from '../data/batch';

/**
 * How data reaches a plan's Input nodes. A `BatchFeed` gives one array per Input node, by node id,
 * batch-major as in `src/data` (docs/data-format.md):
 *   sequence, real  (B,T,D)     sequence, index  (B,T)
 *   vector,   real  (B,D)       vector,   index  (B)
 * plus every sample's length `τ_b` (the mask is `m_{b,t} = 1[t ≤ τ_b]`) and the padded length T.
 * Index arrays hold class/token ids; Float32Array, Float64Array and Int32Array are all accepted.
 */

export type FeedArray = Float32Array | Float64Array | Int32Array;

export interface BatchFeed {
  /** Input node id → its data. */
  readonly feeds: Readonly<Record<string, FeedArray>>;
  /** lengths: (B), each in [1, T]. */
  readonly lengths: Int32Array;
  /** T, the padded length. */
  readonly T: number;
  /**
   * The target (decoder) time axis of an encoder–decoder graph: its padded length T' and each
   * sample's length τ'_b; Inputs with `axis: target` hold `(B,T',…)`. Required exactly when the
   * graph has such Inputs.
   */
  readonly target?: { readonly T: number; readonly lengths: Int32Array };
}

export type BindErrorCode =
  /** The plan has an Input that no array feeds, or the convention below finds none. */
  | 'bind-missing'
  /** An array for a node that is not an Input of the plan. */
  | 'bind-unknown'
  /** The convention cannot tell which Input is `x` or `y`. */
  | 'bind-ambiguous'
  /** An array of the wrong type or length, or lengths outside [1, T]. */
  | 'bind-mismatch';

export class BindError extends Error {
  constructor(
    readonly code: BindErrorCode,
    /** The Input node concerned, when there is one. */
    readonly node: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'BindError';
  }
}

/**
 * Maps a `src/data` batch onto the plan's Inputs. Convention: `x` feeds the Input with id `x`, `y`
 * the Input with id `y`; without such ids, `y` feeds the one Input wired to a loss's `target` port
 * and `x` the one other Input. Explicit `names` override both. Sizes are checked by the executor.
 */
export function bindBatch(plan: Plan, batch: Batch, names: { readonly x?: string; readonly y?: string } = {}): BatchFeed {
  const ids = plan.inputs.map((i) => i.node);
  const targetOf = new Set<string>();
  for (const l of plan.losses) {
    const v = plan.ops[l.op].inputs.target;
    const input = plan.inputs.find((i) => i.value === v);
    if (input !== undefined) targetOf.add(input.node);
  }
  const pick = (role: 'x' | 'y'): string => {
    const explicit = names[role];
    if (explicit !== undefined) {
      if (!ids.includes(explicit)) throw new BindError('bind-missing', explicit, `there is no Input node "${explicit}" to feed ${role}; the Inputs are ${ids.join(', ') || 'none'}`);
      return explicit;
    }
    if (ids.includes(role)) return role;
    const candidates = role === 'y' ? ids.filter((i) => targetOf.has(i)) : ids.filter((i) => !targetOf.has(i) && i !== names.y && i !== 'y');
    if (candidates.length === 1) return candidates[0];
    const why = candidates.length === 0 ? 'no Input fits' : `Inputs ${candidates.map((c) => `"${c}"`).join(', ')} all fit`;
    const rule = role === 'y' ? 'an Input wired to a loss target' : 'an Input not wired to a loss target';
    throw new BindError(candidates.length === 0 ? 'bind-missing' : 'bind-ambiguous', undefined, `cannot tell which Input takes the batch's ${role} (${rule}): ${why}; name that Input "${role}"`);
  };
  const x = pick('x');
  const feeds: Record<string, FeedArray> = { [x]: batch.x };
  if (ids.length > 1 || targetOf.size > 0) {
    const y = pick('y');
    if (y === x) throw new BindError('bind-ambiguous', y, `Input "${y}" would take both x and y; name the inputs "x" and "y"`);
    feeds[y] = batch.y;
  }
  return { feeds, lengths: batch.lengths, T: batch.T };
}
