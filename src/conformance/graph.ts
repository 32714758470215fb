import type { GraphDocument, StoredWeight } from '../graph/document';
import { applyEdit, createDocument, type Edit, type NewNode } from '../graph/edits';
import { restore } from '../graph/restore';
import { encodeWeight } from '../graph/weights';
import { CaseError } from './errors';
import type { CaseTensor, StackModel } from './schema';

/**
 * The Unroll graph of a `stack` case, wired as a user would on the canvas:
 *
 *   Input x ─────────────────────────┐                 (dense)
 *   Input tokens → OneHot | Embedding ┴→ l0 → l1 → … → [LastStep] → Linear out → loss ← Input y
 *
 * Cells are the RNN / LSTM / GRU nodes (ids `l0`, `l1`, … or the case's names), or Bidirectional
 * nodes for `bidirectional` layers (read n→1 through their `final` port, not a LastStep); the head is a
 * Linear node whose `W0`/`b` are the case's `V`/`c`, and the loss is CrossEntropy / MSE / BCE. The
 * case's weights are stored on their nodes under Unroll's names (`names.ts`); the document then goes
 * through `restore()`, like a file a user opens.
 */

export interface StackGraph {
  readonly doc: GraphDocument;
  /** The recurrent layers, bottom first: node id, cell and whether its initial state is given. */
  readonly layers: readonly { readonly id: string; readonly cell: StackCell; readonly given: boolean }[];
  /** The head (Linear) node and whether it reads every step or the last valid one; null when the model has none. */
  readonly head: { readonly id: string; readonly perStep: boolean } | null;
  /** The loss node. */
  readonly loss: string;
  /** Further results: `outputs.<key>` of the case → the plan value that gives it (e.g. `mul.y`). */
  readonly outputs: Readonly<Record<string, CaseOutput>>;
  /**
   * Layers whose `‖∂L/∂h_t‖` is the gradient of an output other than the value their Delay carries
   * (a Jordan cell feeds back its output, not h): layer → document port of h.
   */
  readonly hiddenStates?: Readonly<Record<string, string>>;
}

/**
 * A node's output reported under a case path: `value` is `<node>.<port>` of the document (a
 * composite's output is found in its expansion); `hops` reads a `[B, M, hops]` value as `[B, hops, M]`.
 * With `probe`, `value` is the id of a whole-sequence node and the result is that probe of its kernel
 * (a SelfAttention's `alpha` `[B, T, T]`, `Executor.sequenceProbes`).
 */
export interface CaseOutput {
  readonly value: string;
  readonly layout?: 'hops';
  readonly probe?: string;
}


export type StackCell = keyof typeof CELL_TYPE;

export const CELL_TYPE = { rnn: 'RNN', lstm: 'LSTM', gru: 'GRU', leaky: 'Leaky' } as const;

export function bidirectionalParams(l: StackModel['layers'][number]): Record<string, unknown> {
  const p = cellParams(l);
  p.cell = l.cell;
  if (l.merge !== undefined) p.merge = l.merge;
  return p;
}

export function cellParams(l: StackModel['layers'][number]): Record<string, unknown> {
  const p: Record<string, unknown> = { hidden: l.hidden, init: l.init === 'learned' ? 'learned' : 'zeros' };
  if (l.activation !== undefined) p.activation = l.activation;
  if (l.skip !== undefined) p.skip = l.skip;
  if (l.alpha !== undefined) p.alpha = l.alpha;
  if (l.peepholes !== undefined) p.peepholes = l.peepholes;
  if (l.resetAfter !== undefined) p.resetAfter = l.resetAfter;
  if (l.updateConvention !== undefined) p.updateConvention = l.updateConvention;
  return p;
}

/**
 * Builds and restores the graph of `model` with `weights` (already under Unroll names: `names`
 * maps an Unroll name back to the case's for messages). `inputSize` is I (dense) or V (tokens).
 */
