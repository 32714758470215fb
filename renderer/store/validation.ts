import { useMemo } from 'react';
import { validateGraph, type GraphProblem as CompilerProblem } from '../../src/compiler';
import type { GraphDocument } from '../../src/graph/document';
import type { PortShape } from '../../src/nodes/types';
import { useApp } from './index';

/** A problem of the graph; `nodeId` is absent only when the validator itself failed. */
export type GraphProblem = Omit<CompilerProblem, 'nodeId' | 'code'> & { readonly code: string; readonly nodeId?: string };

export interface Validation {
  readonly problems: readonly GraphProblem[];
  /** Problems by node id. */
  readonly byNode: ReadonlyMap<string, readonly GraphProblem[]>;
  /** Problems by edge id. */
  readonly byEdge: ReadonlyMap<string, readonly GraphProblem[]>;
  /** `${nodeId}.${port}` → inferred shape of each output port whose shape is known. */
  readonly shapes: ReadonlyMap<string, PortShape>;
}

function group(problems: readonly GraphProblem[], key: (p: GraphProblem) => string | undefined): Map<string, GraphProblem[]> {
  const out = new Map<string, GraphProblem[]>();
  for (const p of problems) {
    const k = key(p);
    if (k === undefined) continue;
    const list = out.get(k);
    if (list === undefined) out.set(k, [p]);
    else list.push(p);
  }
  return out;
}

/** `(B,T,16)` for a sequence of size 16, `(B,16)` for a vector or state, `()` for a scalar. */
export function formatShape(shape: PortShape): string {
  const dims = shape.role === 'sequence' ? `B,T,${shape.dim}` : shape.role === 'scalar' ? '' : `B,${shape.dim}`;
  return `(${dims})${shape.dtype === 'index' ? ' ids' : ''}`;
}

/** Validates a document (pure `src/compiler` code, run in the renderer on every change). */
export function validate(doc: GraphDocument): Validation {
  let problems: readonly GraphProblem[];
  let shapes: ReadonlyMap<string, PortShape>;
  try {
    const v = validateGraph(doc);
    problems = v.problems;
    shapes = v.shapes;
  } catch (err) {
    problems = [{ code: 'validator-failed', message: `validation failed: ${(err as Error).message}` }];
    shapes = new Map();
  }
  return { problems, shapes, byNode: group(problems, (p) => p.nodeId), byEdge: group(problems, (p) => p.edgeId) };
}

/** The current document's validation, recomputed only when the document changes. */
export function useValidation(): Validation {
  const doc = useApp((s) => s.doc);
  return useMemo(() => validate(doc), [doc]);
}
