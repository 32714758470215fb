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

/** Which Inputs take the batch's arrays, when the convention below cannot tell (or should not). */
export interface BindNames {
  readonly x?: string;
  readonly y?: string;
  /** n→m: the Input of the teacher-forced decoder inputs `yIn`. */
  readonly yIn?: string;
}

/**
 * Maps a `src/data` batch onto the plan's Inputs. Convention: `x` feeds the Input with id `x`, `y`
 * the Input with id `y`; without such ids, `y` feeds the one Input wired to a loss's `target` port
 * and `x` the one other Input. Explicit `names` override both. Sizes are checked by the executor.
 *
 * An n→m batch (one with `target`) feeds `x` to a source-axis Input, `y` to a target-axis Input,
 * `yIn` to the Input `y_in` — without that id, the one other target-axis Input — and gives the
 * target axis (T', τ'_b). A graph with target-axis Inputs needs an n→m batch, and the other way round.
 *
 * A batch's extra inputs (`batch.extra`) feed the Inputs of the same ids, on the source axis or —
 * for an extra with `axis: 'target'` — on the target axis; those Inputs take neither `x`, `y` nor `yIn`.
 */
export function bindBatch(plan: Plan, batch: Batch, names: BindNames = {}): BatchFeed {
  const ids = plan.inputs.map((i) => i.node);
  const targetOf = new Set<string>();
  for (const l of plan.losses) {
    const v = plan.ops[l.op].inputs.target;
    const input = plan.inputs.find((i) => i.value === v);
    if (input !== undefined) targetOf.add(input.node);
  }
  const onTarget = plan.inputs.filter((i) => i.axis === 1).map((i) => i.node);
  const twoAxes = batch.target !== undefined;
  if (twoAxes && onTarget.length === 0) {
    throw new BindError('bind-mismatch', undefined, "the data is n→m (a target sequence of its own length), but no Input is on the target (decoder) time axis; set the axis of the decoder's Inputs (y and y_in) to target");
  }
  if (!twoAxes && onTarget.length > 0) {
    throw new BindError('bind-mismatch', onTarget[0], `Input "${onTarget[0]}" is on the target (decoder) time axis, but the data has one time axis (an n→n or n→1 task); choose an n→m task (reverse, sort) or set its axis to source`);
  }
  const extra = batch.extra ?? {};
  const extraIds = Object.keys(extra);
  for (const id of extraIds) {
    const e = extra[id];
    const what = `an extra input "${id}" (a ${e.role} of ${e.dtype === 'real' ? `${e.size} features` : `ids of ${e.size} classes`})`;
    const reserved = ['x', 'y', 'y_in', names.x, names.y, names.yIn];
    if (reserved.includes(id)) throw new BindError('bind-ambiguous', id, `the data's extra input "${id}" has the id of the Input that takes the batch's x, y or yIn; give the extra input another id`);
    if (!ids.includes(id)) throw new BindError('bind-missing', id, `the data gives ${what}, but the graph has no Input node "${id}"; add an Input with id "${id}", role ${e.role}, dtype ${e.dtype}, size ${e.size}`);
    const wantTarget = e.axis === 'target';
    if (wantTarget && !twoAxes) throw new BindError('bind-mismatch', id, `the data's ${what.slice(3)} lives on a target (decoder) time axis, but the batch has none (target T', lengths τ'_b); give the batch its target axis`);
    if (onTarget.includes(id) !== wantTarget) {
      const [axis, is] = wantTarget ? ['target (decoder)', 'source'] : ['source', 'target (decoder)'];
      throw new BindError('bind-mismatch', id, `Input "${id}" takes ${what}, which lives on the ${axis} time axis, but it is on the ${is} axis; set its axis to ${wantTarget ? 'target' : 'source'}`);
    }
  }
  const main = ids.filter((i) => !extraIds.includes(i));
  const explicit = (role: keyof BindNames): string | undefined => {
    const id = names[role];
    if (id !== undefined && !ids.includes(id)) throw new BindError('bind-missing', id, `there is no Input node "${id}" to feed ${role}; the Inputs are ${ids.join(', ') || 'none'}`);
    return id;
  };
  const pick = (role: 'x' | 'y', pool: readonly string[]): string => {
    const given = explicit(role);
    if (given !== undefined) return given;
    if (main.includes(role)) return role;
    const candidates = role === 'y' ? pool.filter((i) => targetOf.has(i)) : pool.filter((i) => !targetOf.has(i) && i !== names.y && i !== 'y');
    if (candidates.length === 1) return candidates[0];
    const why = candidates.length === 0 ? 'no Input fits' : `Inputs ${candidates.map((c) => `"${c}"`).join(', ')} all fit`;
    const where = twoAxes ? ` on the ${role === 'y' ? 'target' : 'source'} axis` : '';
    const rule = role === 'y' ? `an Input${where} wired to a loss target` : `an Input${where} not wired to a loss target`;
    throw new BindError(candidates.length === 0 ? 'bind-missing' : 'bind-ambiguous', undefined, `cannot tell which Input takes the batch's ${role} (${rule}): ${why}; name that Input "${role}"`);
  };
  const withExtra = (feed: BatchFeed): BatchFeed => ({ ...feed, feeds: { ...feed.feeds, ...Object.fromEntries(extraIds.map((id) => [id, extra[id].data])) } });
  if (twoAxes) return withExtra(bindTwoAxes(plan, batch, onTarget.filter((i) => !extraIds.includes(i)), pick, explicit));
  const x = pick('x', main);
  const feeds: Record<string, FeedArray> = { [x]: batch.x };
  if (main.length > 1 || targetOf.size > 0) {
    const y = pick('y', main);
    if (y === x) throw new BindError('bind-ambiguous', y, `Input "${y}" would take both x and y; name the inputs "x" and "y"`);
    feeds[y] = batch.y;
  }
  return withExtra({ feeds, lengths: batch.lengths, T: batch.T });
}

