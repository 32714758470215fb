/**
 * The training config of a session: the document's `training` block (`TrainingConfigSchema`) with
 * overrides applied field by field, parsed once so that defaults are filled and every problem names
 * its field. Telemetry and recording options are the session's own (not stored in the document).
 */
import type { z } from 'zod';
import { TrainingConfigSchema, type TrainingConfig } from '../graph/document';
import { SessionError } from './errors';

/** A parsed training config (defaults filled in). */
export type SessionConfig = z.output<typeof TrainingConfigSchema>;

/** Fields to replace in the document's config; `null` removes an optional field (e.g. `clip: null`). */
export type ConfigOverrides = { readonly [K in keyof TrainingConfig]?: TrainingConfig[K] | null };

/**
 * `base` (the document's `training`, or a checkpoint's config) with `overrides` applied. A field set
 * to `null` in `overrides` is removed. Throws `session-bad-config` listing every invalid field.
 */
export function resolveConfig(base: Partial<TrainingConfig> | undefined, overrides: ConfigOverrides = {}): SessionConfig {
  const merged: Record<string, unknown> = { ...(base ?? {}) };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === null) delete merged[k];
    else if (v !== undefined) merged[k] = v;
  }
  const parsed = TrainingConfigSchema.safeParse(merged);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((i) => {
    const where = i.path.map(String).join('.') || 'training';
    const missing = i.code === 'invalid_type' && i.path.length > 0 && merged[String(i.path[0])] === undefined;
    return { where, code: i.code, message: missing ? `training.${where} is missing; set it in the document's training block or give it as an option` : `training.${where}: ${i.message}` };
  });
  throw new SessionError('session-bad-config', `the training config is invalid: ${details.map((d) => d.message).join('; ')}`, details);
}

/** How telemetry is batched for streaming and how often the expensive records are taken. */
export interface TelemetryOptions {
  /** A batch is emitted when at least this many ms passed since the last one (default 100: ≤ 10 batches/s). */
  readonly intervalMs?: number;
  /** Also emit when this many steps are pending (default: no step limit). */
  readonly everySteps?: number;
  /** Record ‖∂L/∂h_t‖, gate activations and hidden states every this many steps (default 25; 0: never). */
  readonly recordEvery?: number;
  /** Which sample of the batch gate activations and hidden states are recorded for (default 0). */
  readonly recordSample?: number;
}

export interface ResolvedTelemetry {
  readonly intervalMs: number;
  readonly everySteps: number;
  readonly recordEvery: number;
  readonly recordSample: number;
}

export function resolveTelemetry(t: TelemetryOptions = {}): ResolvedTelemetry {
  const out = { intervalMs: t.intervalMs ?? 100, everySteps: t.everySteps ?? Infinity, recordEvery: t.recordEvery ?? 25, recordSample: t.recordSample ?? 0 };
  const bad = (field: string, want: string, got: number) => new SessionError('session-bad-config', `telemetry.${field} must be ${want}, got ${got}`, [{ where: `telemetry.${field}`, code: 'invalid', message: want }]);
  if (!(out.intervalMs >= 0)) throw bad('intervalMs', 'a number ≥ 0', out.intervalMs);
  if (!(out.everySteps >= 1) || (Number.isFinite(out.everySteps) && !Number.isInteger(out.everySteps))) throw bad('everySteps', 'an integer ≥ 1', out.everySteps);
  if (!(Number.isInteger(out.recordEvery) && out.recordEvery >= 0)) throw bad('recordEvery', 'an integer ≥ 0', out.recordEvery);
  if (!(Number.isInteger(out.recordSample) && out.recordSample >= 0)) throw bad('recordSample', 'an integer ≥ 0', out.recordSample);
  return out;
}
