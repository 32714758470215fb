import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import type { GraphNode } from '../../src/graph/document';
import { getNodeSpec } from '../../src/nodes/registry';
import type { NodeSpec, PortDecl, PortRole, PortShape } from '../../src/nodes/types';
import { nodeText } from '../i18n/nodes';
import { formatShape, type GraphProblem } from '../store/validation';

export interface UnrollNodeData extends Record<string, unknown> {
  readonly node: GraphNode;
  readonly problems: readonly GraphProblem[];
  /** Inferred shapes by port name: outputs from shape inference, inputs from the edge feeding them. */
  readonly shapes: Readonly<Record<string, PortShape>>;
}
export type UnrollFlowNode = Node<UnrollNodeData, 'unroll'>;

/** The ports of a node, from its kind and params (the kind's defaults if the params do not parse). */
export function nodePorts(spec: NodeSpec<any> | undefined, params: Record<string, unknown>): readonly PortDecl[] {
  if (spec === undefined) return [];
  const parsed = spec.params.safeParse(params);
  try {
    return spec.ports(parsed.success ? parsed.data : spec.params.parse({}));
  } catch {
    return [];
  }
}

/** A port's colour class: its one role, or `any` when it accepts several. */
export function roleClass(roles: readonly PortRole[]): string {
  return roles.length === 1 ? `role-${roles[0]}` : 'role-any';
}

function PortRow({ nodeId, port, problems, shape }: { nodeId: string; port: PortDecl; problems: readonly GraphProblem[]; shape: PortShape | undefined }) {
  const { t } = useTranslation();
  const isIn = port.direction === 'in';
  const portProblems = problems.filter((p) => p.port === port.name);
  const accepts = `${port.roles.join(' | ')}${port.dtype === 'index' ? ` (${t('canvas.classIds')})` : ''}${port.optional ? `, ${t('canvas.optional')}` : ''}`;
  const title = [`${port.name}: ${accepts}${shape === undefined ? '' : `; ${t('canvas.here')} ${shape.role} ${formatShape(shape)}`}`, port.description, ...portProblems.map((p) => `⚠ ${p.message}`)].join('\n');
  return (
    <div className={`port port-${port.direction}${portProblems.length > 0 ? ' port-problem' : ''}`} title={title}>
      <Handle
        type={isIn ? 'target' : 'source'}
        position={isIn ? Position.Left : Position.Right}
        id={port.name}
        className={`handle ${shape === undefined ? roleClass(port.roles) : `role-${shape.role}`}`}
        data-testid={`handle-${nodeId}-${port.name}`}
        aria-label={t(isIn ? 'canvas.input' : 'canvas.output', { port: port.name, node: nodeId })}
      />
      {isIn ? (
        <>
          <span className="port-name">{port.name}</span>
          {shape !== undefined && <span className="port-shape">{formatShape(shape)}</span>}
        </>
      ) : (
        <>
          {shape !== undefined && <span className="port-shape">{formatShape(shape)}</span>}
          <span className="port-name">{port.name}</span>
        </>
      )}
    </div>
  );
}

/** A node on the canvas: title, id, input ports left, output ports right, and its problems. */
function NodeViewImpl({ data, selected }: NodeProps<UnrollFlowNode>) {
  const { t, i18n } = useTranslation();
  const { node, problems, shapes } = data;
  const spec = getNodeSpec(node.type);
  const title = spec === undefined ? node.type : nodeText(spec, i18n.language).title;
  const ports = nodePorts(spec, node.params);
  const inputs = ports.filter((p) => p.direction === 'in');
  const outputs = ports.filter((p) => p.direction === 'out');
  const rows = Math.max(inputs.length, outputs.length);
  return (
    <div className={`unroll-node category-${spec?.category ?? 'unknown'}${selected ? ' selected' : ''}${problems.length > 0 ? ' has-problems' : ''}`} data-testid={`node-${node.id}`}>
      <div className="node-header">
        <span className="node-title">{node.label ?? title}</span>
        {problems.length > 0 && (
          <span className="error-badge" data-testid={`error-badge-${node.id}`} title={problems.map((p) => p.message).join('\n')} aria-label={t('canvas.problems', { count: problems.length })}>
            {problems.length}
          </span>
        )}
      </div>
      <div className="node-id">
        {node.id}
        {node.label !== undefined && spec !== undefined ? ` · ${title}` : ''}
      </div>
      <div className="node-ports" style={{ gridTemplateRows: `repeat(${rows}, auto)` }}>
        <div className="ports-in">
          {inputs.map((p) => (
            <PortRow key={p.name} nodeId={node.id} port={p} problems={problems} shape={shapes[p.name]} />
          ))}
        </div>
        <div className="ports-out">
          {outputs.map((p) => (
            <PortRow key={p.name} nodeId={node.id} port={p} problems={problems} shape={shapes[p.name]} />
          ))}
        </div>
      </div>
      {spec === undefined && <div className="node-unknown">{t('canvas.unknownType', { type: node.type })}</div>}
    </div>
  );
}

export const NodeView = memo(NodeViewImpl);
