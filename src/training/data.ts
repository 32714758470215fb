/**
 * Where a session's batches come from: a task (built-in or imported, drawn from the run's data
 * generator), or a fixed list of batches used in turn. Before training, the data is checked against
 * the graph's Input nodes so that a mismatch is reported by name rather than deep inside a step.
 */
import type { Plan } from '../compiler/plan';
import type { Batch, ExtraSide } from '../data/batch';
import { createTask, TASKS } from '../data/registry';
import type { TaskInstance } from '../data/task';
import { BindError, bindBatch, type BatchFeed, type BindNames } from '../engine/feeds';
import type { Executor } from '../engine/executor';
import type { Rng } from '../engine/rng';
import type { SessionConfig } from './config';
import { SessionError } from './errors';

export type { BindNames };

export interface DataSource {
  /** Padded length of the batches (for the number of truncated-BPTT chunks). */
  readonly T: number;
  /** The task, when the data comes from one (baseline, symbols). */
  readonly task?: TaskInstance;
  /** The batch of training step `step` (1-based); a task draws it from `rng`. */
  batch(rng: Rng, batchSize: number, step: number): Batch;
}

/** The session's data: `task` or `batches` when given, else the config's `task` and `taskParams`. */
export function dataSource(config: SessionConfig, task: TaskInstance | undefined, batches: readonly Batch[] | undefined): DataSource {
  if (batches !== undefined) {
    if (batches.length === 0) throw new SessionError('session-no-data', 'the list of batches is empty; give at least one batch');
    const T = batches[0].T;
    return { T, batch: (_rng, _B, step) => batches[(step - 1) % batches.length] };
  }
  let t = task;
  if (t === undefined) {
    if (config.task === undefined || config.task === 'custom') {
      throw new SessionError('session-no-data', `no data to train on: set training.task in the document (${TASKS.map((d) => d.id).join(', ')}) or give a task`);
    }
    try {
      t = createTask(config.task, config.taskParams ?? {});
    } catch (e) {
      throw new SessionError('session-no-data', (e as Error).message, [{ where: 'training.task', code: (e as { code?: string }).code ?? 'task', message: (e as Error).message }]);
    }
  }
  const inst = t;
  return { T: inst.spec.steps, task: inst, batch: (rng, B, step) => inst.batch(rng, B, step) };
}

function mismatch(node: string | undefined, message: string): SessionError {
  return new SessionError('session-data-mismatch', message, [{ where: node ?? 'inputs', code: 'data-mismatch', message }]);
}

/** Maps a batch onto the Inputs; a binding problem becomes `session-data-mismatch` naming the Input. */
export function feedOf(plan: Plan, batch: Batch, names: BindNames): BatchFeed {
  try {
    return bindBatch(plan, batch, names);
  } catch (e) {
    if (e instanceof BindError) throw mismatch(e.node, e.message);
    throw e;
  }
}

/** An extra input (`batch.extra`) against the Input of its id: dtype, size and role. */
function checkExtra(node: string, input: Plan['inputs'][number], extra: ExtraSide): void {
  const what = `the data's extra input "${node}"`;
  if (extra.dtype !== input.dtype) throw mismatch(node, `Input "${node}" takes ${input.dtype === 'index' ? 'class/token ids' : 'real values'}, but ${what} holds ${extra.dtype === 'index' ? 'ids' : 'real values'}; set its dtype to ${extra.dtype}`);
  if (extra.size !== input.size) throw mismatch(node, `Input "${node}" has size ${input.size}, but ${what} gives ${extra.size} ${extra.dtype === 'index' ? 'classes' : 'features'}; set its size to ${extra.size}`);
  if (extra.role !== input.role) throw mismatch(node, `Input "${node}" is a ${input.role}, but ${what} is a ${extra.role}; set its role to ${extra.role}`);
}

/**
 * Checks a sample batch against the Inputs it feeds: dtype, size (or class count) and role
 * (`n-1` targets are vectors, `n-n` and `n-m` targets sequences); then binds it, which checks the
 * array sizes (and, for `n-m`, the time axis of each Input).
 */
export function checkData(exec: Executor, source: DataSource, sample: Batch, names: BindNames): void {
  const plan = exec.plan;
  const feed = feedOf(plan, sample, names);
  const spec = source.task?.spec;
  for (const [node, data] of Object.entries(feed.feeds)) {
    const input = plan.inputs.find((i) => i.node === node)!;
    const extra = sample.extra?.[node];
    if (extra !== undefined) {
      checkExtra(node, input, extra);
      continue;
    }
    const side = data === sample.x ? 'x' : data === sample.y ? 'y' : 'yIn';
    const isIndex = data instanceof Int32Array;
    if (isIndex !== (input.dtype === 'index')) {
      throw mismatch(node, `Input "${node}" takes ${input.dtype === 'index' ? 'class/token ids' : 'real values'}, but the data's ${side} holds ${isIndex ? 'ids' : 'real values'}; set its dtype to ${isIndex ? 'index' : 'real'}`);
    }
    if (spec !== undefined) {
      const want = side === 'x' ? spec.input : side === 'y' ? spec.output : { dtype: 'index' as const, size: spec.decoderInput?.size ?? 0 };
      if (want.size !== input.size) {
        const what = want.dtype === 'index' ? 'classes' : 'features';
        const extra = side === 'yIn' ? ` (the ${spec.output.size} output classes and the start token)` : '';
        throw mismatch(node, `Input "${node}" has size ${input.size}, but the task "${source.task!.id}" gives ${want.size} ${what}${extra} for ${side}; set its size to ${want.size}`);
      }
      const role = side === 'y' && spec.mapping === 'n-1' ? 'vector' : 'sequence';
      if (role !== input.role) {
        throw mismatch(node, `Input "${node}" is a ${input.role}, but the task "${source.task!.id}" gives ${side} as a ${role}${role === 'vector' ? ' (one target per sequence: read the output with LastStep)' : ''}; set its role to ${role}`);
      }
    }
  }
  try {
    exec.bind(feed);
  } catch (e) {
    if (e instanceof BindError) throw mismatch(e.node, e.message);
    throw e;
  }
}
