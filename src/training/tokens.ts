/**
 * The recorded sample's tokens, for labelling the dashboard's time axes: the input tokens on the
 * source axis (`x`, token ids named by the task's `inputSymbols`) and the output tokens (`y`, named by
 * `outputSymbols`) on their own axis — the target axis of an n→m task, the source axis of an n→n
 * one. Row i of an alignment matrix is the step that emits `y_i`. Data that are not named token ids
 * have no labels.
 */
import type { Batch } from '../data/batch';

/** Token names of one sample, cut to its valid length on their axis. */
export interface AxisTokens {
  /** (τ) the input tokens, on the source axis (0). */
  readonly inputs?: readonly string[];
  /** The output tokens: (τ′) on the target axis (1) of an n→m task, (τ) on the source axis of an n→n one. */
  readonly outputs?: readonly string[];
  /** The time axis `outputs` lie on. */
  readonly outputAxis?: 0 | 1;
}

/** What naming a batch's ids needs: the task's symbols, when it has them. */
export interface TokenNames {
  readonly inputSymbols?: readonly string[];
  readonly outputSymbols?: readonly string[];
}

/** Longest label kept per token (a text task's symbols are single characters; words stay readable). */
const MAX_LABEL = 24;

/** Id k ↦ its symbol; an id outside the list shows as `#k` (the data and the names disagree). */
function named(ids: Int32Array, from: number, n: number, symbols: readonly string[]): string[] {
  const out: string[] = [];
  for (let t = 0; t < n; t++) {
    const k = ids[from + t];
    const s = symbols[k];
    out.push(s === undefined ? `#${k}` : s.length > MAX_LABEL ? `${s.slice(0, MAX_LABEL - 1)}…` : s);
  }
  return out;
}

/** Sample `sample`'s tokens of `batch` (see the file comment); `{}` when its data name none. */
export function sampleTokens(batch: Batch, names: TokenNames | undefined, sample: number): AxisTokens {
  if (names === undefined || sample < 0 || sample >= batch.B) return {};
  const { inputSymbols, outputSymbols } = names;
  const { B, T, x, y, target } = batch;
  const inputs = inputSymbols !== undefined && inputSymbols.length > 0 && x instanceof Int32Array && x.length === B * T ? named(x, sample * T, batch.lengths[sample], inputSymbols) : undefined;
  let outputs: string[] | undefined;
  let outputAxis: 0 | 1 = 0;
  if (outputSymbols !== undefined && outputSymbols.length > 0 && y instanceof Int32Array) {
    if (target !== undefined && y.length === B * target.T) {
      outputs = named(y, sample * target.T, target.lengths[sample], outputSymbols);
      outputAxis = 1;
    } else if (target === undefined && y.length === B * T) {
      outputs = named(y, sample * T, batch.lengths[sample], outputSymbols); // n→n: a class per step
    }
  }
  return { ...(inputs === undefined ? {} : { inputs }), ...(outputs === undefined ? {} : { outputs, outputAxis }) };
}
