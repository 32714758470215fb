import type { ReactFlowInstance } from '@xyflow/react';
import type { UnrollFlowNode } from '../canvas/NodeView';
import type { Size } from '../store/layout';

/**
 * The React Flow instance, for commands that run outside React components (fit view, auto-layout
 * reading measured node sizes). Set once by the workspace.
 */
let flow: ReactFlowInstance<UnrollFlowNode> | undefined;

export function setFlow(instance: ReactFlowInstance<UnrollFlowNode> | undefined): void {
  flow = instance;
}

/** Shows the whole graph. */
export function fitView(duration = 200): void {
  void flow?.fitView({ padding: 0.12, maxZoom: 1.2, duration });
}

/** Fits the view after new nodes are rendered and measured. */
export function fitSoon(): void {
  setTimeout(() => fitView(), 60);
}

/** The rendered size of each node, as React Flow measured it. */
export function measuredSizes(): Map<string, Size> {
  const sizes = new Map<string, Size>();
  for (const n of flow?.getNodes() ?? []) {
    if (n.measured?.width !== undefined && n.measured.height !== undefined) sizes.set(n.id, { width: n.measured.width, height: n.measured.height });
  }
  return sizes;
}
