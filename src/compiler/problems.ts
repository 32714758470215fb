import type { EdgeId, NodeId } from '../graph/ids';

/** What can be wrong with a graph as a whole (beyond the document's own schema). */
export type GraphProblemCode =
  /** Two nodes share one id; the later ones are ignored. */
  | 'duplicate-node-id'
  /** A node's `type` is not in the node registry. */
  | 'unknown-node-type'
  /** A node's params do not match its kind's schema. */
  | 'invalid-params'
  /** An edge names a node that is not in the graph. */
  | 'unknown-node'
  /** An edge names a port its node does not have (or an input as its source, an output as its target). */
  | 'unknown-port'
  /** A second edge into an input port that already has one; only the first is used. */
  | 'duplicate-input'
  /** A required input port has no edge. */
  | 'missing-input'
  /** A value of the wrong role, e.g. a sequence into a vector-only port. */
  | 'incompatible-roles'
  /** Real values where class ids are expected, or the reverse. */
  | 'incompatible-dtype'
  /** Feature sizes that must agree do not. */
  | 'dim-mismatch'
  /** A cycle that passes through no Delay: its value at step t would depend on itself. */
  | 'cycle-without-delay';

export interface GraphProblem {
  readonly code: GraphProblemCode;
  /** The node the problem is shown on. */
  readonly nodeId: NodeId;
  readonly port?: string;
  readonly edgeId?: EdgeId;
  /** Every node involved, when there are several (a cycle lists all its nodes). */
  readonly nodes?: readonly NodeId[];
  /** Says what is wrong and how to fix it, naming the node and port. */
  readonly message: string;
}
