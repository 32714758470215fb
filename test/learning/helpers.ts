import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TaskInstance } from '../../src/data/task';
import type { Backend } from '../../src/engine/backend';
import type { GraphDocument } from '../../src/graph/document';
import { restore } from '../../src/graph/restore';
import { createSession, type ConfigOverrides, type Evaluation, type SessionResult } from '../../src/training';

/** An example graph from `examples/`, restored. */
export function example(file: string): GraphDocument {
  const r = restore(readFileSync(join(__dirname, '..', '..', 'examples', file), 'utf8'));
  if (!r.ok) throw new Error(`${file}: ${r.problems.map((p) => p.message).join('; ')}`);
  return r.doc;
}

export interface Outcome {
  readonly result: SessionResult;
  readonly evaluation: Evaluation;
  readonly seconds: number;
  readonly baseline: number;
}

/** Where a run differs from the example's defaults: a kernel backend (default: the reference), another task. */
export interface RunOptions {
  readonly backend?: Backend;
  readonly task?: TaskInstance;
  /** Changes to the example's document before training (e.g. vocabulary sizes for other task params). */
  readonly edit?: (doc: GraphDocument) => GraphDocument;
}

/**
 * Trains `file` on the reference backend (or `options.backend`) with `config` on top of its training
 * block, then evaluates on `evalBatches` fixed batches of 64; prints the figures.
 */
export async function train(label: string, file: string, config: ConfigOverrides, evalBatches = 8, options: RunOptions = {}): Promise<Outcome> {
  const doc = options.edit === undefined ? example(file) : options.edit(example(file));
  const t0 = performance.now();
  const session = createSession({
    doc,
    config: { backend: options.backend?.name ?? 'reference', ...config },
    telemetry: { recordEvery: 0 },
    ...(options.backend === undefined ? {} : { backend: options.backend }),
    ...(options.task === undefined ? {} : { task: options.task }),
  });
  const result = await session.start();
  const evaluation = session.evaluate(evalBatches, 64);
  const seconds = (performance.now() - t0) / 1000;
  const reduction = session.plan.losses[0].reduction;
  const baseline = session.task!.baseline[reduction];
  const metrics = Object.entries(evaluation.metrics).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', ');
  console.log(`[learning] ${label}: ${result.status} after ${result.step} steps in ${seconds.toFixed(1)} s; evaluation loss ${evaluation.loss.toFixed(4)}${metrics ? ` (${metrics})` : ''}; baseline ${baseline.toFixed(4)}`);
  return { result, evaluation, seconds, baseline };
}
