import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from '../../../src/compiler';
import type { Plan } from '../../../src/compiler/plan';
import { BindError } from '../../../src/engine/feeds';
import type { GraphDocument } from '../../../src/graph/document';
import { restore } from '../../../src/graph/restore';

/** Documents and binding helpers shared by the data tests that bind tasks to example graphs. */

/** An example of `examples/` by file name, restored. */
export function exampleFile(file: string): GraphDocument {
  const r = restore(readFileSync(join(__dirname, '..', '..', '..', 'examples', file), 'utf8'));
  if (!r.ok) throw new Error(r.problems.map((p) => p.message).join('; '));
  return r.doc;
}

export function planOf(doc: GraphDocument): Plan {
  const c = compile(doc);
  if (!c.ok) throw new Error(c.problems.map((p) => p.message).join('; '));
  return c.plan;
}

/** The document with node `id`'s params changed, or renamed (edges follow). */
export function edit(doc: GraphDocument, id: string, params: Record<string, unknown>, rename?: string): GraphDocument {
  const to = (n: string) => (n === id && rename !== undefined ? rename : n);
  return {
    ...doc,
    nodes: doc.nodes.map((n) => (n.id === id ? { ...n, id: to(n.id) as typeof n.id, params: { ...n.params, ...params } } : n)),
    edges: doc.edges.map((e) => ({ ...e, source: { ...e.source, node: to(e.source.node) as typeof e.source.node }, target: { ...e.target, node: to(e.target.node) as typeof e.target.node } })),
  };
}

/** The BindError `f` throws, as [code, node, message]; fails when it throws none. */
export function bindFault(f: () => unknown): [string, string | undefined, string] {
  try {
    f();
  } catch (e) {
    if (e instanceof BindError) return [e.code, e.node, e.message];
    throw e;
  }
  throw new Error('expected a BindError');
}
