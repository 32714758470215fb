import { Background, Controls, Handle, Position, ReactFlow, ReactFlowProvider, type NodeProps, type ReactFlowInstance } from '@xyflow/react';
import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { compile } from '../../src/compiler/compile';
import { MAX_UNROLL_STEPS, unrollView, windowStart, type UnrollColumn } from '../../src/compiler/unroll-view';
import { COMMAND_KEYS, displayAccelerator } from '../../src/protocol';
import { useApp } from '../store';
import { momentAt, traceSteps, useStep } from '../stepthrough/stepStore';
import { StepThroughPanel } from '../stepthrough/StepThroughPanel';
import { nodeValues, wireLabels } from '../stepthrough/wireLabels';
import { graphSignature } from '../training/actions';
import { layoutUnrolled, type BandData, type HeadData, type UnrollNodeData } from './layout';
import { TimeScrubber, useScrubLength } from './TimeScrubber';
import { toggleUnrolled, useTime } from './viewStore';
import './unrolled.css';

const mac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
const keys = displayAccelerator(COMMAND_KEYS['view.unrolled']?.accelerator ?? '', mac);

function UnrolledNode({ data }: NodeProps & { data: UnrollNodeData }) {
  return (
    <div className={`unrolled-node kind-${data.kind}${data.selected ? ' selected-step' : ''}`} data-testid={`unrolled-node-${data.node}${data.step === undefined ? '' : `-${data.axis === 1 ? 't' : 's'}${data.step}`}`} title={`${data.node} (${data.type})${data.value === undefined ? '' : `\n${data.value}`}`}>
      <Handle type="target" position={Position.Left} id="left" isConnectable={false} />
      <Handle type="target" position={Position.Top} id="top" isConnectable={false} />
      <div>
        <strong>{data.label}</strong>
        {data.step !== undefined && (
          <sub>
            {data.axis === 1 ? '′' : ''}
            {data.step}
          </sub>
        )}
      </div>
      <div className="kind">{data.type}</div>
      {data.value !== undefined && (
        <div className="value" data-testid="unrolled-value">
          {data.value}
        </div>
      )}
      <Handle type="source" position={Position.Right} id="right" isConnectable={false} />
      <Handle type="source" position={Position.Bottom} id="bottom" isConnectable={false} />
    </div>
  );
}

function Head({ data }: NodeProps & { data: HeadData }) {
  return (
    <div className={`unrolled-head${data.selected ? ' selected' : ''}`} data-testid={`unrolled-column-${data.key}`}>
      {data.text}
    </div>
  );
}

function Band({ data }: NodeProps & { data: BandData }) {
  return <div className="unrolled-band" style={{ height: data.height }} />;
}

const nodeTypes = { unrolled: UnrolledNode, head: Head, band: Band };

