/**
 * Metrics read from a forward pass, per loss node, over the valid steps only (of the loss's own time
 * axis: an encoder–decoder's loss on the target axis counts its valid steps `i ≤ τ'_b`):
 * - `CrossEntropy`: `<node>.accuracy`, the fraction of valid steps whose arg-max logit is the target
 *   (ties: the lowest index);
 * - `BCE`: `<node>.accuracy`, the fraction of units whose sign of the logit matches `y ≥ 0.5`;
 * - `MSE`: `<node>.mse`, the mean over valid steps and units of `(o − y)²` (whatever the reduction:
 *   for the adding problem it is the number to compare with the baseline 1/6).
 * Each metric is also returned as sums and counts, so several batches can be pooled exactly.
 */
import type { Plan } from '../compiler/plan';
import type { Executor } from '../engine/executor';

export interface MetricSum {
  readonly sum: number;
  readonly count: number;
}

export function metricSums(plan: Plan, exec: Executor): Map<string, MetricSum> {
  const out = new Map<string, MetricSum>();
  const B = exec.batchSize;
  for (const l of plan.losses) {
    const op = plan.ops[l.op];
    // a decoder's loss counts the valid steps of the target axis (T', τ'_b)
    const axis = l.axis === 1 ? 1 : 0;
    const T = exec.stepsOf(axis);
    const mask = exec.maskTimeMajor(axis); // (T,B)
    const valid = (row: number): boolean => {
      if (!l.perStep) return true;
      const b = Math.floor(row / T);
      const t = row % T;
      return mask[t * B + b] === 1;
    };
    if (op.type === 'CrossEntropy') {
      const o = exec.value(op.inputs.logits); // (B,T,C) or (B,C); T' on the target axis
      const y = exec.value(op.inputs.target).data; // (B,T) or (B)
      const C = o.shape[o.shape.length - 1];
      let right = 0;
      let n = 0;
      for (let r = 0; r < y.length; r++) {
        if (!valid(r)) continue;
        let best = 0;
        for (let c = 1; c < C; c++) if (o.data[r * C + c] > o.data[r * C + best]) best = c;
        if (best === y[r]) right++;
        n++;
      }
      out.set(`${l.node}.accuracy`, { sum: right, count: n });
    } else if (op.type === 'MSE' || op.type === 'BCE') {
      const o = exec.value(op.inputs.prediction ?? op.inputs.logits);
      const y = exec.value(op.inputs.target).data;
      const D = o.shape[o.shape.length - 1];
      let sum = 0;
      let n = 0;
      for (let r = 0; r < y.length / D; r++) {
        if (!valid(r)) continue;
        for (let k = 0; k < D; k++) {
          const p = o.data[r * D + k];
          const t = y[r * D + k];
          sum += op.type === 'MSE' ? (p - t) * (p - t) : p > 0 === t >= 0.5 ? 1 : 0;
        }
        n += D;
      }
      out.set(`${l.node}.${op.type === 'MSE' ? 'mse' : 'accuracy'}`, { sum, count: n });
    }
  }
  return out;
}

/** The metrics as values (sum / count; NaN where nothing was counted). */
export function metricValues(sums: ReadonlyMap<string, MetricSum>): Record<string, number> {
  return Object.fromEntries([...sums].map(([k, s]) => [k, s.count > 0 ? s.sum / s.count : NaN]));
}
