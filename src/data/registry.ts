/**
 * The built-in tasks, in menu order. A training config names one by `task` (its id) with
 * `taskParams`; `createTask` parses the params with the task's zod schema (defaults filled in).
 */
import { DataError } from './errors';
import type { TaskDef, TaskInstance } from './task';
import { ADDING } from './tasks/adding';
import { BABI } from './tasks/babi';
import { CHARLM } from './tasks/charlm';
import { CLASSIFY } from './tasks/classify';
import { COPY } from './tasks/copy';
import { DATE } from './tasks/date';
import { PARITY } from './tasks/parity';
import { REVERSE } from './tasks/reverse';
import { SINE } from './tasks/sine';
import { SORT } from './tasks/sort';
import { TAGGING } from './tasks/tagging';
import { WAVE } from './tasks/wave';

export const TASKS: readonly TaskDef<any>[] = [ADDING, COPY, SINE, PARITY, CHARLM, CLASSIFY, TAGGING, REVERSE, SORT, DATE, BABI, WAVE];

const byId = new Map<string, TaskDef<any>>(TASKS.map((t) => [t.id, t]));

export function getTask(id: string): TaskDef<any> | undefined {
  return byId.get(id);
}

/** The task `id` with `params` (missing fields take their defaults); coded errors name the param. */
export function createTask(id: string, params: Readonly<Record<string, unknown>> = {}): TaskInstance {
  const def = byId.get(id);
  if (def === undefined) {
    throw new DataError('task-unknown', `unknown task "${id}"; the built-in tasks are ${TASKS.map((t) => t.id).join(', ')}`);
  }
  const parsed = def.params.safeParse(params);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(params)'}: ${i.message}`).join('; ');
    throw new DataError('task-bad-params', `task "${id}": ${problems}`);
  }
  return def.create(parsed.data);
}
