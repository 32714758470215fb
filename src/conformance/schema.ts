import { z } from 'zod';

/**
 * The parts of a reference case (`shared/spec/cases/*.case.json`, format in that folder's README)
 * that Unroll reads. Objects are loose: a key Unroll does not know is not an error here; the loader
 * decides whether it asks for something Unroll lacks (the case is then skipped, naming it).
 */

const finite = z.number().refine(Number.isFinite, { message: 'must be a finite number' });

/** `{ shape, data }`: row-major float64 values; integer data (ids) are stored as floats. */
export const CaseTensorSchema = z
  .strictObject({
    shape: z.array(z.number().int().min(0)).max(8),
    data: z.array(finite),
  })
  .refine((t) => t.shape.reduce((a, d) => a * d, 1) === t.data.length, { message: 'shape and the number of data values disagree' });
export type CaseTensor = z.infer<typeof CaseTensorSchema>;

export const CaseSchema = z.looseObject({
  name: z.string().min(1).max(200),
  description: z.string().optional(),
  seed: z.number().optional(),
  model: z.looseObject({ kind: z.string().default('stack') }),
  weights: z.record(z.string(), CaseTensorSchema),
  batch: z.record(z.string(), z.unknown()),
  training: z.looseObject({}).optional(),
  tbptt: z.unknown().optional(),
  expected: z.record(z.string(), z.unknown()),
});
export type CaseFile = z.infer<typeof CaseSchema>;

const layerName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/, 'must be a node id (letters, digits, _ or -)');

/** One recurrent layer of a `stack` model. Options are checked against the cell by the loader. */
export const LayerSchema = z.looseObject({
  cell: z.string(),
  hidden: z.number().int().min(1).max(4096),
  name: layerName.optional(),
  activation: z.string().optional(),
  peepholes: z.boolean().optional(),
  resetAfter: z.boolean().optional(),
  updateConvention: z.string().optional(),
  init: z.string().optional(),
  bidirectional: z.boolean().optional(),
  skip: z.unknown().optional(),
  alpha: z.string().optional(),
});
export type CaseLayer = z.infer<typeof LayerSchema>;

export const StackModelSchema = z.looseObject({
  kind: z.literal('stack'),
  input: z.looseObject({ kind: z.string(), vocab: z.number().int().min(1).optional(), size: z.number().int().min(1).optional(), name: layerName.optional() }).default({ kind: 'dense' }),
  layers: z.array(LayerSchema).min(1),
  head: z.looseObject({ size: z.number().int().min(1), shape: z.string().default('n->n'), name: layerName.optional() }),
  loss: z.looseObject({ kind: z.string(), reduction: z.string().default('sumTimeMeanBatch') }),
});
export type StackModel = z.infer<typeof StackModelSchema>;

export const ClipSchema = z.strictObject({ kind: z.enum(['norm', 'value']), max: finite.pipe(z.number().positive()) });
export const TbpttSchema = z.strictObject({ k1: z.number().int().min(1), k2: z.number().int().min(1) }).refine((t) => t.k2 >= t.k1, { message: 'k2 must be at least k1', path: ['k2'] });

/** `a.b[2].c: message` for the first few issues of a zod error, rooted at `root`. */
export function describeIssues(root: string, error: z.ZodError, max = 4): string {
  const parts = error.issues.slice(0, max).map((i) => {
    let path = root;
    for (const seg of i.path) path += typeof seg === 'number' ? `[${seg}]` : `${path === '' ? '' : '.'}${String(seg)}`;
    return `${path || '(case)'}: ${i.message}`;
  });
  const more = error.issues.length > max ? `; and ${error.issues.length - max} more` : '';
  return parts.join('; ') + more;
}
