/**
 * A task: where a training session's batches come from. Built-in tasks are generated from the run's
 * seeded generator; user data (CSV series, text) is sampled the same way. See docs/data-format.md.
 */
import type { z } from 'zod';
import type { Rng } from '../engine/rng';
import type { Batch, IOSpec } from './batch';

/**
 * The loss of a trivial predictor that uses no memory of the inputs (stated per task), under both
 * reductions of models.md: a trained model should do clearly better.
 */
export interface Baseline {
  /** `Σ m ℓ / Σ m`: the mean loss per valid step. */
  readonly meanValidSteps: number;
  /** `(1/B) Σ_b Σ_t m ℓ` (the default reduction): the loss per sequence; n→1: equals `meanValidSteps`. */
  readonly sumTimeMeanBatch: number;
  /** Which predictor scores it. */
  readonly description: string;
}

/** A task with its params fixed: what a training session asks for batches. */
export interface TaskInstance {
  /** Task id (`adding`, `copy`, …, `csv`, `text`). */
  readonly id: string;
  readonly title: string;
  readonly spec: IOSpec;
  readonly baseline: Baseline;
  /** `B` samples drawn with `rng`; the same generator state gives the same batch. */
  /**
   * `B` samples drawn with `rng`; the same generator state gives the same batch. `index` is the
   * batch's 1-based number in the run: tasks that serve consecutive chunks of long streams (stateful
   * training) place their windows by it.
   */
  batch(rng: Rng, batchSize: number, index?: number): Batch;
  /** Display names of token ids (index inputs) or classes (index outputs), when they have names. */
  readonly inputSymbols?: readonly string[];
  readonly outputSymbols?: readonly string[];
  /**
   * Tasks whose samples are written in words (story questions): a person's text read as one sample
   * (B = 1), encoded exactly as `batch` encodes a drawn one, or the problem with the text.
   */
  encodeText?(text: string): TextSample;
  /** With `encodeText`: one sample drawn with `rng`, written as a person would type it. */
  textExample?(rng: Rng): string;
}

/** A typed text read as one sample, or why it cannot be (a stable `code`, a message naming the fault). */
export type TextSample =
  | {
      readonly ok: true;
      /** One sample (B = 1), with the task's spec. */
      readonly batch: Batch;
      /** What each valid step holds, as text (a story's sentences). */
      readonly steps: readonly string[];
      /** What the sample asks, as text, when part of the text is a question fed beside the steps. */
      readonly question?: string;
    }
  | { readonly ok: false; readonly code: string; readonly message: string };

/** A built-in task kind: its params (a zod schema, every field with a default) and its factory. */
export interface TaskDef<P = Record<string, unknown>> {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** `params.parse({})` gives the defaults. */
  readonly params: z.ZodType<P>;
  create(params: P): TaskInstance;
}

/** Sample lengths τ_b: all `T` when `minT` is absent or equals `T`, else uniform in `[minT, T]`. */
export function drawLengths(rng: Rng, B: number, T: number, minT: number | undefined): Int32Array {
  const lengths = new Int32Array(B);
  const lo = minT ?? T;
  for (let b = 0; b < B; b++) lengths[b] = lo >= T ? T : lo + rng.int(T - lo + 1);
  return lengths;
}
