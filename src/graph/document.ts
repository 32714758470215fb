import { z } from 'zod';
import { ID_PATTERN, type EdgeId, type NodeId, type WeightName } from './ids';

/**
 * The `*.unroll.json` document, current version. The zod schema is the single source of truth:
 * the TypeScript types are inferred from it and `docs/unroll.graph.schema.json` is generated from it
 * (`npm run schema`). Older versions live in `./migrations`.
 */
export const FORMAT = 'unroll.graph' as const;
export const CURRENT_VERSION = 1 as const;

const finite = z.number().refine(Number.isFinite, { message: 'must be a finite number' });
const idString = z.string().regex(ID_PATTERN, 'must be an id: a letter or _, then letters, digits, _ or - (at most 64)');

export const NodeIdSchema = idString.transform((s) => s as NodeId);
export const EdgeIdSchema = idString.transform((s) => s as EdgeId);

export const PortRefSchema = z.strictObject({
  node: NodeIdSchema,
  port: z.string().min(1).max(64),
});

export const GraphNodeSchema = z.strictObject({
  id: NodeIdSchema,
  /** Node kind, a key of the node registry (`Linear`, `LSTM`, …). */
  type: z.string().min(1).max(64),
  /** Version of the node kind's params this node was saved with. */
  version: z.number().int().min(1),
  label: z.string().max(200).optional(),
  position: z.strictObject({ x: finite, y: finite }),
  /** The node kind's params; validated against the kind's own schema by `restore()`. */
  params: z.record(z.string(), z.unknown()),
});

export const GraphEdgeSchema = z.strictObject({
  id: EdgeIdSchema,
  source: PortRefSchema,
  target: PortRefSchema,
});

export const MetaSchema = z.strictObject({
  name: z.string().max(200),
  description: z.string().max(20000).optional(),
  /** ISO-8601 timestamps. */
  created: z.string().max(64).optional(),
  modified: z.string().max(64).optional(),
  /** Free-form key/value notes kept by other tools. */
  tags: z.array(z.string().max(64)).max(64).optional(),
});

export const OptimizerSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('sgd'), lr: finite.pipe(z.number().positive()), momentum: finite.pipe(z.number().min(0).max(1)).default(0) }),
  z.strictObject({ kind: z.literal('rmsprop'), lr: finite.pipe(z.number().positive()), decay: finite.pipe(z.number().min(0).max(1)).default(0.9), eps: finite.pipe(z.number().positive()).default(1e-8) }),
  z.strictObject({
    kind: z.literal('adam'),
    lr: finite.pipe(z.number().positive()),
    beta1: finite.pipe(z.number().min(0).max(1)).default(0.9),
    beta2: finite.pipe(z.number().min(0).max(1)).default(0.999),
    eps: finite.pipe(z.number().positive()).default(1e-8),
  }),
]);

export const TrainingConfigSchema = z.strictObject({
  /** Built-in task id (`adding`, `copy`, …) or `custom` for user data. */
  task: z.string().max(64).optional(),
  taskParams: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).optional(),
  optimizer: OptimizerSchema,
  batchSize: z.number().int().min(1).max(65536),
  steps: z.number().int().min(1).max(1e9),
  seed: z.number().int().min(0).max(2 ** 32 - 1),
  clip: z.strictObject({ kind: z.enum(['norm', 'value']), max: finite.pipe(z.number().positive()) }).optional(),
  tbptt: z
    .strictObject({ k1: z.number().int().min(1), k2: z.number().int().min(1) })
    .refine((t) => t.k2 >= t.k1, { message: 'k2 must be at least k1', path: ['k2'] })
    .optional(),
  /** The Pascanu regulariser (models.md "Outputs and losses"): `L + λ Ω` over these RNN nodes; full BPTT only. */
  pascanu: z
    .strictObject({
      nodes: z.array(idString).min(1).max(64),
      lambda: finite.pipe(z.number().min(0)).default(1),
    })
    .optional(),
  lrSchedule: z
    .discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('constant') }),
      z.strictObject({ kind: z.literal('step'), every: z.number().int().min(1), gamma: finite.pipe(z.number().positive()) }),
      z.strictObject({ kind: z.literal('cosine'), minLr: finite.pipe(z.number().min(0)).default(0) }),
    ])
    .optional(),
  /**
   * Stateful batches: each sample's final state (every Delay's carried value) starts the same sample
   * of the next batch, when the task serves consecutive chunks (`continues`); reset when a stream
   * starts over, on demand, or after a resume.
   */
  stateful: z.boolean().optional(),
  /** `auto`, `reference`, or `gpujs:<mode>`. */
  backend: z.string().max(64).default('auto'),
});

/** `[A-Za-z0-9+/]` base64 with padding; the length is checked against shape × dtype by `restore()`. */
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64 (A–Z, a–z, 0–9, +, /, = padding)');

export const WeightSchema = z.strictObject({
  shape: z.array(z.number().int().min(0).max(1 << 24)).max(8),
  dtype: z.enum(['float32', 'float64']),
  /** Little-endian IEEE-754 values, row-major, base64-encoded. */
  data: base64,
});

export const WeightNameSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}(\.[A-Za-z_][A-Za-z0-9_]{0,63})+$/, 'must be <nodeId>.<param>')
  .transform((s) => s as WeightName);

export const GraphDocumentSchema = z.strictObject({
  format: z.literal(FORMAT),
  version: z.literal(CURRENT_VERSION),
  meta: MetaSchema,
  nodes: z.array(GraphNodeSchema).max(10000),
  edges: z.array(GraphEdgeSchema).max(50000),
  training: TrainingConfigSchema.optional(),
  weights: z.record(WeightNameSchema, WeightSchema).optional(),
});

export type PortRef = z.infer<typeof PortRefSchema>;
export type GraphNode = z.infer<typeof GraphNodeSchema>;
export type GraphEdge = z.infer<typeof GraphEdgeSchema>;
export type GraphMeta = z.infer<typeof MetaSchema>;
export type TrainingConfig = z.infer<typeof TrainingConfigSchema>;
export type StoredWeight = z.infer<typeof WeightSchema>;
export type GraphDocument = z.infer<typeof GraphDocumentSchema>;
