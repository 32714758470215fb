import { z } from 'zod';
import type { NewNode } from '../graph/edits';
import { ids, lengthsOf } from './batch';
import { CaseError } from './errors';
import { flatten, type Leaf } from './flatten';
import { assembleGraph, bidirectionalParams, cellParams, CELL_TYPE, type StackCell } from './graph';
import type { ModelGraph } from './models';
import { layerNeeds, unknownKeys, type Need } from './needs';
import { LayerSchema, type CaseTensor } from './schema';

/**
 * The graph of an `encdec` case (models.md "n→m encoder–decoder" and the settled decoder wiring of
 * "Attention and memory"), wired as the seq2seq-with-attention template is:
 *
 *   Input x (source axis) → l0 → l1 … ──────────────┬─→ memory of Attention `attn`
 *                                      └→ LastStep / `final` (the bridge) → dec.h0 (and c0), s_prev.init
 *   Input dec_tokens (target axis) → OneHot ┐
 *   Attention `attn` (query = Delay `s_prev` of dec.h) ┴→ Concat → decoder cell `dec` → [Concat with c_i] → Linear `out` → loss ← Input y
 *
 * The decoder's inputs live on the target time axis (`axis: target`), with the batch's `dec_lengths`.
 */

const count = z.number().int().min(1).max(1 << 16);

export const EncDecModelSchema = z.looseObject({
  kind: z.literal('encdec'),
  input: z.looseObject({ kind: z.string(), vocab: count.optional() }).default({ kind: 'dense' }),
  encoder: z.array(LayerSchema).min(1),
  decoder: z.looseObject({ cell: z.string(), hidden: count, bridge: z.string().default('final'), contextInput: z.boolean().default(false) }),
  decInput: z.looseObject({ kind: z.string(), vocab: count.optional() }).default({ kind: 'dense' }),
  attention: z
    .looseObject({
      score: z.string(),
      attnSize: count.optional(),
      local: z.looseObject({ size: count, d: z.number().positive().optional() }).optional(),
    })
    .optional(),
  head: z.looseObject({ size: count, input: z.string().default('state') }),
  loss: z.looseObject({ kind: z.string(), reduction: z.string().default('sumTimeMeanBatch') }),
});
export type EncDecModel = z.infer<typeof EncDecModelSchema>;

/** What an encdec model asks for that Unroll lacks. */
export function encdecNeeds(model: EncDecModel): Need[] {
  const out: Need[] = [...unknownKeys(model, ['kind', 'input', 'encoder', 'decoder', 'decInput', 'attention', 'head', 'loss'], 'model')];
  for (const [key, input] of [['input', model.input], ['decInput', model.decInput]] as const) {
    if (input.kind !== 'dense' && input.kind !== 'onehot') out.push({ what: `${key} "${input.kind}"` });
    out.push(...unknownKeys(input, ['kind', 'vocab'], key));
  }
  model.encoder.forEach((l, i) => {
    out.push(...layerNeeds(l, `encoder[${i}]`));
    if (l.init === 'given') out.push({ what: 'given initial states of an encoder layer' });
  });
  const dec = model.decoder;
  if (!['rnn', 'lstm', 'gru'].includes(dec.cell)) out.push({ what: `decoder cell "${dec.cell}"` });
  if (dec.bridge !== 'final' && dec.bridge !== 'zeros') out.push({ what: `decoder bridge "${dec.bridge}"` });
  if (dec.contextInput) out.push({ what: 'the context C concatenated to every decoder input (contextInput)' });
  out.push(...unknownKeys(dec, ['cell', 'hidden', 'bridge', 'contextInput'], 'decoder'));
  const top = model.encoder[model.encoder.length - 1];
  if (dec.bridge === 'final') {
    const width = top.bidirectional === true ? 2 * top.hidden : top.hidden;
    if (width !== dec.hidden) out.push({ what: `a bridge from an encoder state of ${width} units to a decoder of ${dec.hidden}` });
    if (dec.cell === 'lstm' && top.cell !== 'lstm') out.push({ what: 'an LSTM decoder fed by a non-LSTM encoder (c_0)' });
  }
  const a = model.attention;
  if (a !== undefined) {
    if (!['dot', 'scaled', 'general', 'additive'].includes(a.score)) out.push({ what: `attention score "${a.score}"` });
    out.push(...unknownKeys(a, ['score', 'attnSize', 'local'], 'attention'));
    if (a.local !== undefined) out.push(...unknownKeys(a.local, ['size', 'd'], 'local attention'));
  }
  if (model.head.input !== 'state' && model.head.input !== 'state_context') out.push({ what: `head input "${model.head.input}"` });
  if (model.head.input === 'state_context' && a === undefined) out.push({ what: 'a head reading the attention context without attention' });
  out.push(...unknownKeys(model.head, ['size', 'input'], 'head'));
  if (!['ce', 'mse', 'bce'].includes(model.loss.kind)) out.push({ what: `loss "${model.loss.kind}"` });
  if (model.loss.reduction !== 'sumTimeMeanBatch' && model.loss.reduction !== 'meanValidSteps') out.push({ what: `loss reduction "${model.loss.reduction}"` });
  out.push(...unknownKeys(model.loss, ['kind', 'reduction'], 'loss'));
  return out;
}

