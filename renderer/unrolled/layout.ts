import type { Edge, Node } from '@xyflow/react';
import type { UnrollEdge, UnrolledView } from '../../src/compiler/unroll-view';
import type { WireLabel } from '../stepthrough/wireLabels';

/**
 * Places an unrolled view on the React Flow plane: one column per step (and per vector column), one
 * row per document node, a header above each column, a band behind the selected step's columns.
 * Within a column an edge runs top → bottom; between columns left → right.
 */

export const COL_W = 250;
export const ROW_H = 96;
export const NODE_W = 150;
const HEAD_Y = -56;

export interface UnrollNodeData extends Record<string, unknown> {
  readonly node: string;
  readonly type: string;
  readonly label: string;
  readonly kind: 'loop' | 'step' | 'vector';
  readonly step?: number;
  readonly axis?: 0 | 1;
  readonly value?: string;
  readonly selected: boolean;
}

export interface HeadData extends Record<string, unknown> {
  readonly text: string;
  readonly selected: boolean;
  readonly key: string;
}

export interface BandData extends Record<string, unknown> {
  readonly height: number;
}

export type UnrolledFlowNode = Node<UnrollNodeData, 'unrolled'> | Node<HeadData, 'head'> | Node<BandData, 'band'>;

const STYLE: Readonly<Record<UnrollEdge['kind'], { stroke: string; dash?: string; width: number }>> = {
  within: { stroke: '#64748b', width: 1.4 },
  delay: { stroke: '#ea580c', width: 2.2 },
  state: { stroke: '#ea580c', width: 2.2 },
  init: { stroke: '#94a3b8', dash: '5 4', width: 1.4 },
  vector: { stroke: '#94a3b8', dash: '2 3', width: 1.2 },
  memory: { stroke: '#7c3aed', dash: '1 4', width: 1.2 },
};

export interface LayoutInput {
  readonly view: UnrolledView;
  /** The selected time step (its columns are highlighted). */
  readonly step: number;
  /** Column headings: `t = 3`, `t′ = 2`, before / between / after. */
  readonly heading: (c: UnrolledView['columns'][number]) => string;
  /** Document node id → its label. */
  readonly labels: ReadonlyMap<string, string>;
  readonly wires?: ReadonlyMap<string, WireLabel>;
  readonly values?: ReadonlyMap<string, string>;
}

export function layoutUnrolled({ view, step, heading, labels, wires, values }: LayoutInput): { nodes: UnrolledFlowNode[]; edges: Edge[] } {
  const rows = Math.max(1, ...view.nodes.map((n) => n.row + 1));
  const x = (c: number) => c * COL_W;
  const nodes: UnrolledFlowNode[] = [];
  view.columns.forEach((c, i) => {
    const selected = c.step === step;
    if (selected) nodes.push({ id: `band@${c.key}`, type: 'band', position: { x: x(i) - 14, y: HEAD_Y - 10 }, data: { height: rows * ROW_H - HEAD_Y + 10 }, draggable: false, selectable: false, zIndex: -1, style: { width: NODE_W + 28 } });
    nodes.push({ id: `head@${c.key}`, type: 'head', position: { x: x(i), y: HEAD_Y }, data: { text: heading(c), selected, key: c.key }, draggable: false, selectable: false });
  });
  const place = new Map(view.nodes.map((n) => [n.id, n]));
  for (const n of view.nodes) {
    const value = values?.get(n.id);
    nodes.push({
      id: n.id,
      type: 'unrolled',
      position: { x: x(n.column), y: n.row * ROW_H },
      data: { node: n.node, type: n.type, label: labels.get(n.node) ?? n.node, kind: n.kind, ...(n.step === undefined ? {} : { step: n.step }), ...(n.axis === undefined ? {} : { axis: n.axis }), ...(value === undefined ? {} : { value }), selected: n.step === step },
      draggable: false,
      style: { width: NODE_W },
    });
  }
  // A cell's states between the same two copies (an LSTM's h and c) are drawn as one edge.
  const groups = new Map<string, UnrollEdge[]>();
  for (const e of view.edges) {
    const key = e.kind === 'state' ? `${e.source}>${e.target}` : e.id;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  const edges: Edge[] = [...groups.values()].map((group) => {
    const e = group[0]!;
    const s = place.get(e.source)!;
    const t = place.get(e.target)!;
    const down = s.column === t.column && s.row < t.row;
    const style = STYLE[e.kind];
    const parts = group.map((g) => {
      const wire = wires?.get(g.id);
      const name = g.kind === 'delay' || g.kind === 'state' || g.kind === 'init' ? g.label : undefined;
      return wire === undefined ? name : name === undefined ? wire.text : `${name} ${wire.text}`;
    });
    const wire = group.map((g) => wires?.get(g.id)).find((w) => w !== undefined);
    const label = parts.every((x) => x === undefined) ? undefined : parts.filter((x) => x !== undefined).join(' · ');
    return {
      id: e.id,
      source: e.source,
      target: e.target,
      sourceHandle: down ? 'bottom' : 'right',
      targetHandle: down ? 'top' : 'left',
      className: `unrolled-edge edge-${e.kind}${wire === undefined ? '' : ` wire-${wire.kind}`}`,
      style: { stroke: style.stroke, strokeWidth: style.width, ...(style.dash === undefined ? {} : { strokeDasharray: style.dash }) },
      ...(label === undefined ? {} : { label, labelBgPadding: [3, 1] as [number, number], labelBgBorderRadius: 3, labelStyle: { fontSize: 10, fill: wire?.kind === 'grad' ? '#b91c1c' : wire?.kind === 'value' ? '#1d4ed8' : '#9a3412' } }),
      focusable: false,
      selectable: false,
    };
  });
  return { nodes, edges };
}
