import type { ClipConfig } from '../engine/clip';
import type { BatchFeed } from '../engine/feeds';
import type { Tbptt } from '../engine/bptt';
import type { PascanuConfig } from '../engine/pascanu';
import type { GraphDocument } from '../graph/document';
import { stackBatch } from './batch';
import { CaseError } from './errors';
import { buildStackGraph, type StackGraph } from './graph';
import { buildJordan, buildKVMemory, buildMultiplicative, jordanNeeds, JordanModelSchema, kvMemoryNeeds, KVMemoryModelSchema, multiplicativeNeeds, MultiplicativeModelSchema, type ModelGraph } from './models';
import { weightNames, type WeightNames } from './names';
import { buildSelfAttention, selfAttentionNeeds, SelfAttentionModelSchema } from './self-attention';
import { buildEncDec, encdecNeeds, EncDecModelSchema } from './encdec';
import { describeNeeds, otherModelNeeds, stackNeeds, trainingNeeds, type Need } from './needs';
import { z } from 'zod';
import { CaseSchema, ClipSchema, describeIssues, StackModelSchema, TbpttSchema, type CaseTensor } from './schema';

/**
 * Reads a reference case (parsed JSON) into what the runner needs: an ordinary Unroll graph document
 * with the case's weights, the batch as a `BatchFeed`, the clip and truncation settings, and the
 * expected numbers. Pure: the caller reads the file.
 */

export interface LoadedCase {
  readonly name: string;
  readonly description: string;
  /** The graph, restored, with the case's weights. */
  readonly doc: GraphDocument;
  readonly graph: Omit<StackGraph, 'doc'>;
  readonly feed: BatchFeed;
  /** `init.<layer>.<h|c>` → [B,H], for layers whose initial state is given. */
  readonly given: ReadonlyMap<string, Float64Array>;
  readonly clip?: ClipConfig;
  readonly tbptt?: Tbptt;
  /** `training.pascanu`: the regularised node (document id) and λ. */
  readonly pascanu?: PascanuConfig & { readonly lambda: number };
  readonly names: WeightNames;
  readonly expected: Readonly<Record<string, unknown>>;
  /** Top-level keys of `expected` left out of the comparison (numbers of a separable need). */
  readonly excluded: readonly string[];
}

export type LoadResult =
  /** Runnable; `needs` lists separable features Unroll lacks (their numbers are not compared). */
  | { readonly status: 'ready'; readonly case: LoadedCase; readonly needs: readonly Need[] }
  | { readonly status: 'skipped'; readonly name: string; readonly reason: string; readonly needs: readonly Need[] }
  | { readonly status: 'invalid'; readonly name: string; readonly error: CaseError };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The case's name, for a report row, even when the rest does not parse. */
function nameOf(json: unknown, fallback: string): string {
  return isObject(json) && typeof json.name === 'string' && json.name.length > 0 ? json.name : fallback;
}

export function loadCase(json: unknown, fallbackName = '(unnamed case)'): LoadResult {
  const name = nameOf(json, fallbackName);
  try {
    return loadChecked(json);
  } catch (e) {
    if (e instanceof CaseError) return { status: 'invalid', name, error: e };
    throw e;
  }
}

