import { z } from 'zod';
import type { BatchFeed } from '../engine/feeds';
import type { NewNode } from '../graph/edits';
import { ids, lengthsOf } from './batch';
import { CaseError } from './errors';
import { flatten } from './flatten';
import { assembleGraph } from './graph';
import type { ModelGraph } from './models';
import type { Need } from './needs';
import type { CaseTensor } from './schema';

const count = z.number().int().min(1).max(1 << 16);

export const SelfAttentionModelSchema = z.looseObject({
  kind: z.literal('self_attention'),
  positional: z.looseObject({ kind: z.string().default('none'), maxLen: count.optional() }).default({ kind: 'none' }),
  attention: z.looseObject({ dk: count, dv: count, causal: z.boolean().default(false) }),
  head: z.looseObject({ size: count }),
  loss: z.looseObject({ kind: z.string(), reduction: z.string().default('sumTimeMeanBatch') }),
});
export type SelfAttentionModel = z.infer<typeof SelfAttentionModelSchema>;

function unknownKeys(obj: Record<string, unknown>, known: readonly string[], what: string): Need[] {
  return Object.keys(obj)
    .filter((k) => !known.includes(k))
    .map((k) => ({ what: `${what} option "${k}"` }));
}

/** What a self_attention model asks for that Unroll lacks (unknown options, encodings or losses). */
export function selfAttentionNeeds(model: SelfAttentionModel): Need[] {
  const out = [
    ...unknownKeys(model, ['kind', 'positional', 'attention', 'head', 'loss'], 'model'),
    ...unknownKeys(model.positional, ['kind', 'maxLen'], 'positional'),
    ...unknownKeys(model.attention, ['dk', 'dv', 'causal'], 'attention'),
    ...unknownKeys(model.head, ['size'], 'head'),
    ...unknownKeys(model.loss, ['kind', 'reduction'], 'loss'),
  ];
  if (!['none', 'sinusoidal', 'learned'].includes(model.positional.kind)) out.push({ what: `positional encoding "${model.positional.kind}"` });
  if (!['ce', 'mse', 'bce'].includes(model.loss.kind)) out.push({ what: `loss "${model.loss.kind}"` });
  if (model.loss.reduction !== 'sumTimeMeanBatch' && model.loss.reduction !== 'meanValidSteps') out.push({ what: `loss reduction "${model.loss.reduction}"` });
  return out;
}

/**
 * `self_attention`: Input x [B,T,D] → [PositionalEncoding `pe`] → SelfAttention `attn` → Linear head
 * `out` (per step) → loss ← Input y. `outputs.attn.out` is the attention's output and
 * `outputs.attn.alpha` its weights `[B, T, T]` (the kernel's `alpha` probe).
 */
export function buildSelfAttention(name: string, model: SelfAttentionModel, batch: Record<string, unknown>, weights: ReadonlyMap<string, CaseTensor>, caseName: (unroll: string) => string): ModelGraph {
  const leaves = flatten(batch);
  const x = leaves.get('x');
  if (x === undefined || x.shape.length !== 3) throw new CaseError('case-invalid', 'batch.x', `expected a sequence [B, T, D], got ${x === undefined ? 'nothing' : `[${x.shape.join(', ')}]`}`);
  const [B, T, D] = x.shape;
  const O = model.head.size;
  const ce = model.loss.kind === 'ce';
  const y = leaves.get('y');
  if (y === undefined || y.shape[0] !== B || y.shape[1] !== T || y.shape.length !== (ce ? 2 : 3) || (!ce && y.shape[2] !== O)) {
    throw new CaseError('case-invalid', 'batch.y', `expected ${ce ? `class ids [${B}, ${T}]` : `targets [${B}, ${T}, ${O}]`}, got ${y === undefined ? 'nothing' : `[${y.shape.join(', ')}]`}`);
  }
  const lengths = lengthsOf(leaves, B, T);
  if (ce) for (let b = 0; b < B; b++) ids({ shape: [lengths[b]], data: Array.from({ length: lengths[b] }, (_, t) => y.data[b * T + t]) }, O, 'y');
  const pos = model.positional;
  if (pos.kind === 'learned' && pos.maxLen === undefined) throw new CaseError('case-invalid', 'model.positional.maxLen', 'a learned positional encoding needs maxLen (the rows of pe.P)');
  const lossType = ce ? 'CrossEntropy' : model.loss.kind === 'mse' ? 'MSE' : 'BCE';
  const nodes: NewNode[] = [{ id: 'x', type: 'Input', position: { x: 0, y: 0 }, params: { role: 'sequence', size: D } }];
  const wires: [string, string][] = [];
  let source = 'x.out';
  if (pos.kind !== 'none') {
    nodes.push({ id: 'pe', type: 'PositionalEncoding', position: { x: 240, y: 0 }, params: { kind: pos.kind, ...(pos.maxLen !== undefined ? { maxLen: pos.maxLen } : {}) } });
    wires.push([source, 'pe.in']);
    source = 'pe.out';
  }
  const { dk, dv, causal } = model.attention;
  nodes.push(
    { id: 'attn', type: 'SelfAttention', position: { x: 480, y: 0 }, params: { dk, dv, causal } },
    { id: 'out', type: 'Linear', position: { x: 720, y: 0 }, params: { inputs: 1, units: O } },
    { id: 'y', type: 'Input', position: { x: 720, y: 160 }, params: { role: 'sequence', size: O, ...(ce ? { dtype: 'index' } : {}) } },
    { id: 'loss', type: lossType, position: { x: 960, y: 0 }, params: { reduction: model.loss.reduction } },
  );
  wires.push([source, 'attn.in'], ['attn.out', 'out.in0'], ['out.out', lossType === 'MSE' ? 'loss.prediction' : 'loss.logits'], ['y.out', 'loss.target']);
  const doc = assembleGraph(name, nodes, wires, weights, caseName);
  const feed: BatchFeed = { feeds: { x: Float64Array.from(x.data), y: Float64Array.from(y.data) }, lengths, T };
  const outputs = { 'attn.out': { value: 'attn.out' }, 'attn.alpha': { value: 'attn', probe: 'alpha' } };
  return { graph: { doc, layers: [], head: { id: 'out', perStep: true }, loss: 'loss', outputs }, feed };
}