function leaf(leaves: ReadonlyMap<string, Leaf>, key: string, dims: number, why: string): Leaf {
  const l = leaves.get(key);
  if (l === undefined) throw new CaseError('case-invalid', `batch.${key}`, `missing; ${why}`);
  if (l.shape.length !== dims) throw new CaseError('case-invalid', `batch.${key}`, `expected ${dims} dimensions, got [${l.shape.join(', ')}]`);
  return l;
}

/** A sequence input of one axis: dense `[B,T,I]` or token ids `[B,T]` (with its vocabulary). */
function sequenceInput(leaves: ReadonlyMap<string, Leaf>, input: EncDecModel['input'], dense: string, tokens: string, what: string): { key: string; x: Leaf; size: number; onehot: boolean } {
  const onehot = input.kind === 'onehot';
  const key = onehot ? tokens : dense;
  const x = leaf(leaves, key, onehot ? 2 : 3, onehot ? `the ${what} takes token ids [B,T]` : `the ${what} takes ${dense} [B,T,I]`);
  if (!onehot) return { key, x, size: x.shape[2], onehot };
  if (input.vocab === undefined) throw new CaseError('case-invalid', 'model', `a one-hot ${what} input needs its vocabulary size (vocab)`);
  return { key, x, size: input.vocab, onehot };
}

/** `dec_lengths` [B] in 1…T', or all T'. */
function targetLengths(leaves: ReadonlyMap<string, Leaf>, B: number, T1: number): Int32Array {
  const l = leaves.get('dec_lengths');
  if (l === undefined) return new Int32Array(B).fill(T1);
  if (l.shape.length !== 1 || l.shape[0] !== B) throw new CaseError('case-invalid', 'batch.dec_lengths', `expected one length per sample [${B}], got [${l.shape.join(', ')}]`);
  const out = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const n = l.data[b];
    if (!Number.isInteger(n) || n < 1 || n > T1) throw new CaseError('case-invalid', 'batch.dec_lengths', `sample ${b} has length ${n}, outside 1…${T1}`);
    out[b] = n;
  }
  return out;
}

