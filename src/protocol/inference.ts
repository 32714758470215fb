import { z } from 'zod';
import { GraphDocumentSchema } from '../graph/document';

/**
 * The `infer` request: run the open graph on a person's own input (the inference panel). The host
 * takes the weights of the training session named by `sessionId` (its latest, also while it runs),
 * else the document's own, else the initial ones of the training seed — the answer says which.
 * What each mode means: `src/engine/inference.ts`.
 */

/** Most characters of typed input (a seed, a source, a series). */
export const MAX_INFER_TEXT = 1000;
/** Most tokens generated or forecast steps in one request. */
export const MAX_INFER_LENGTH = 300;
/** Most tokens of a translation. */
export const MAX_TRANSLATE_LENGTH = 100;
/** Widest beam. */
export const MAX_BEAM = 16;

const text = z.string().max(MAX_INFER_TEXT);
const temperature = z.number().positive().max(100);
/** The sampling generator's seed (the panel draws a new one per run, so each run samples afresh). */
const sampleSeed = z
  .number()
  .int()
  .min(0)
  .max(2 ** 32 - 1);

export const InferRequestSchema = z.discriminatedUnion('mode', [
  /** A token language model continues `seed` by `length` tokens: greedy, or sampled at `temperature`. */
  z.strictObject({ mode: z.literal('generate'), seed: text, length: z.number().int().min(1).max(MAX_INFER_LENGTH), temperature: temperature.optional(), sampleSeed: sampleSeed.optional() }),
  /** An encoder–decoder answers `source`: greedy, sampled at `temperature`, or beam search of width `beam` > 1. */
  z.strictObject({
    mode: z.literal('translate'),
    source: text,
    maxLength: z.number().int().min(1).max(MAX_TRANSLATE_LENGTH),
    beam: z.number().int().min(1).max(MAX_BEAM).optional(),
    temperature: temperature.optional(),
    sampleSeed: sampleSeed.optional(),
  }),
  /**
   * The output for `input`: of its last step (n→1) or of every step (n→n); vector Inputs take
   * `condition`. A task that reads text (a story and its question) reads `input` when it is words.
   */
  z.strictObject({ mode: z.literal('classify'), input: text, condition: text.optional() }),
  /**
   * A real-valued n→n model reads `series`, then feeds each prediction back for `steps` steps; a model
   * with vector Inputs (1→n) takes their values from `condition`, numbers in order.
   */
  z.strictObject({ mode: z.literal('forecast'), series: text, steps: z.number().int().min(1).max(MAX_INFER_LENGTH), condition: text.optional() }),
]);

export const InferPayloadSchema = z.strictObject({
  doc: GraphDocumentSchema,
  /** Use this training session's weights (and the graph and config it trains) instead of the document's. */
  sessionId: z
    .string()
    .regex(/^s[0-9]{1,9}$/, 'must be a session id from session.start (s1, s2, …)')
    .optional(),
  request: InferRequestSchema,
});
export type InferPayload = z.input<typeof InferPayloadSchema>;
export type InferRequest = z.output<typeof InferRequestSchema>;

const TokenSchema = z.strictObject({
  id: z.number().int(),
  text: z.string(),
  /** The model's probability of the token at its step (temperature 1). */
  p: z.number(),
  /** The likeliest tokens at that step. */
  top: z.array(z.strictObject({ text: z.string(), p: z.number() })),
});

/** An α matrix, row-major: an Attention node over a translation (`rows` answer tokens × `cols` source steps), or a KVMemory over a story (hops × slots). */
const AlignmentSchema = z
  .strictObject({ node: z.string(), rows: z.number().int().min(0), cols: z.number().int().min(0), alpha: z.array(z.number()) })
  .refine((a) => a.alpha.length === a.rows * a.cols, { message: 'alpha must hold rows × cols values', path: ['alpha'] });

const WeightsUsedSchema = z.strictObject({ source: z.enum(['session', 'document', 'initial']), step: z.number().int().min(0).optional() });

const tokenAnswer = { input: z.array(z.string()), tokens: z.array(TokenSchema), text: z.string(), logProb: z.number(), ended: z.boolean() };

export const InferResultSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('generate'), weights: WeightsUsedSchema, ...tokenAnswer }),
  z.strictObject({
    mode: z.literal('translate'),
    weights: WeightsUsedSchema,
    ...tokenAnswer,
    /** What ended the answer: the end token, the stop unit, the predicted length, or the length limit. */
    by: z.enum(['end', 'stop', 'length', 'limit']).optional(),
    attention: z.array(AlignmentSchema),
  }),
  z.strictObject({
    mode: z.literal('classify'),
    weights: WeightsUsedSchema,
    input: z.array(z.string()),
    perStep: z.boolean(),
    outputs: z.array(z.strictObject({ step: z.number().int(), classes: z.array(z.strictObject({ label: z.string(), p: z.number() })).optional(), values: z.array(z.number()).optional() })),
    /** Text read by the task (a story): the question asked beside its steps. */
    question: z.string().optional(),
    /** Text read by the task: each KVMemory node's weights, `rows` hops × `cols` slots (the story's sentences). */
    memory: z.array(AlignmentSchema).optional(),
  }),
  z.strictObject({ mode: z.literal('forecast'), weights: WeightsUsedSchema, width: z.number().int().min(1), series: z.array(z.array(z.number())), fitted: z.array(z.array(z.number())), predicted: z.array(z.array(z.number())) }),
]);
export type InferResult = z.output<typeof InferResultSchema>;
export type InferMode = InferResult['mode'];

export const INFERENCE_REQUESTS = {
  /** Runs the graph on the person's input: generate, translate, classify or forecast. */
  infer: { payload: InferPayloadSchema, result: InferResultSchema },
} as const satisfies Record<string, { payload: z.ZodType; result: z.ZodType }>;