function bindTwoAxes(
  plan: Plan,
  batch: Batch,
  onTarget: readonly string[],
  pick: (role: 'x' | 'y', pool: readonly string[]) => string,
  explicit: (role: keyof BindNames) => string | undefined,
): BatchFeed {
  const target = batch.target!;
  const extraIds = Object.keys(batch.extra ?? {});
  const onSource = plan.inputs.filter((i) => i.axis !== 1 && !extraIds.includes(i.node)).map((i) => i.node);
  const axisName = (id: string) => (onTarget.includes(id) ? 'target (decoder)' : 'source (input)');
  const need = (id: string, role: string, axis: 'source' | 'target', what: string) => {
    if ((axis === 'target') !== onTarget.includes(id)) {
      throw new BindError('bind-mismatch', id, `Input "${id}" takes the batch's ${role} (${what}), which lives on the ${axis} time axis, but it is on the ${axisName(id)} axis; set its axis to ${axis}`);
    }
  };
  const y = pick('y', onTarget);
  need(y, 'y', 'target', "the target sequence, (B,T')");
  const x = pick('x', onSource.filter((i) => i !== y));
  need(x, 'x', 'source', 'the source sequence, (B,T)');
  if (x === y) throw new BindError('bind-ambiguous', y, `Input "${y}" would take both x and y; name the inputs "x" and "y"`);
  const feeds: Record<string, FeedArray> = { [x]: batch.x, [y]: batch.y };
  let yIn = explicit('yIn') ?? (plan.inputs.some((i) => i.node === 'y_in') ? 'y_in' : undefined);
  if (yIn === undefined) {
    const rest = onTarget.filter((i) => i !== y && i !== x);
    if (rest.length > 1) {
      throw new BindError('bind-ambiguous', undefined, `cannot tell which Input takes the teacher-forced decoder inputs yIn: target-axis Inputs ${rest.map((c) => `"${c}"`).join(', ')} all fit; name that Input "y_in"`);
    }
    yIn = rest[0];
  }
  if (yIn !== undefined) {
    if (yIn === x || yIn === y) throw new BindError('bind-ambiguous', yIn, `Input "${yIn}" would take both yIn and ${yIn === x ? 'x' : 'y'}; name the decoder's input "y_in"`);
    need(yIn, 'yIn', 'target', "the teacher-forced decoder inputs, (B,T')");
    if (batch.yIn === undefined) throw new BindError('bind-missing', yIn, `Input "${yIn}" takes the teacher-forced decoder inputs yIn, but the batch has none`);
    feeds[yIn] = batch.yIn;
  }
  return { feeds, lengths: batch.lengths, T: batch.T, target: { T: target.T, lengths: target.lengths } };
}