function loadChecked(json: unknown): LoadResult {
  const parsed = CaseSchema.safeParse(json);
  if (!parsed.success) throw new CaseError('case-invalid', undefined, describeIssues('', parsed.error));
  const c = parsed.data;
  const name = c.name;
  const needs: Need[] = [...trainingNeeds(c.training)];
  const pascanu = readPascanu(c.training?.pascanu);
  const parse = <T>(schema: z.ZodType<T>): T => {
    const m = schema.safeParse(c.model);
    if (!m.success) throw new CaseError('case-invalid', undefined, describeIssues('model', m.error));
    return m.data;
  };
  // Each model kind: what it needs, and how its graph and batch are built (once nothing is missing).
  let build: (weights: ReadonlyMap<string, CaseTensor>, names: WeightNames) => ModelGraph & { given?: ReadonlyMap<string, Float64Array> };
  let head = 'out';
  if (c.model.kind === 'stack') {
    const model = parse(StackModelSchema);
    needs.unshift(...stackNeeds(model));
    head = model.head.name ?? 'out';
    build = (weights, names) => {
      const batch = stackBatch(c.batch, model);
      return { graph: buildStackGraph(name, model, batch.inputSize, weights, names.toCase), feed: batch.feed, given: batch.given };
    };
  } else if (c.model.kind === 'multiplicative') {
    const model = parse(MultiplicativeModelSchema);
    needs.unshift(...multiplicativeNeeds(model));
    build = (weights, names) => buildMultiplicative(name, model, c.batch, weights, names.toCase);
  } else if (c.model.kind === 'jordan') {
    const model = parse(JordanModelSchema);
    needs.unshift(...jordanNeeds(model));
    build = (weights, names) => buildJordan(name, model, c.batch, weights, names.toCase);
  } else if (c.model.kind === 'kv_memory') {
    const model = parse(KVMemoryModelSchema);
    needs.unshift(...kvMemoryNeeds(model));
    build = (weights, names) => buildKVMemory(name, model, c.batch, weights, names.toCase);
  } else if (c.model.kind === 'self_attention') {
    const model = parse(SelfAttentionModelSchema);
    needs.unshift(...selfAttentionNeeds(model));
    build = (weights, names) => buildSelfAttention(name, model, c.batch, weights, names.toCase);
  } else if (c.model.kind === 'encdec') {
    const model = parse(EncDecModelSchema);
    needs.unshift(...encdecNeeds(model));
    build = (weights, names) => buildEncDec(name, model, c.batch, weights, names.toCase);
  } else {
    needs.unshift(...otherModelNeeds(c.model));
    return { status: 'skipped', name, reason: describeNeeds(needs), needs };
  }
  if (needs.some((n) => n.separable === undefined)) return { status: 'skipped', name, reason: describeNeeds(needs), needs };

  let clip: ClipConfig | undefined;
  if (c.training?.clip !== undefined) {
    const r = ClipSchema.safeParse(c.training.clip);
    if (!r.success) throw new CaseError('case-invalid', undefined, describeIssues('training.clip', r.error));
    clip = r.data;
  }
  let tbptt: Tbptt | undefined;
  if (c.tbptt !== undefined) {
    const r = TbpttSchema.safeParse(c.tbptt);
    if (!r.success) throw new CaseError('case-invalid', undefined, describeIssues('tbptt', r.error));
    tbptt = r.data;
  }

  const names = weightNames(head);
  const weights = new Map<string, CaseTensor>();
  for (const [w, t] of Object.entries(c.weights)) {
    const u = names.toUnroll(w);
    if (weights.has(u)) throw new CaseError('case-invalid', `weights.${w}`, `names the same tensor as another weight (${u})`);
    weights.set(u, t);
  }
  const built = build(weights, names);
  const { doc, ...graph } = built.graph;
  return {
    status: 'ready',
    needs,
    case: {
      name,
      description: c.description ?? '',
      doc,
      graph,
      feed: built.feed,
      given: built.given ?? new Map(),
      ...(clip !== undefined ? { clip } : {}),
      ...(tbptt !== undefined ? { tbptt } : {}),
      ...(pascanu !== undefined ? { pascanu } : {}),
      names,
      expected: c.expected,
      excluded: needs.flatMap((n) => (n.separable !== undefined ? [n.separable] : [])),
    },
  };
}

/** `training.pascanu`: `{ node, lambda? }` (λ default 1). */
const PascanuSchema = z.strictObject({
  node: z.string().min(1).max(64),
  lambda: z.number().refine(Number.isFinite, { message: 'must be a finite number' }).pipe(z.number().min(0)).default(1),
});

function readPascanu(json: unknown): LoadedCase['pascanu'] {
  if (json === undefined) return undefined;
  const r = PascanuSchema.safeParse(json);
  if (!r.success) throw new CaseError('case-invalid', undefined, describeIssues('training.pascanu', r.error));
  return { nodes: [r.data.node], lambda: r.data.lambda };
}
