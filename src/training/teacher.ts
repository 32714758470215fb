/**
 * The teacher-forcing ratio as a training metric: for every TeacherForcing op whose ratio changes
 * over training (a schedule) or draws between teacher and own (0 < ratio < 1), the ratio the step
 * used, `<node>.teacherRatio` (the document node: a Jordan cell's own TeacherForcing is named by
 * the cell). A constant 0 or 1 is left out: there is nothing to watch.
 */
import type { Plan } from '../compiler/plan';
import { teacherRatio, TeacherForcingParams } from '../nodes/teacher-forcing';

/** Metric suffix of a teacher-forcing ratio. */
export const TEACHER_RATIO = 'teacherRatio';

export interface ScheduledTeacher {
  /** `<node>.teacherRatio` */
  readonly metric: string;
  readonly params: TeacherForcingParams;
}

/** The plan's TeacherForcing ops worth charting, one per document node, in plan order. */
export function scheduledTeachers(plan: Plan): ScheduledTeacher[] {
  const out: ScheduledTeacher[] = [];
  for (const op of plan.ops) {
    if (op.type !== 'TeacherForcing') continue;
    const p = TeacherForcingParams.safeParse(op.attrs);
    if (!p.success) continue;
    const { ratio, schedule } = p.data;
    if (schedule.kind === 'constant' && (ratio === 0 || ratio === 1)) continue;
    const metric = `${op.origin}.${TEACHER_RATIO}`;
    if (!out.some((t) => t.metric === metric)) out.push({ metric, params: p.data });
  }
  return out;
}

/** The ratio each op used at training step `step` (1-based), by metric name. */
export function teacherRatios(teachers: readonly ScheduledTeacher[], step: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of teachers) out[t.metric] = teacherRatio(t.params, step - 1);
  return out;
}
