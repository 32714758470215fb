import type { CaseLayer, StackModel } from './schema';

/**
 * What a case's model asks for that Unroll does not have, decided from the model block alone (so a
 * new case of a supported model runs with no code change, and one of a missing kind is skipped with
 * its name). A need is `separable` when the rest of the case does not depend on it (its numbers are
 * in their own top-level block of `expected`): the rest is then still run and checked.
 */
export interface Need {
  /** What is missing, e.g. `Bidirectional`, `Attention`. */
  readonly what: string;
  /** The top-level key of `expected` that holds the numbers only this feature gives, when separable. */
  readonly separable?: string;
}

const LAYER_KEYS: Readonly<Record<string, readonly string[]>> = {
  rnn: ['activation', 'skip'],
  lstm: ['peepholes'],
  gru: ['resetAfter', 'updateConvention'],
  leaky: ['alpha'],
};
const COMMON_LAYER_KEYS = ['cell', 'hidden', 'name', 'init', 'bidirectional'];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A skip connection Unroll's RNN has: `{ d ≥ 2, mode: add | remove }` and nothing else. */
function skipNeeds(skip: unknown, where: string): Need[] {
  if (!isObject(skip)) return [{ what: `rnn skip of the form ${JSON.stringify(skip)} (${where})` }];
  const out = unknownKeys(skip, ['d', 'mode'], 'rnn skip');
  if (skip.mode !== undefined && skip.mode !== 'add' && skip.mode !== 'remove') out.push({ what: `rnn skip mode "${String(skip.mode)}"` });
  return out;
}

export function layerNeeds(layer: CaseLayer & Record<string, unknown>, where: string): Need[] {
  const out: Need[] = [];
  const own = LAYER_KEYS[layer.cell];
  if (own === undefined) return [{ what: `cell "${layer.cell}"` }];
  if (layer.bidirectional === true) {
    if (layer.cell === 'leaky') out.push({ what: 'Bidirectional leaky cell' });
    if (layer.skip !== undefined) out.push({ what: 'Bidirectional rnn with a skip connection' });
    if (layer.init === 'given') out.push({ what: 'given initial states of a Bidirectional layer' });
    if (layer.merge !== undefined && layer.merge !== 'concat' && layer.merge !== 'sum') out.push({ what: `Bidirectional merge "${String(layer.merge)}"` });
  }
  for (const key of Object.keys(layer)) {
    if (COMMON_LAYER_KEYS.includes(key) || own.includes(key)) continue;
    if (key === 'merge' && layer.bidirectional === true) continue; // checked above
    out.push({ what: `${layer.cell} option "${key}" (${where})` });
  }
  if (layer.skip !== undefined) out.push(...skipNeeds(layer.skip, where));
  if (layer.alpha !== undefined && layer.alpha !== 'fixed' && layer.alpha !== 'trainable') out.push({ what: `leaky alpha "${layer.alpha}"` });
  if (layer.activation !== undefined && layer.activation !== 'tanh' && layer.activation !== 'relu') out.push({ what: `rnn activation "${layer.activation}"` });
  if (layer.updateConvention !== undefined && layer.updateConvention !== 'old' && layer.updateConvention !== 'new') out.push({ what: `gru updateConvention "${layer.updateConvention}"` });
  if (layer.init !== undefined && !['zeros', 'learned', 'given'].includes(layer.init)) out.push({ what: `initial state "${layer.init}"` });
  return out;
}

export function unknownKeys(obj: Record<string, unknown>, known: readonly string[], what: string): Need[] {
  return Object.keys(obj)
    .filter((k) => !known.includes(k))
    .map((k) => ({ what: `${what} option "${k}"` }));
}

/** Needs of a `stack` model (already parsed by `StackModelSchema`). */
export function stackNeeds(model: StackModel): Need[] {
  const out: Need[] = [...unknownKeys(model, ['kind', 'input', 'layers', 'head', 'loss'], 'model')];
  const input = model.input;
  if (!['dense', 'onehot', 'embedding'].includes(input.kind)) out.push({ what: `input "${input.kind}"` });
  out.push(...unknownKeys(input, ['kind', 'vocab', 'size', 'name'], 'input'));
  model.layers.forEach((l, i) => out.push(...layerNeeds(l, `layers[${i}]`)));
  if (model.head.shape !== 'n->n' && model.head.shape !== 'n->1') out.push({ what: `head shape "${model.head.shape}"` });
  out.push(...unknownKeys(model.head, ['size', 'shape', 'name'], 'head'));
  if (!['ce', 'mse', 'bce'].includes(model.loss.kind)) out.push({ what: `loss "${model.loss.kind}"` });
  if (model.loss.reduction !== 'sumTimeMeanBatch' && model.loss.reduction !== 'meanValidSteps') out.push({ what: `loss reduction "${model.loss.reduction}"` });
  out.push(...unknownKeys(model.loss, ['kind', 'reduction'], 'loss'));
  return out;
}

/** Needs of the model kinds Unroll has no graph for: each names the node kinds it would take. */
export function otherModelNeeds(model: Record<string, unknown> & { kind: string }): Need[] {
  switch (model.kind) {
    case 'encdec': {
      const out: Need[] = [];
      if (isObject(model.attention)) out.push({ what: isObject(model.attention.local) ? 'Attention (local)' : 'Attention' });
      if (isObject(model.decoder) && model.decoder.bridge !== 'zeros') out.push({ what: 'initial state input' });
      out.push({ what: 'a decoder time axis (encoder–decoder)' });
      return out;
    }
    default:
      return [{ what: `model kind "${model.kind}"` }];
  }
}

/** Needs of `training` (besides `clip` and `pascanu`, which Unroll has). */
export function trainingNeeds(training: Record<string, unknown> | undefined): Need[] {
  if (training === undefined) return [];
  const out: Need[] = [];
  for (const key of Object.keys(training)) {
    if (key === 'clip' || key === 'pascanu') continue;
    out.push({ what: `training option "${key}"` });
  }
  return out;
}

export function describeNeeds(needs: readonly Need[]): string {
  return `needs ${[...new Set(needs.map((n) => n.what))].join(', ')}`;
}
