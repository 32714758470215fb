import { applyEdit, newEdgeId } from '../../src/graph/edits';
import type { GraphDocument } from '../../src/graph/document';
import { getNodeSpec } from '../../src/nodes/registry';
import type { PortShape } from '../../src/nodes/types';
import { formatShape } from './validation';

/**
 * Whether a wire being dragged from `source.sourcePort` to `target.targetPort` may be made, and if
 * not, why: first the document's own refusal (unknown port, occupied input, self-loop, …) from a
 * dry run of the `connect` edit, then the value on the source port against what the input accepts
 * (role and dtype), from shape inference. Pure: the canvas calls it on every hover while dragging.
 */
export function checkConnection(
  doc: GraphDocument,
  shapes: ReadonlyMap<string, PortShape>,
  source: string,
  sourcePort: string,
  target: string,
  targetPort: string,
): { ok: true } | { ok: false; reason: string } {
  const dry = applyEdit(doc, { kind: 'connect', edge: { id: newEdgeId(doc), source: { node: source, port: sourcePort }, target: { node: target, port: targetPort } } });
  if (!dry.ok) return { ok: false, reason: dry.message };
  const shape = shapes.get(`${source}.${sourcePort}`);
  if (shape === undefined) return { ok: true };
  const node = doc.nodes.find((n) => n.id === target);
  const spec = node === undefined ? undefined : getNodeSpec(node.type);
  if (node === undefined || spec === undefined) return { ok: true };
  const parsed = spec.params.safeParse(node.params);
  if (!parsed.success) return { ok: true };
  const port = spec.ports(parsed.data).find((p) => p.name === targetPort && p.direction === 'in');
  if (port === undefined) return { ok: true };
  if (!port.roles.includes(shape.role)) {
    return { ok: false, reason: `${source}.${sourcePort} gives a ${shape.role} ${formatShape(shape)}, but ${target}.${targetPort} takes ${port.roles.join(' or ')}` };
  }
  const dtype = port.dtype ?? 'real';
  if (shape.dtype !== dtype) {
    const say = (d: string) => (d === 'index' ? 'class ids' : 'real values');
    return { ok: false, reason: `${source}.${sourcePort} gives ${say(shape.dtype)}, but ${target}.${targetPort} takes ${say(dtype)}` };
  }
  return { ok: true };
}

/** The badge drawn on an edge: the shape of the value it carries, e.g. `(B,T,16)`. */
export function edgeBadge(shapes: ReadonlyMap<string, PortShape>, source: string, sourcePort: string): string | undefined {
  const s = shapes.get(`${source}.${sourcePort}`);
  return s === undefined ? undefined : formatShape(s);
}
