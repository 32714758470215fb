import { readFileSync } from 'node:fs';
import type { GraphDocument } from '../../../src/graph/document';
import { restore } from '../../../src/graph/restore';
import { tokenSeq2seq } from './executor-fixtures';

/** Documents the inference tests run: the examples as files, an encoder–decoder built here. */

/** An example of `examples/`, restored. */
export function exampleDoc(id: string): GraphDocument {
  const r = restore(JSON.parse(readFileSync(new URL(`../../../examples/${id}.unroll.json`, import.meta.url), 'utf8')));
  if (!r.ok) throw new Error(`${id} does not restore: ${r.problems.map((p) => p.message).join('; ')}`);
  return r.doc;
}

/**
 * The reverse task over K = 3 symbols (A, B, C) as an encoder–decoder with additive attention:
 * x ids (3) → OneHot → GRU → LastStep → decoder h0 and s_prev.init; y_in ids (K + 2 = 5: the
 * symbols, end, start) → OneHot ⊕ attention context → decoder GRU → Linear (K + 1 = 4) → CE ← y.
 */
export function reverseDoc(): GraphDocument {
  const g = tokenSeq2seq({ source: 3, decoderIds: 5, classes: 4, hidden: 6, attnSize: 4 });
  const doc = {
    format: 'unroll.graph',
    version: 1,
    meta: { name: 'reverse' },
    ...g.doc(),
    training: { task: 'reverse', taskParams: { symbols: 3, minLength: 2, maxLength: 4 }, optimizer: { kind: 'adam', lr: 0.02 }, batchSize: 16, steps: 10, seed: 5 },
  };
  const r = restore(doc);
  if (!r.ok) throw new Error(`reverseDoc does not restore: ${r.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  return r.doc;
}