export function buildEncDec(name: string, model: EncDecModel, batch: Record<string, unknown>, weights: ReadonlyMap<string, CaseTensor>, caseName: (unroll: string) => string): ModelGraph {
  const leaves = flatten(batch);
  const src = sequenceInput(leaves, model.input, 'x', 'tokens', 'encoder');
  const [B, T] = src.x.shape;
  const lengths = lengthsOf(leaves, B, T);
  if (src.onehot) ids(src.x, src.size, src.key);
  const tgt = sequenceInput(leaves, model.decInput, 'dec_x', 'dec_tokens', 'decoder');
  const [B1, T1] = tgt.x.shape;
  if (B1 !== B) throw new CaseError('case-invalid', `batch.${tgt.key}`, `has ${B1} samples, the encoder input has ${B}`);
  const decLengths = targetLengths(leaves, B, T1);
  if (tgt.onehot) ids(tgt.x, tgt.size, tgt.key);
  const O = model.head.size;
  const ce = model.loss.kind === 'ce';
  const y = leaf(leaves, 'y', ce ? 2 : 3, 'the loss takes targets y');
  if (y.shape[0] !== B || y.shape[1] !== T1 || (!ce && y.shape[2] !== O)) throw new CaseError('case-invalid', 'batch.y', `expected ${ce ? `class ids [${B}, ${T1}]` : `targets [${B}, ${T1}, ${O}]`}, got [${y.shape.join(', ')}]`);
  if (ce) for (let b = 0; b < B; b++) ids({ shape: [decLengths[b]], data: Array.from({ length: decLengths[b] }, (_, t) => y.data[b * T1 + t]) }, O, 'y');

  const nodes: NewNode[] = [];
  const wires: [string, string][] = [];
  const at = (col: number, row = 0) => ({ x: 240 * col, y: 200 * row });

  // Encoder (source axis).
  let col = 0;
  let source: string;
  if (src.onehot) {
    nodes.push({ id: 'tokens', type: 'Input', position: at(col++), params: { role: 'sequence', size: src.size, dtype: 'index' } });
    nodes.push({ id: 'onehot', type: 'OneHot', position: at(col++), params: { classes: src.size } });
    wires.push(['tokens.out', 'onehot.index']);
    source = 'onehot.out';
  } else {
    nodes.push({ id: 'x', type: 'Input', position: at(col++), params: { role: 'sequence', size: src.size } });
    source = 'x.out';
  }
  const layers = model.encoder.map((l, i) => {
    const id = l.name ?? `l${i}`;
    const bi = l.bidirectional === true;
    nodes.push({ id, type: bi ? 'Bidirectional' : CELL_TYPE[l.cell as StackCell], position: at(col++), params: bi ? bidirectionalParams(l) : cellParams(l) });
    wires.push([source, `${id}.in`]);
    source = `${id}.h`;
    return { id, cell: l.cell as StackCell, given: false, bi };
  });
  const top = layers[layers.length - 1];
  const memory = source;

  // The bridge: the top encoder layer's own final state (h, and c for LSTM → LSTM).
  const dec = model.decoder;
  const decCell = dec.cell as StackCell;
  let bridgeH: string | undefined;
  let bridgeC: string | undefined;
  if (dec.bridge === 'final') {
    if (top.bi) {
      bridgeH = `${top.id}.final`;
      if (decCell === 'lstm') bridgeC = `${top.id}.finalC`;
    } else {
      nodes.push({ id: 'enc_last', type: 'LastStep', position: at(col, 1), params: {} });
      wires.push([memory, 'enc_last.in']);
      bridgeH = 'enc_last.out';
      if (decCell === 'lstm') {
        nodes.push({ id: 'enc_last_c', type: 'LastStep', position: at(col, 2), params: {} });
        wires.push([`${top.id}.c`, 'enc_last_c.in']);
        bridgeC = 'enc_last_c.out';
      }
    }
  }
  col++;

  // Decoder (target axis).
  const H = dec.hidden;
  let decIn: string;
  if (tgt.onehot) {
    nodes.push({ id: 'dec_tokens', type: 'Input', position: at(col, 3), params: { role: 'sequence', size: tgt.size, dtype: 'index', axis: 'target' } });
    nodes.push({ id: 'dec_onehot', type: 'OneHot', position: at(col + 1, 3), params: { classes: tgt.size } });
    wires.push(['dec_tokens.out', 'dec_onehot.index']);
    decIn = 'dec_onehot.out';
  } else {
    nodes.push({ id: 'dec_x', type: 'Input', position: at(col, 3), params: { role: 'sequence', size: tgt.size, axis: 'target' } });
    decIn = 'dec_x.out';
  }
  col += 2;
  const att = model.attention;
  if (att !== undefined) {
    // s_{i−1}: the decoder's previous state, from the same initial value as the cell's own
    nodes.push({ id: 's_prev', type: 'Delay', position: at(col, 2), params: { size: H } });
    wires.push(['dec.h', 's_prev.in']);
    if (bridgeH !== undefined) wires.push([bridgeH, 's_prev.init']);
    const params: Record<string, unknown> = { score: att.score, local: att.local !== undefined };
    if (att.attnSize !== undefined) params.attnSize = att.attnSize;
    if (att.local !== undefined) {
      params.localSize = att.local.size;
      if (att.local.d !== undefined) params.d = att.local.d;
    }
    nodes.push({ id: 'attn', type: 'Attention', position: at(col, 1), params });
    wires.push(['s_prev.out', 'attn.query'], [memory, 'attn.memory']);
    nodes.push({ id: 'dec_in', type: 'Concat', position: at(col + 1, 2), params: { inputs: 2 } });
    wires.push([decIn, 'dec_in.in0'], ['attn.context', 'dec_in.in1']);
    decIn = 'dec_in.out';
    col += 2;
  }
  nodes.push({ id: 'dec', type: CELL_TYPE[decCell], position: at(col++, 2), params: cellParams({ cell: dec.cell, hidden: H }) });
  wires.push([decIn, 'dec.in']);
  if (bridgeH !== undefined) wires.push([bridgeH, 'dec.h0']);
  if (bridgeC !== undefined) wires.push([bridgeC, 'dec.c0']);
  let headIn = 'dec.h';
  if (model.head.input === 'state_context') {
    nodes.push({ id: 'head_in', type: 'Concat', position: at(col++, 2), params: { inputs: 2 } });
    wires.push(['dec.h', 'head_in.in0'], ['attn.context', 'head_in.in1']);
    headIn = 'head_in.out';
  }
  nodes.push({ id: 'out', type: 'Linear', position: at(col++, 2), params: { inputs: 1, units: O } });
  wires.push([headIn, 'out.in0']);
  const lossType = ce ? 'CrossEntropy' : model.loss.kind === 'mse' ? 'MSE' : 'BCE';
  nodes.push({ id: 'y', type: 'Input', position: at(col - 1, 3), params: { role: 'sequence', size: O, axis: 'target', ...(ce ? { dtype: 'index' } : {}) } });
  nodes.push({ id: 'loss', type: lossType, position: at(col, 2), params: { reduction: model.loss.reduction } });
  wires.push(['out.out', lossType === 'MSE' ? 'loss.prediction' : 'loss.logits'], ['y.out', 'loss.target']);

  const doc = assembleGraph(name, nodes, wires, weights, caseName);
  const feeds = { [src.key]: Float64Array.from(src.x.data), [tgt.key]: Float64Array.from(tgt.x.data), y: Float64Array.from(y.data) };
  const outputs: Record<string, { value: string; probe?: string }> = {};
  if (att !== undefined) {
    outputs['attn.context'] = { value: 'attn.context' };
    outputs['attn.alpha'] = { value: 'attn', probe: 'alpha' };
    if (att.local !== undefined) outputs['attn.p'] = { value: 'attn', probe: 'p' };
  }
  return {
    graph: { doc, layers: [...layers.map(({ id, cell }) => ({ id, cell, given: false })), { id: 'dec', cell: decCell, given: false }], head: { id: 'out', perStep: true }, loss: 'loss', outputs },
    feed: { feeds, lengths, T, target: { T: T1, lengths: decLengths } },
  };
}
