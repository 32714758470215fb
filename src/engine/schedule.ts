/**
 * Learning-rate schedules. `step` is the number of updates already made (0 for the first update);
 * `η₀` is the optimiser's configured `lr` and `N` the run's total number of updates.
 * - `constant`: `η = η₀`;
 * - `step`:     `η = η₀ · γ^⌊step / every⌋` (PyTorch `StepLR`);
 * - `cosine`:   `η = η_min + (η₀ − η_min) · (1 + cos(π · min(step, N) / N)) / 2`
 *               (PyTorch `CosineAnnealingLR` with `T_max = N`, in closed form): `η₀` at the first
 *               update, `η_min` after the last.
 */
import type { z } from 'zod';
import type { TrainingConfigSchema } from '../graph/document';

export type ScheduleConfig = NonNullable<z.output<typeof TrainingConfigSchema>['lrSchedule']>;

export class ScheduleError extends Error {
  readonly code = 'schedule-bad-config';
  constructor(message: string) {
    super(message);
    this.name = 'ScheduleError';
  }
}

/** The learning rate for update number `step` (0-based) of a run of `totalSteps` updates. */
export function learningRate(schedule: ScheduleConfig | undefined, baseLr: number, step: number, totalSteps: number): number {
  if (!Number.isInteger(step) || step < 0) throw new ScheduleError(`learning-rate schedule: step must be an integer ≥ 0, got ${step}`);
  if (schedule === undefined || schedule.kind === 'constant') return baseLr;
  if (schedule.kind === 'step') {
    if (!(Number.isInteger(schedule.every) && schedule.every >= 1)) throw new ScheduleError(`step schedule: every must be an integer ≥ 1, got ${schedule.every}`);
    if (!(schedule.gamma > 0)) throw new ScheduleError(`step schedule: gamma must be positive, got ${schedule.gamma}`);
    return baseLr * schedule.gamma ** Math.floor(step / schedule.every);
  }
  if (!(Number.isInteger(totalSteps) && totalSteps >= 1)) throw new ScheduleError(`cosine schedule: the total number of steps must be an integer ≥ 1, got ${totalSteps}`);
  if (!(schedule.minLr >= 0)) throw new ScheduleError(`cosine schedule: minLr must be ≥ 0, got ${schedule.minLr}`);
  const progress = Math.min(step, totalSteps) / totalSteps;
  return schedule.minLr + ((baseLr - schedule.minLr) * (1 + Math.cos(Math.PI * progress))) / 2;
}

/** The schedule as a function of the step, for a fixed base rate and run length. */
export function scheduleFn(schedule: ScheduleConfig | undefined, baseLr: number, totalSteps: number): (step: number) => number {
  return (step) => learningRate(schedule, baseLr, step, totalSteps);
}
