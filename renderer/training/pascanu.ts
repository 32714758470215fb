import { compile } from '../../src/compiler';
import { PascanuError, resolvePascanu, type PascanuConfig } from '../../src/engine/pascanu';
import type { GraphDocument } from '../../src/graph/document';
import type { TrainingForm } from './trainingStore';

/**
 * The training form's Pascanu regulariser (`training.pascanu`, models.md "Outputs and losses"):
 * which nodes it offers, when it is unavailable, and the engine's own check of a setting, run here
 * (pure `src/` code) so a bad setting is named beside the control before anything starts.
 */

type Graph = Pick<GraphDocument, 'nodes' | 'edges'>;

/** Why the control is disabled: no RNN, LSTM or GRU node in the graph, or truncated BPTT chosen in the form. */
export type PascanuBlock = 'noCell' | 'tbptt';

/** The node kinds Ω is defined for. */
const CELL_KINDS: readonly string[] = ['RNN', 'LSTM', 'GRU'];

/** Ids of the graph's `RNN`, `LSTM` and `GRU` nodes (the kinds Ω is defined for), in document order. */
export function cellNodeIds(graph: Pick<GraphDocument, 'nodes'>): string[] {
  return graph.nodes.filter((n) => CELL_KINDS.includes(n.type)).map((n) => n.id);
}

/** Whether the form asks for truncated BPTT (either k field filled). */
export const formHasTbptt = (form: Pick<TrainingForm, 'k1' | 'k2'>): boolean => form.k1.trim() !== '' || form.k2.trim() !== '';

export function pascanuBlock(form: Pick<TrainingForm, 'k1' | 'k2'>, graph: Pick<GraphDocument, 'nodes'>): PascanuBlock | undefined {
  if (cellNodeIds(graph).length === 0) return 'noCell';
  if (formHasTbptt(form)) return 'tbptt';
  return undefined;
}

/**
 * The cells covered while the form has made no choice: every RNN, LSTM and GRU node except those
 * on the target (decoder) time axis, which training refuses.
 */
function defaultNodes(graph: Graph): string[] {
  const cells = cellNodeIds(graph);
  const compiled = compile(graph);
  if (!compiled.ok) return cells;
  const decoder = new Set(compiled.plan.recurrences.filter((r) => r.axis === 1).map((r) => r.node));
  return cells.filter((id) => !decoder.has(id));
}

/**
 * The nodes the regulariser covers: the default cells while the form has made no choice (`null`),
 * else the chosen ids that are still in the graph (a deleted node leaves the choice).
 */
export function pascanuNodes(form: Pick<TrainingForm, 'pascanuNodes'>, graph: Graph): string[] {
  if (form.pascanuNodes === null) return defaultNodes(graph);
  const present = new Set<string>(graph.nodes.map((n) => n.id));
  return form.pascanuNodes.filter((id) => present.has(id));
}

/** The nodes the control lists: the RNN, LSTM and GRU nodes, then any other chosen node still in the graph (so it can be unticked). */
export function offeredNodes(form: Pick<TrainingForm, 'pascanuNodes'>, graph: Graph): string[] {
  const cells = cellNodeIds(graph);
  if (form.pascanuNodes === null) return cells;
  return [...cells, ...pascanuNodes(form, graph).filter((id) => !cells.includes(id))];
}

/** The form's choice with `id` ticked or unticked (the first change turns the default into a list). */
export function toggledNodes(form: Pick<TrainingForm, 'pascanuNodes'>, graph: Graph, id: string, on: boolean): string[] {
  const current = pascanuNodes(form, graph);
  const rest = current.filter((x) => x !== id);
  if (!on) return rest;
  // Keep the listed order: cells in document order, then the others.
  const wanted = new Set([...rest, id]);
  return offeredNodes({ pascanuNodes: [...wanted] }, graph).filter((x) => wanted.has(x));
}

/** λ as typed: a finite number ≥ 0, or undefined. */
export function parseLambda(text: string): number | undefined {
  const v = text.trim() === '' ? NaN : Number(text);
  return Number.isFinite(v) && v >= 0 ? v : undefined;
}

/**
 * The engine's verdict on a setting (`resolvePascanu` against the compiled graph): its message, or
 * undefined when the setting is good. A graph that does not compile is left to the graph's own
 * problem list (the host reports it on Start).
 */
export function pascanuProblem(graph: Graph, config: PascanuConfig): string | undefined {
  const compiled = compile(graph);
  if (!compiled.ok) return undefined;
  try {
    resolvePascanu(compiled.plan, graph.nodes, config);
    return undefined;
  } catch (e) {
    if (e instanceof PascanuError) return e.message;
    throw e;
  }
}
