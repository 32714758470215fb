import { create } from 'zustand';
import type { GradcheckResult, TraceResult } from '../../src/protocol';

/**
 * The step-through panel's state: the traced batch from the host, where the walk through it stands
 * (`moment` 0 … 2T−1: forward t = 1 … T, then backward t = T … 1), and the gradient checks run from
 * the inspector, by node. Its own small store.
 */
export interface StepFailure {
  readonly message: string;
  /** The request field at fault (`data`, `node`, `doc`), when the host named one. */
  readonly path?: string;
}

export interface StepState {
  open: boolean;
  data: 'task' | 'random';
  running: boolean;
  trace: TraceResult | undefined;
  /** The graph the trace was run on (`graphSignature`): a changed graph makes it stale. */
  signature: string | undefined;
  moment: number;
  error: StepFailure | undefined;
  checks: Readonly<Record<string, { readonly running: boolean; readonly result?: GradcheckResult; readonly error?: StepFailure }>>;
  setOpen(open: boolean): void;
  setData(data: 'task' | 'random'): void;
  setMoment(moment: number): void;
}

export const useStep = create<StepState>()((set) => ({
  open: false,
  data: 'task',
  running: false,
  trace: undefined,
  signature: undefined,
  moment: 0,
  error: undefined,
  checks: {},
  setOpen: (open) => set({ open }),
  setData: (data) => set({ data }),
  setMoment: (moment) => set({ moment }),
}));

/** Steps walked through: the longer of the two time axes. */
export function traceSteps(trace: TraceResult): number {
  return Math.max(trace.T, trace.targetT);
}

/** Where moment `m` of a walk over `T` steps stands: forward t = 1 … T, then backward t = T … 1. */
export function momentAt(m: number, T: number): { readonly phase: 'forward' | 'backward'; readonly t: number } {
  const k = Math.max(0, Math.min(2 * T - 1, Math.floor(m)));
  return k < T ? { phase: 'forward', t: k + 1 } : { phase: 'backward', t: 2 * T - k };
}
