import type { GraphEdge, GraphNode, PortRef } from '../graph/document';
import type { EdgeId, NodeId } from '../graph/ids';
import { getNodeSpec } from '../nodes/registry';
import type { NodeSpec } from '../nodes/types';

/**
 * Compiler pass: inlines composite nodes (kinds with `decompose`, e.g. fused cells) recursively, so
 * that the rest of the pipeline sees primitives, Delays, Inputs and LastSteps only.
 *
 * - An inner node gets the id `<outer>.<inner>` (nested: `<outer>.<mid>.<inner>`).
 * - Edges into an outer input port go to every inner port it feeds; edges out of an outer output
 *   port come from the inner port that produces it.
 * - A param tensor the decomposition maps to an outer name (`Decomposition.params`) keeps the outer
 *   name `<outer>.<param>`; `paramNames` maps the inner key `<innerId>.<param>` to it.
 *
 * The result is plain nodes and edges that `validateGraph` checks and shapes like a document.
 * Run it on a validated document only: params are parsed by the kinds' schemas here.
 */

export interface ExpandedComposite {
  /** Expanded id of the composite node (a top-level id, or `<outer>.<inner>` when nested). */
  readonly id: string;
  readonly spec: NodeSpec<any>;
  readonly params: unknown;
  /** Outer input port → the expanded output port that feeds it (absent when unconnected). */
  readonly feeds: Readonly<Record<string, PortRef>>;
  /** Outer output ports in declaration order → the expanded inner port that produces it. */
  readonly outputs: readonly { readonly port: string; readonly source: PortRef }[];
  /** Named inner values (`Decomposition.probes`) → expanded port. */
  readonly probes: Readonly<Record<string, PortRef>>;
}

export interface ExpandedGraph {
  readonly nodes: GraphNode[];
  readonly edges: GraphEdge[];
  /** Expanded node id → the document node it came from (itself for a top-level primitive). */
  readonly origin: ReadonlyMap<string, string>;
  /** `<innerNodeId>.<param>` → the weight name it is stored under (`<outer>.<param>`). */
  readonly paramNames: ReadonlyMap<string, string>;
  /** Every composite that was inlined, outermost first. */
  readonly composites: readonly ExpandedComposite[];
  /** Expanded ids of inner nodes that run backwards in time per sample (`Decomposition.reversed`). */
  readonly reversed?: readonly string[];
}

interface RawNode {
  readonly id: string;
  readonly type: string;
  readonly params: Readonly<Record<string, unknown>>;
}

interface RawEdge {
  readonly id: string;
  readonly source: PortRef;
  readonly target: PortRef;
}

/** Thrown for a decomposition that does not fit its own declaration (a bug in a node kind). */
export class ExpandError extends Error {
  constructor(
    readonly nodeId: string,
    message: string,
  ) {
    super(message);
    this.name = 'ExpandError';
  }
}

const MAX_DEPTH = 16;

