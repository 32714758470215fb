import { z } from 'zod';
import { GraphDocumentSchema } from '../graph/document';

/**
 * Stepping through one batch (`trace.run`) and checking one node's gradients (`trace.gradcheck`):
 * the host runs the open graph on the reference backend (float64) with the weights of the training
 * session named by `sessionId`, else the document's, else the initial ones of the training seed.
 * Answers are small: per document output port and step a norm, its gradient's norm and a few
 * leading values (at most `MAX_TRACE_STEPS` steps, `MAX_TRACE_BATCH` samples).
 */

/** Most steps of a traced batch (per axis). */
export const MAX_TRACE_STEPS = 64;
/** Most samples of a traced batch. */
export const MAX_TRACE_BATCH = 8;
/** Leading features kept per step. */
export const TRACE_LEAD = 3;

const sessionId = z
  .string()
  .regex(/^s[0-9]{1,9}$/, 'must be a session id from session.start (s1, s2, …)')
  .optional();
const seed = z
  .number()
  .int()
  .min(0)
  .max(2 ** 32 - 1);

export const TracePayloadSchema = z.strictObject({
  doc: GraphDocumentSchema,
  sessionId,
  /** `task`: a batch of the document's training task; `random`: uniform data of `steps` steps. Default: task when the document names one. */
  data: z.enum(['task', 'random']).optional(),
  /** Samples (default 2). */
  batchSize: z.number().int().min(1).max(MAX_TRACE_BATCH).optional(),
  /** Steps of random data (default 8). */
  steps: z.number().int().min(1).max(MAX_TRACE_STEPS).optional(),
  /** The data generator's seed (default 1). */
  seed: seed.optional(),
});
export type TracePayload = z.input<typeof TracePayloadSchema>;

const WeightsUsedSchema = z.strictObject({ source: z.enum(['session', 'document', 'initial']), step: z.number().int().min(0).optional() });

const finite = z.number();

export const TracePortSchema = z
  .strictObject({
    node: z.string(),
    port: z.string(),
    value: z.string(),
    perStep: z.boolean(),
    axis: z.union([z.literal(0), z.literal(1)]),
    dtype: z.enum(['real', 'index']),
    dim: z.number().int().min(0),
    /** ‖v_t‖ over the batch per step (one number for a vector). */
    norms: z.array(finite),
    /** ‖∂L/∂v_t‖ over the batch, as `norms`. */
    grads: z.array(finite),
    /** The traced sample's first `leadWidth` features per step, row-major. */
    lead: z.array(finite),
    leadWidth: z.number().int().min(1),
  })
  .superRefine((p, ctx) => {
    if (p.grads.length !== p.norms.length) ctx.addIssue({ code: 'custom', path: ['grads'], message: `grads of ${p.node}.${p.port} must hold ${p.norms.length} values, one per step` });
    if (p.lead.length !== p.norms.length * p.leadWidth) ctx.addIssue({ code: 'custom', path: ['lead'], message: `lead of ${p.node}.${p.port} must hold steps × leadWidth = ${p.norms.length * p.leadWidth} values` });
  });
export type TracePort = z.infer<typeof TracePortSchema>;

export const TraceResultSchema = z.strictObject({
  weights: WeightsUsedSchema,
  data: z.enum(['task', 'random']),
  /** The task the batch came from. */
  task: z.string().optional(),
  T: z.number().int().min(1),
  /** Steps of the target (decoder) axis; 0 without one. */
  targetT: z.number().int().min(0),
  B: z.number().int().min(1),
  lengths: z.array(z.number().int()),
  /** The traced sample. */
  sample: z.number().int().min(0),
  loss: finite,
  ports: z.array(TracePortSchema),
  /** Document edge → the plan value it carries. */
  edges: z.array(z.strictObject({ edge: z.string(), value: z.string() })),
});
export type TraceResult = z.infer<typeof TraceResultSchema>;

export const GradcheckPayloadSchema = z.strictObject({
  doc: GraphDocumentSchema,
  sessionId,
  /** The document node whose parameters are checked (through the whole graph). */
  node: z.string().min(1).max(256),
  seed: seed.optional(),
});
export type GradcheckPayload = z.input<typeof GradcheckPayloadSchema>;

export const GradcheckResultSchema = z.strictObject({
  weights: WeightsUsedSchema,
  node: z.string(),
  loss: finite,
  /** Relative error allowed. */
  rtol: z.number(),
  pass: z.boolean(),
  params: z.array(
    z.strictObject({
      name: z.string(),
      checked: z.number().int().min(0),
      size: z.number().int().min(0),
      maxRelError: finite,
      maxAbsError: finite,
      pass: z.boolean(),
    }),
  ),
});
export type GradcheckResult = z.infer<typeof GradcheckResultSchema>;

export const STEP_THROUGH_REQUESTS = {
  /** Runs one batch forward and backward; answers per document output and step: norms, gradient norms, leading values. */
  'trace.run': { payload: TracePayloadSchema, result: TraceResultSchema },
  /** Finite-difference check of one node's parameters through the whole graph (float64, a small random batch). */
  'trace.gradcheck': { payload: GradcheckPayloadSchema, result: GradcheckResultSchema },
} as const satisfies Record<string, { payload: z.ZodType; result: z.ZodType }>;
