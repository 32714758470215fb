/**
 * A wave from its description (1→n, captioning-like; models.md "Shapes of networks"): each sample is
 * a sinusoid `y_t = A·sin(ω t + φ)`, t = 1..T, with amplitude A uniform in [minAmplitude,
 * maxAmplitude], angular frequency ω uniform in [2π/maxPeriod, 2π/minPeriod] and phase φ uniform in
 * [0, 2π). The conditioning vector, the extra input `condition` (B,4), describes it:
 *   [ (A − Ā)/ΔA, (ω − ω̄)/Δω, cos φ, sin φ ]   (Ā, ΔA: the middle and half-width of the range; 0 when the range is one value)
 * The per-step input `x` is the teacher-forced previous value `x_t = y_{t−1}` (`y_0 = 0`), or all
 * zeros with `input: none` (0→n from the vector alone). n→n regression, MSE.
 *
 * Baselines, per step: `previous`: repeating the previous value (0 at t = 1) scores
 * `E[A²]·(1/2 + (T−1)·(1 − E[cos ω]))/T`; `none`: always answering 0 scores `E[A²]/2`.
 */
import { z } from 'zod';
import type { Rng } from '../../engine/rng';
import { allocBatch, checkBatchSize, maskFromLengths, type Batch, type IOSpec } from '../batch';
import type { TaskDef, TaskInstance } from '../task';

/** The id of the Input the conditioning vector feeds. */
export const WAVE_CONDITION = 'condition';
/** Width of the conditioning vector: amplitude, frequency, cos φ, sin φ. */
export const WAVE_CONDITION_SIZE = 4;

export const WaveParams = z
  .strictObject({
    T: z.number().int().min(1).max(10000).default(24),
    /** Shortest and longest period 2π/ω, in steps. */
    minPeriod: z.number().min(2).max(1e6).default(8),
    maxPeriod: z.number().min(2).max(1e6).default(24),
    minAmplitude: z.number().min(0).max(100).default(0.5),
    maxAmplitude: z.number().min(0).max(100).default(1),
    /** `previous`: x_t = y_{t−1} (teacher forcing); `none`: x is all zeros, the vector alone describes the wave. */
    input: z.enum(['previous', 'none']).default('previous'),
  })
  .refine((p) => p.minPeriod <= p.maxPeriod, { message: 'minPeriod must not exceed maxPeriod', path: ['minPeriod'] })
  .refine((p) => p.minAmplitude <= p.maxAmplitude, { message: 'minAmplitude must not exceed maxAmplitude', path: ['minAmplitude'] });
export type WaveParams = z.output<typeof WaveParams>;

/** One wave: its amplitude, angular frequency and phase. */
export interface Wave {
  readonly A: number;
  readonly omega: number;
  readonly phi: number;
}

/** `(v − middle)/halfWidth` of the range [lo, hi]; 0 when the range is one value. */
function centred(v: number, lo: number, hi: number): number {
  return hi > lo ? (v - (lo + hi) / 2) / ((hi - lo) / 2) : 0;
}

/** The conditioning vector of a wave under `params`: [amplitude, frequency, cos φ, sin φ], the first two in [−1, 1]. */
export function waveCondition(w: Wave, params: WaveParams): number[] {
  const [wLo, wHi] = [(2 * Math.PI) / params.maxPeriod, (2 * Math.PI) / params.minPeriod];
  return [centred(w.A, params.minAmplitude, params.maxAmplitude), centred(w.omega, wLo, wHi), Math.cos(w.phi), Math.sin(w.phi)];
}

/** Per-step baseline loss (see the file comment), from E[A²] and E[cos ω] in closed form. */
export function waveBaseline(params: WaveParams): number {
  const { minAmplitude: a1, maxAmplitude: a2, T } = params;
  const a2mean = (a1 * a1 + a1 * a2 + a2 * a2) / 3; // E[A²], A ~ U[a1, a2]
  if (params.input === 'none') return a2mean / 2;
  const [w1, w2] = [(2 * Math.PI) / params.maxPeriod, (2 * Math.PI) / params.minPeriod];
  const cosMean = w2 > w1 ? (Math.sin(w2) - Math.sin(w1)) / (w2 - w1) : Math.cos(w1); // E[cos ω], ω ~ U[w1, w2]
  return (a2mean * (0.5 + (T - 1) * (1 - cosMean))) / T;
}

export function waveTask(params: WaveParams): TaskInstance {
  const { T } = params;
  const D = WAVE_CONDITION_SIZE;
  const spec: IOSpec = {
    input: { dtype: 'real', size: 1 },
    output: { dtype: 'real', size: 1 },
    mapping: 'n-n',
    steps: T,
    loss: 'mse',
    extra: { [WAVE_CONDITION]: { role: 'vector', dtype: 'real', size: D } },
  };
  const perStep = waveBaseline(params);
  const [wLo, wHi] = [(2 * Math.PI) / params.maxPeriod, (2 * Math.PI) / params.minPeriod];
  return {
    id: 'wave',
    title: 'A wave from its description',
    spec,
    baseline: {
      meanValidSteps: perStep,
      sumTimeMeanBatch: T * perStep,
      description: params.input === 'none' ? 'always answering 0' : 'repeating the previous value (0 at the first step)',
    },
    batch(rng: Rng, B: number): Batch {
      checkBatchSize(B);
      const { x, y } = allocBatch(spec, B); // x: (B,T,1)  y: (B,T,1)
      const cond = new Float32Array(B * D); // condition: (B,4)
      for (let b = 0; b < B; b++) {
        const w: Wave = { A: rng.range(params.minAmplitude, params.maxAmplitude), omega: rng.range(wLo, wHi), phi: rng.range(0, 2 * Math.PI) };
        cond.set(waveCondition(w, params), b * D);
        for (let t = 1; t <= T; t++) {
          y[b * T + t - 1] = w.A * Math.sin(w.omega * t + w.phi);
          if (params.input === 'previous' && t < T) x[b * T + t] = y[b * T + t - 1];
        }
      }
      const lengths = new Int32Array(B).fill(T);
      return { B, T, x, y, lengths, mask: maskFromLengths(lengths, T), extra: { [WAVE_CONDITION]: { role: 'vector', dtype: 'real', size: D, data: cond } } };
    },
  };
}

export const WAVE: TaskDef<WaveParams> = {
  id: 'wave',
  title: 'A wave from its description',
  description:
    'Generate y_t = A·sin(ωt + φ) from a vector describing it (amplitude, frequency, cos φ, sin φ: the extra input "condition"), fed back its own previous value (y_0 = 0) at every step, or nothing (input: none). Repeating the previous value is the baseline (always 0 with input: none).',
  params: WaveParams,
  create: waveTask,
};
