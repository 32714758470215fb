import type { Executor } from './executor';

/**
 * What a backward pass records for the vanishing/exploding picture (models.md "What is recorded"):
 * for every recurrent node, `‖∂L/∂h_t‖` at every step — the total derivative of the reduced loss
 * (through all later steps within the backward window), Frobenius norm over `[B,H]` — and the same
 * per sample. Zero at padded steps and at steps before the window.
 */
export interface RecurrenceGradNorms {
  /** The recurrent node (`h` of a Delay-closed cycle; a composite's id for an expanded cell). */
  readonly name: string;
  /** The document node. */
  readonly node: string;
  /** Value id of h. */
  readonly value: string;
  /** ‖∂L/∂h_t‖_F over [B,H], per step: (T), T of the state's own time axis. */
  readonly perStep: Float64Array;
  /** ‖∂L/∂h_{b,t}‖ per sample and step: (B,T), batch-major. */
  readonly perSample: Float64Array;
}

export function recurrenceGradNorms(exec: Executor): RecurrenceGradNorms[] {
  const B = exec.batchSize;
  return exec.plan.recurrences.map((r) => {
    // a decoder's state runs on the target axis, with its own T' and mask
    const axis = r.axis === 1 ? 1 : 0;
    const T = exec.stepsOf(axis);
    const mask = exec.maskTimeMajor(axis);
    const g = exec.rawGradient(r.source); // (T,B,H)
    const H = r.dim;
    const perStep = new Float64Array(T);
    const perSample = new Float64Array(B * T);
    for (let t = 0; t < T; t++) {
      let total = 0;
      for (let b = 0; b < B; b++) {
        if (mask[t * B + b] === 0) continue;
        let s = 0;
        const off = (t * B + b) * H;
        for (let j = 0; j < H; j++) s += g[off + j] * g[off + j];
        perSample[b * T + t] = Math.sqrt(s);
        total += s;
      }
      perStep[t] = Math.sqrt(total);
    }
    return { name: r.name, node: r.node, value: r.source, perStep, perSample };
  });
}
