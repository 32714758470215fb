import {
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  ReactFlow,
  SelectionMode,
  useReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type FinalConnectionState,
  type NodeChange,
} from '@xyflow/react';
import { useCallback, useMemo, useRef, useState, type DragEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { XY } from '../../src/graph/edits';
import { getNodeSpec } from '../../src/nodes/registry';
import type { PortShape } from '../../src/nodes/types';
import { fmtNum } from '../insight/compute';
import { edgeFlow } from '../insight/edgeFlow';
import { FlowLegend } from '../insight/FlowLegend';
import { useInsight } from '../insight/insightStore';
import { graphSignature } from '../training/actions';
import { useTraining } from '../training/trainingStore';
import { addNodeAt, commitDrag, connectPorts } from '../store/actions';
import { checkConnection, edgeBadge } from '../store/connection';
import { useApp } from '../store';
import { useValidation, type GraphProblem } from '../store/validation';
import { NodeView, type UnrollFlowNode } from './NodeView';

/** The drag-and-drop payload type of palette items: the node kind's type tag. */
export const NODE_DRAG_TYPE = 'application/x-unroll-node';
/** Where the cursor sits on a dropped node: roughly the middle of its header. */
const DROP_OFFSET: XY = { x: 80, y: 16 };

const nodeTypes = { unroll: NodeView };
const NO_PROBLEMS: readonly GraphProblem[] = [];
const NO_SHAPES: Readonly<Record<string, PortShape>> = {};

/** Minimap nodes take their kind's category colour (see styles.css). */
function minimapClass(n: UnrollFlowNode): string {
  return `minimap-node category-${getNodeSpec(n.data.node.type)?.category ?? 'unknown'}`;
}

interface Size {
  readonly width: number;
  readonly height: number;
}

/**
 * The React Flow canvas, controlled by the store: nodes and edges are derived from the document;
 * gestures become edits (connect, move on drag end), selection goes to the UI slice. Deleting is
 * handled by the app's keyboard shortcuts, not by React Flow. Shift-click adds to the selection;
 * Shift-drag on the background draws a selection box. `children` lie over the canvas (the start
 * page) and let dropped nodes through to it.
 */
export function Canvas({ children }: { children?: ReactNode }) {
  const { t } = useTranslation();
  const doc = useApp((s) => s.doc);
  const selectedNodes = useApp((s) => s.selectedNodes);
  const selectedEdges = useApp((s) => s.selectedEdges);
  const dragging = useApp((s) => s.dragging);
  const theme = useApp((s) => s.theme);
  const validation = useValidation();
  const record = useInsight((s) => s.records[s.records.length - 1]);
  const runSignature = useTraining((s) => s.run?.signature);
  // Gradient flow belongs to the graph that was trained: hidden once its nodes, params or wires change.
  const stale = useMemo(() => record !== undefined && runSignature !== undefined && graphSignature(doc) !== runSignature, [record, runSignature, doc]);
  const latest = stale ? undefined : record;
  const flowOn = useInsight((s) => s.flow);
  const flow = useMemo(() => (latest === undefined || !flowOn ? undefined : edgeFlow(latest.edgeGrads)), [latest, flowOn]);
  const { screenToFlowPosition } = useReactFlow();
  // React Flow measures nodes; a controlled flow must hand the sizes back on every render.
  const [measured, setMeasured] = useState<Readonly<Record<string, Size>>>({});

  const nodes = useMemo<UnrollFlowNode[]>(() => {
    const selected = new Set(selectedNodes);
    const shapes = new Map<string, Record<string, PortShape>>();
    const shapesOf = (id: string): Record<string, PortShape> => {
      let m = shapes.get(id);
      if (m === undefined) shapes.set(id, (m = {}));
      return m;
    };
    for (const [key, shape] of validation.shapes) {
      const dot = key.lastIndexOf('.');
      shapesOf(key.slice(0, dot))[key.slice(dot + 1)] = shape;
    }
    for (const e of doc.edges) {
      const fed = validation.shapes.get(`${e.source.node}.${e.source.port}`);
      if (fed !== undefined) shapesOf(e.target.node)[e.target.port] = fed;
    }
    const quiet = new Set(latest === undefined || !flowOn ? [] : latest.zeroGradNodes);
    return doc.nodes.map((n) => {
      const size = measured[n.id];
      return {
        ...(quiet.has(n.id) && latest !== undefined ? { className: 'node-zero-grad', domAttributes: { title: t('insight.zeroGrad', { node: n.label ?? n.id, step: latest.step }) } } : {}),
        id: n.id,
        type: 'unroll' as const,
        position: dragging[n.id] ?? n.position,
        data: { node: n, problems: validation.byNode.get(n.id) ?? NO_PROBLEMS, shapes: shapes.get(n.id) ?? NO_SHAPES },
        selected: selected.has(n.id),
        ...(size === undefined ? {} : { measured: size }),
      };
    });
  }, [doc, selectedNodes, dragging, validation, measured, latest, flowOn, t]);

  const edges = useMemo<Edge[]>(() => {
    const selected = new Set(selectedEdges);
    return doc.edges.map((e) => {
      const problems = validation.byEdge.get(e.id);
      const badge = edgeBadge(validation.shapes, e.source.node, e.source.port);
      const grad = flow?.edges.get(e.id);
      // Gradient flow: tint and width from the latest record; the norm rides along as data-grad.
      const flowStyle =
        grad === undefined || latest === undefined
          ? {}
          : {
              className: 'edge-flow',
              style: { stroke: grad.colour, strokeWidth: grad.width },
              domAttributes: { 'data-grad': String(grad.norm), 'aria-description': t('insight.flowEdge', { norm: fmtNum(grad.norm), step: latest.step }) },
            };
      return {
        ...flowStyle,
        id: e.id,
        source: e.source.node,
        sourceHandle: e.source.port,
        target: e.target.node,
        targetHandle: e.target.port,
        selected: selected.has(e.id),
        ...(badge === undefined ? {} : { label: badge }),
        ...(problems === undefined
          ? {}
          : { className: grad === undefined ? 'edge-problem' : 'edge-problem edge-flow', label: badge === undefined ? '⚠' : `⚠ ${badge}`, ariaLabel: problems.map((p) => p.message).join('; ') }),
      };
    });
  }, [doc, selectedEdges, validation, flow, latest, t]);

  const onNodesChange = useCallback((changes: NodeChange<UnrollFlowNode>[]) => {
    const s = useApp.getState();
    let selection: Set<string> | undefined;
    let moved: Record<string, XY> | undefined;
    let dropped = false;
    const sizes: Record<string, Size> = {};
    for (const c of changes) {
      if (c.type === 'select') {
        selection ??= new Set(s.selectedNodes);
        if (c.selected) selection.add(c.id);
        else selection.delete(c.id);
      } else if (c.type === 'position' && c.position !== undefined) {
        moved ??= { ...s.dragging };
        moved[c.id] = c.position;
        if (c.dragging === false) dropped = true;
      } else if (c.type === 'dimensions' && c.dimensions !== undefined) {
        sizes[c.id] = c.dimensions;
      }
    }
    if (selection !== undefined) s.select([...selection], s.selectedEdges);
    if (moved !== undefined) s.setDragging(moved);
    if (dropped) commitDrag();
    if (Object.keys(sizes).length > 0) setMeasured((m) => ({ ...m, ...sizes }));
  }, []);

  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    const s = useApp.getState();
    let selection: Set<string> | undefined;
    for (const c of changes) {
      if (c.type !== 'select') continue;
      selection ??= new Set(s.selectedEdges);
      if (c.selected) selection.add(c.id);
      else selection.delete(c.id);
    }
    if (selection !== undefined) s.select(s.selectedNodes, [...selection]);
  }, []);

  // While a wire is dragged, a refused target shows as invalid; the reason goes to the status bar
  // when the wire is dropped there.
  const refusal = useRef<string | undefined>(undefined);
  const isValidConnection = useCallback(
    (c: Connection | Edge) => {
      if (c.sourceHandle == null || c.targetHandle == null) return false;
      const check = checkConnection(doc, validation.shapes, c.source, c.sourceHandle, c.target, c.targetHandle);
      refusal.current = check.ok ? undefined : check.reason;
      return check.ok;
    },
    [doc, validation],
  );
  const onConnectEnd = useCallback((_e: MouseEvent | TouchEvent, state: FinalConnectionState) => {
    if (state.isValid === false && state.toHandle !== null && refusal.current !== undefined) useApp.getState().notify('warning', refusal.current, 'connect-refused');
    refusal.current = undefined;
  }, []);

  const onConnect = useCallback((c: Connection) => {
    if (c.sourceHandle == null || c.targetHandle == null) return;
    connectPorts(c.source, c.sourceHandle, c.target, c.targetHandle);
  }, []);

  const onDragOver = useCallback((e: DragEvent) => {
    if (!e.dataTransfer.types.includes(NODE_DRAG_TYPE)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  }, []);

  const onDrop = useCallback(
    (e: DragEvent) => {
      const type = e.dataTransfer.getData(NODE_DRAG_TYPE);
      if (type === '') return;
      e.preventDefault();
      const p = screenToFlowPosition({ x: e.clientX, y: e.clientY });
      addNodeAt(type, { x: p.x - DROP_OFFSET.x, y: p.y - DROP_OFFSET.y });
    },
    [screenToFlowPosition],
  );

  return (
    <div className="canvas" data-testid="canvas" onDragOver={onDragOver} onDrop={onDrop}>
      <ReactFlow<UnrollFlowNode, Edge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        isValidConnection={isValidConnection}
        onConnectEnd={onConnectEnd}
        colorMode={theme}
        deleteKeyCode={null}
        multiSelectionKeyCode="Shift"
        selectionKeyCode="Shift"
        selectionMode={SelectionMode.Partial}
        minZoom={0.2}
        maxZoom={2.5}
        defaultViewport={{ x: 40, y: 40, zoom: 1 }}
        aria-label={t('canvas.label')}
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1} />
        <Controls showInteractive={false} />
        <MiniMap pannable zoomable ariaLabel={t('canvas.minimap')} nodeClassName={minimapClass} />
      </ReactFlow>
      {record !== undefined && <FlowLegend step={record.step} flow={flow} stale={stale} />}
      {children}
    </div>
  );
}
