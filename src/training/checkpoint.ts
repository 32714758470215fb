/**
 * Checkpoints: everything a session needs to continue exactly where it was, as plain JSON-safe data.
 * Weights are stored as float64 document weights (base64, bit-exact), the optimiser state as its own
 * plain form (`Optimizer.state()`), and the data generator as its `RngState`. Resuming from a
 * checkpoint reproduces the uninterrupted run bit for bit (same graph, backend and config).
 */
import { z } from 'zod';
import { TrainingConfigSchema, WeightSchema } from '../graph/document';
import { OptimizerStateSchema } from '../engine/optim';
import { SessionError } from './errors';

export const CHECKPOINT_FORMAT = 'unroll.checkpoint' as const;

const uint32 = z.number().int().min(0).max(2 ** 32 - 1);

export const RngStateSchema = z.strictObject({
  s: z.tuple([uint32, uint32, uint32, uint32]),
  key: uint32,
  spare: z.number().nullable(),
});

export const CheckpointSchema = z.strictObject({
  format: z.literal(CHECKPOINT_FORMAT),
  version: z.literal(1),
  /** Training steps completed. */
  step: z.number().int().min(0),
  /** Optimiser updates made (more than `step` under truncated BPTT). */
  updates: z.number().int().min(0),
  /** The resolved training config of the run. */
  config: TrainingConfigSchema,
  /** The document's node ids and types, so a checkpoint is not resumed on another graph. */
  graph: z.array(z.string()),
  weights: z.record(z.string(), WeightSchema),
  optimizer: OptimizerStateSchema,
  rng: z.strictObject({ data: RngStateSchema }),
  /** Wall-clock ms spent training before the checkpoint (for throughput and ETA only). */
  elapsedMs: z.number().min(0),
});

export type Checkpoint = z.output<typeof CheckpointSchema>;

/** Parses a checkpoint of unknown origin; every problem is listed with its path. */
export function parseCheckpoint(raw: unknown): Checkpoint {
  const parsed = CheckpointSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((i) => ({ where: i.path.map(String).join('.') || '(checkpoint)', code: i.code, message: i.message }));
  throw new SessionError('session-bad-checkpoint', `not a valid Unroll checkpoint: ${details.map((d) => `${d.where}: ${d.message}`).join('; ')}`, details);
}

/** `type:id` of every node, in document order: what a checkpoint is checked against. */
export function graphSignature(nodes: readonly { readonly id: string; readonly type: string }[]): string[] {
  return nodes.map((n) => `${n.type}:${n.id}`);
}
