import { create } from 'zustand';
import { DEFAULT_UNROLL_STEPS, MAX_UNROLL_STEPS } from '../../src/compiler/unroll-view';

/**
 * The folded ⇄ unrolled toggle, the number of steps drawn (k), and the time step selected with the
 * scrubber: the unrolled view highlights its column, the gradient and gates views mark it. Its own
 * small store; nothing here goes into the document.
 */
export interface TimeState {
  /** What the canvas area shows: the editable graph, or its recurrences unrolled over k steps. */
  view: 'folded' | 'unrolled';
  /** Steps drawn per time axis, 1 … MAX_UNROLL_STEPS. */
  k: number;
  /** The selected time step, 1-based. */
  step: number;
  setView(view: 'folded' | 'unrolled'): void;
  setK(k: number): void;
  setStep(step: number): void;
}

export const useTime = create<TimeState>()((set) => ({
  view: 'folded',
  k: DEFAULT_UNROLL_STEPS,
  step: 1,
  setView: (view) => set({ view }),
  setK: (k) => set({ k: Math.min(MAX_UNROLL_STEPS, Math.max(1, Math.round(Number.isFinite(k) ? k : DEFAULT_UNROLL_STEPS))) }),
  setStep: (step) => set({ step: Math.max(1, Math.round(Number.isFinite(step) ? step : 1)) }),
}));

export function toggleUnrolled(): void {
  const s = useTime.getState();
  s.setView(s.view === 'folded' ? 'unrolled' : 'folded');
}
