/** The graph document: its format, the one way in (`restore`), the one way out (`serialize`) and edits. */
export * from './document';
export * from './ids';
export type { Problem } from './problems';
export { restore, type RestoreOptions, type RestoreResult } from './restore';
export { serialize, type SerializeResult } from './serialize';
export { encodeWeight, decodeWeight, checkWeight, shapeSize, DTYPE_BYTES, type WeightValues, type WeightDType, type EncodeResult, type DecodeResult } from './weights';
export { applyEdit, createDocument, newNodeId, newEdgeId, type Edit, type EditResult, type EditOptions, type NewNode, type NewEdge } from './edits';
export { MIGRATIONS, type Migration } from './migrations';
export { DEFAULT_LIMITS, type RestoreLimits } from './limits';
export type { NodeSpecLookup } from './kinds';