function Unrolled() {
  const { t } = useTranslation();
  const nodes = useApp((s) => s.doc.nodes);
  const edges = useApp((s) => s.doc.edges);
  const k = useTime((s) => s.k);
  const step = useTime((s) => s.step);
  const setK = useTime((s) => s.setK);
  const open = useStep((s) => s.open);
  const trace = useStep((s) => s.trace);
  const traced = useStep((s) => s.signature);
  const moment = useStep((s) => s.moment);
  const T = useScrubLength();

  const signature = graphSignature({ nodes, edges });
  const compiled = useMemo(() => compile({ nodes, edges }), [signature]);
  const first = windowStart(Math.min(step, T), k);
  const view = useMemo(() => (compiled.ok ? unrollView(compiled.plan, { nodes, edges }, { steps: k, first, T }) : undefined), [compiled, k, first, T]);
  const fresh = trace !== undefined && traced === signature ? trace : undefined;
  const walk = fresh === undefined ? undefined : momentAt(moment, traceSteps(fresh));
  const wires = open && view !== undefined && fresh !== undefined && walk !== undefined ? wireLabels(view, fresh, walk) : undefined;
  const values = open && view !== undefined && fresh !== undefined && walk !== undefined ? nodeValues(view, fresh, walk) : undefined;
  const labels = useMemo(() => new Map(nodes.map((n) => [n.id as string, n.label ?? n.id])), [nodes]);
  const heading = (c: UnrollColumn) => (c.kind === 'step' ? t(c.axis === 1 ? 'unrolled.headTarget' : 'unrolled.head', { t: c.step }) : t(`unrolled.${c.kind}`));
  const laid = view === undefined ? undefined : layoutUnrolled({ view, step, heading, labels, ...(wires === undefined ? {} : { wires }), ...(values === undefined ? {} : { values }) });
  // A new window of steps is a new picture: React Flow starts afresh and fits it.
  const shape = view === undefined ? '' : `${view.columns.length}:${view.first}`;
  // …and fits again when its area changes size (the dashboard opening below it, a wider tab).
  const box = useRef<HTMLDivElement>(null);
  const instance = useRef<ReactFlowInstance | undefined>(undefined);
  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const observer = new ResizeObserver(() => void instance.current?.fitView({ padding: 0.08 }));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);


  const stepColumns = view?.columns.filter((c) => c.kind === 'step' && c.axis !== 1).length ?? 0;
  return (
    <section
      className="canvas unrolled-view"
      data-testid="unrolled-view"
      data-columns={String(stepColumns)}
      data-first={String(view?.first ?? 0)}
      data-loops={String(view?.loops.length ?? 0)}
      data-phase={walk?.phase ?? ''}
      data-t={String(walk?.t ?? 0)}
      data-labels={String(wires?.size ?? 0)}
      aria-label={t('unrolled.label')}
    >
      <div className="unrolled-bar">
        <button type="button" onClick={toggleUnrolled} data-testid="unrolled-fold" title={t('unrolled.foldedTitle', { keys })}>
          {t('unrolled.folded')}
        </button>
        <label title={t('unrolled.stepsTitle', { max: MAX_UNROLL_STEPS })}>
          {t('unrolled.steps')} <input type="number" min={1} max={MAX_UNROLL_STEPS} value={k} onChange={(e) => setK(Number(e.target.value))} data-testid="unrolled-k" />
        </label>
        <TimeScrubber />
        <button type="button" className={open ? 'active' : undefined} aria-pressed={open} onClick={() => useStep.getState().setOpen(!open)} data-testid="step-toggle" title={t('stepThrough.toggleTitle')}>
          {t('stepThrough.toggle')}
        </button>
        <span className="muted unrolled-legend" title={t('unrolled.legend')}>
          {t('unrolled.legend')}
        </span>
      </div>
      <div className="unrolled-flow" ref={box}>
        {!compiled.ok ? (
          <div className="muted unrolled-note" data-testid="unrolled-unavailable">
            {t('unrolled.notCompiled', { reason: compiled.problems.map((p) => `${p.nodeId}: ${p.message}`).join('; ') })}
          </div>
        ) : (
          laid !== undefined && (
            // its own provider, keyed by the window: the editor's flow store stays apart, and each new window fits afresh
            <ReactFlowProvider key={shape}>
              <ReactFlow
                fitView
                fitViewOptions={{ padding: 0.08 }}
                onInit={(flow) => {
                  instance.current = flow as unknown as ReactFlowInstance;
                  setTimeout(() => void flow.fitView({ padding: 0.08 }), 80);
                }}
                nodes={laid.nodes}
                edges={laid.edges}
                nodeTypes={nodeTypes}
                nodesDraggable={false}
                nodesConnectable={false}
                edgesFocusable={false}
                onNodeClick={(_, n) => {
                  if (n.type === 'unrolled') useApp.getState().select([(n.data as UnrollNodeData).node], []);
                }}
                minZoom={0.15}
                proOptions={{ hideAttribution: true }}
              >
                <Background gap={24} size={1} />
                <Controls showInteractive={false} />
              </ReactFlow>
            </ReactFlowProvider>
          )
        )}
        {view !== undefined && view.loops.length === 0 && (
          <div className="muted unrolled-note overlay" data-testid="unrolled-no-loop">
            {t('unrolled.noLoop')}
          </div>
        )}
        {open && <StepThroughPanel />}
      </div>
    </section>
  );
}

/** The recurrences of the open graph unrolled over k steps (read-only), in the canvas's place. */
export function UnrolledView() {
  return <Unrolled />;
}