export function buildStackGraph(name: string, model: StackModel, inputSize: number, weights: ReadonlyMap<string, CaseTensor>, caseName: (unroll: string) => string): StackGraph {
  const nodes: NewNode[] = [];
  const wires: [string, string][] = [];
  const at = (i: number) => ({ x: 240 * i, y: 0 });
  let col = 0;
  let source: string;
  if (model.input.kind === 'dense') {
    nodes.push({ id: 'x', type: 'Input', position: at(col++), params: { role: 'sequence', size: inputSize } });
    source = 'x.out';
  } else {
    nodes.push({ id: 'tokens', type: 'Input', position: at(col++), params: { role: 'sequence', size: inputSize, dtype: 'index' } });
    if (model.input.kind === 'onehot') {
      nodes.push({ id: 'onehot', type: 'OneHot', position: at(col++), params: { classes: inputSize } });
      wires.push(['tokens.out', 'onehot.index']);
      source = 'onehot.out';
    } else {
      const id = model.input.name ?? 'emb';
      if (model.input.size === undefined) throw new CaseError('case-invalid', 'model.input.size', 'an embedding input needs its vector size');
      nodes.push({ id, type: 'Embedding', position: at(col++), params: { vocab: inputSize, size: model.input.size } });
      wires.push(['tokens.out', `${id}.index`]);
      source = `${id}.out`;
    }
  }
  const layers = model.layers.map((l, i) => {
    const id = l.name ?? `l${i}`;
    const cell = l.cell as StackCell;
    const bi = l.bidirectional === true;
    nodes.push({ id, type: bi ? 'Bidirectional' : CELL_TYPE[cell], position: at(col++), params: bi ? bidirectionalParams(l) : cellParams(l) });
    wires.push([source, `${id}.in`]);
    source = `${id}.h`;
    return { id, cell, given: l.init === 'given' };
  });
  const perStep = model.head.shape === 'n->n';
  const top = model.layers[model.layers.length - 1];
  if (!perStep && top.bidirectional === true) source = `${layers[layers.length - 1].id}.final`; // [h→_{τ_b}; h←_1]
  else if (!perStep) {
    nodes.push({ id: 'last', type: 'LastStep', position: at(col++), params: {} });
    wires.push([source, 'last.in']);
    source = 'last.out';
  }
  const head = model.head.name ?? 'out';
  nodes.push({ id: head, type: 'Linear', position: at(col++), params: { inputs: 1, units: model.head.size } });
  wires.push([source, `${head}.in0`]);
  const ce = model.loss.kind === 'ce';
  const lossType = ce ? 'CrossEntropy' : model.loss.kind === 'mse' ? 'MSE' : 'BCE';
  nodes.push({ id: 'y', type: 'Input', position: { x: 240 * (col - 1), y: 160 }, params: { role: perStep ? 'sequence' : 'vector', size: model.head.size, ...(ce ? { dtype: 'index' } : {}) } });
  nodes.push({ id: 'loss', type: lossType, position: at(col++), params: { reduction: model.loss.reduction } });
  wires.push([`${head}.out`, lossType === 'MSE' ? 'loss.prediction' : 'loss.logits'], ['y.out', 'loss.target']);

  const doc = assembleGraph(name, nodes, wires, weights, caseName);
  return { doc, layers, head: { id: head, perStep }, loss: 'loss', outputs: {} };
}

/**
 * The document of `nodes` joined by `wires` (`node.port` → `node.port`), with each weight stored on
 * the node its name starts with; restored like a file a user opens.
 */
export function assembleGraph(name: string, nodes: readonly NewNode[], wires: readonly (readonly [string, string])[], weights: ReadonlyMap<string, CaseTensor>, caseName: (unroll: string) => string): GraphDocument {
  const ids = new Set<string>();
  for (const n of nodes) {
    if (ids.has(n.id)) throw new CaseError('case-invalid', 'model', `two nodes of the graph would both be called "${n.id}"; rename a layer, the head or the memory`);
    ids.add(n.id);
  }
  const byNode = new Map<string, Record<string, StoredWeight>>();
  for (const [w, t] of weights) {
    const owner = w.slice(0, w.indexOf('.'));
    if (!ids.has(owner)) throw new CaseError('case-invalid', `weights.${caseName(w)}`, `no node "${owner}" in the graph of this model (its nodes: ${[...ids].join(', ')})`);
    const enc = encodeWeight(w, t.shape, Float64Array.from(t.data));
    if (!enc.ok) throw new CaseError('case-invalid', `weights.${caseName(w)}`, enc.problem.message);
    const own = byNode.get(owner) ?? {};
    own[w] = enc.weight;
    byNode.set(owner, own);
  }

  const edits: Edit[] = [
    ...nodes.map((node): Edit => ({ kind: 'addNode', node, ...(byNode.has(node.id) ? { weights: byNode.get(node.id) } : {}) })),
    ...wires.map(([from, to], i): Edit => {
      const [sn, sp] = from.split('.');
      const [tn, tp] = to.split('.');
      return { kind: 'connect', edge: { id: `e${i + 1}`, source: { node: sn, port: sp }, target: { node: tn, port: tp } } };
    }),
  ];
  const built = applyEdit(createDocument(name), { kind: 'batch', edits });
  if (!built.ok) throw new CaseError('case-graph', 'model', `the graph cannot be wired: ${built.message} [${built.code}]`);
  const restored = restore(JSON.parse(JSON.stringify(built.doc)));
  if (!restored.ok) throw new CaseError('case-graph', 'model', `the graph does not restore: ${restored.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  return restored.doc;
}