export function expandGraph(doc: { readonly nodes: readonly GraphNode[]; readonly edges: readonly GraphEdge[] }): ExpandedGraph {
  const nodes: GraphNode[] = [];
  const origin = new Map<string, string>();
  const alias = new Map<string, string>();
  const composites: ExpandedComposite[] = [];
  // `<compositeId>.<outPort>` → the inner port producing it; `<compositeId>.<inPort>` → inner targets.
  const outMap = new Map<string, PortRef>();
  const inMap = new Map<string, PortRef[]>();
  const rawEdges: RawEdge[] = [];
  const compositeIds = new Set<string>();
  const reversed: string[] = [];

  const ref = (node: string, port: string): PortRef => ({ node: node as NodeId, port });

  const level = (list: readonly RawNode[], edges: readonly RawEdge[], prefix: string, top: string | null, depth: number): void => {
    for (const n of list) {
      const id = prefix + n.id;
      const from = top ?? n.id;
      const spec = getNodeSpec(n.type);
      if (spec?.decompose === undefined) {
        nodes.push({ id: id as NodeId, type: n.type, version: 1, position: { x: 0, y: 0 }, params: { ...n.params } });
        origin.set(id, from);
        continue;
      }
      if (depth >= MAX_DEPTH) throw new ExpandError(from, `${n.type} node "${id}" nests composites more than ${MAX_DEPTH} levels deep`);
      const params: unknown = spec.params.parse(n.params);
      const d = spec.decompose(params);
      compositeIds.add(id);
      const inner = `${id}.`;
      for (const r of d.reversed ?? []) reversed.push(inner + r);
      for (const [port, targets] of Object.entries(d.inputs)) inMap.set(`${id}.${port}`, targets.map((t) => ref(inner + t.node, t.port)));
      for (const [port, src] of Object.entries(d.outputs)) outMap.set(`${id}.${port}`, ref(inner + src.node, src.port));
      for (const [outer, { node, param }] of Object.entries(d.params)) alias.set(`${inner}${node}.${param}`, `${id}.${outer}`);
      const outPorts = spec
        .ports(params)
        .filter((p) => p.direction === 'out')
        .map((p) => p.name);
      const probes: Record<string, PortRef> = {};
      for (const [name, p] of Object.entries(d.probes ?? {})) probes[name] = ref(inner + p.node, p.port);
      composites.push({ id, spec, params, feeds: {}, outputs: outPorts.filter((p) => d.outputs[p] !== undefined).map((port) => ({ port, source: ref(id, port) })), probes });
      level(
        d.nodes,
        d.edges.map((e, k) => ({ id: `${inner}e${k}`, source: ref(e.source.node, e.source.port), target: ref(e.target.node, e.target.port) })),
        inner,
        from,
        depth + 1,
      );
    }
    for (const e of edges) {
      rawEdges.push({ id: e.id, source: ref(prefix + e.source.node, e.source.port), target: ref(prefix + e.target.node, e.target.port) });
    }
  };

  level(
    doc.nodes.map((n) => ({ id: n.id, type: n.type, params: n.params })),
    doc.edges,
    '',
    null,
    0,
  );

  const resolveOut = (p: PortRef): PortRef => {
    let cur = p;
    for (let guard = 0; compositeIds.has(cur.node); guard++) {
      const next = outMap.get(`${cur.node}.${cur.port}`);
      if (next === undefined || guard > MAX_DEPTH) throw new ExpandError(cur.node, `composite node "${cur.node}" has no inner port for its output "${cur.port}"`);
      cur = next;
    }
    return cur;
  };
  // `<compositeId>.<inPort>` → the expanded port feeding it (also for a composite nested in another's input).
  const fed = new Map<string, PortRef>();
  const resolveIn = (p: PortRef, source: PortRef): PortRef[] => {
    if (!compositeIds.has(p.node)) return [p];
    fed.set(`${p.node}.${p.port}`, source);
    const targets = inMap.get(`${p.node}.${p.port}`) ?? [];
    return targets.flatMap((t) => resolveIn(t, source));
  };

  const edges: GraphEdge[] = [];
  for (const e of rawEdges) {
    const source = resolveOut(e.source);
    resolveIn(e.target, source).forEach((target, k) => edges.push({ id: (k === 0 ? e.id : `${e.id}#${k}`) as EdgeId, source, target }));
  }

  const finalName = (key: string): string => {
    let cur = key;
    for (let guard = 0; alias.has(cur) && guard <= MAX_DEPTH; guard++) cur = alias.get(cur)!;
    return cur;
  };
  const paramNames = new Map<string, string>();
  for (const key of alias.keys()) paramNames.set(key, finalName(key));

  const resolved = composites.map((c) => {
    const feeds: Record<string, PortRef> = {};
    for (const p of c.spec.ports(c.params)) {
      const f = p.direction === 'in' ? fed.get(`${c.id}.${p.name}`) : undefined;
      if (f !== undefined) feeds[p.name] = f;
    }
    const probes: Record<string, PortRef> = {};
    for (const [name, p] of Object.entries(c.probes)) probes[name] = resolveOut(p);
    return { ...c, feeds, outputs: c.outputs.map((o) => ({ port: o.port, source: resolveOut(o.source) })), probes };
  });
  return { nodes, edges, origin, paramNames, composites: resolved, reversed };
}
