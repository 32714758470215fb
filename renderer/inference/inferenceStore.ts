import { create } from 'zustand';
import type { InferResult } from '../../src/protocol';

/**
 * The inference panel's state, in its own small store: whether it is open, the controls as typed
 * (numbers stay text until Run parses them), and the latest answer or error. Nothing here goes
 * into the document.
 */

export interface InferenceForm {
  /** The typed input of each mode (kept apart, so switching graphs does not mix them up). */
  readonly seed: string;
  readonly source: string;
  readonly input: string;
  readonly series: string;
  /** forecast: the values of the graph's vector Inputs (a conditioning vector), numbers in order. */
  readonly condition: string;
  /** generate: tokens to add; forecast: steps to predict; translate: the length limit. */
  readonly length: string;
  readonly steps: string;
  readonly maxLength: string;
  /** Greedy (false) or sampling at `temperature` (true). */
  readonly sample: boolean;
  readonly temperature: number;
  /** translate: 1 = greedy / sampled, > 1 = beam search. */
  readonly beam: string;
}

export interface InferenceFailure {
  readonly message: string;
  /** The request field at fault (`request.seed`), when the host named one. */
  readonly path?: string;
}

export interface InferenceState {
  open: boolean;
  form: InferenceForm;
  running: boolean;
  result: InferResult | undefined;
  error: InferenceFailure | undefined;
  setOpen(open: boolean): void;
  setForm(patch: Partial<InferenceForm>): void;
  setRunning(running: boolean): void;
  setOutcome(result: InferResult | undefined, error: InferenceFailure | undefined): void;
}

export const INITIAL_FORM: InferenceForm = {
  seed: '',
  source: '',
  input: '',
  series: '',
  condition: '',
  length: '100',
  steps: '20',
  maxLength: '20',
  sample: false,
  temperature: 1,
  beam: '1',
};

export const useInference = create<InferenceState>()((set) => ({
  open: false,
  form: INITIAL_FORM,
  running: false,
  result: undefined,
  error: undefined,
  setOpen: (open) => set({ open }),
  setForm: (patch) => set((s) => ({ form: { ...s.form, ...patch } })),
  setRunning: (running) => set({ running }),
  setOutcome: (result, error) => set({ result, error }),
}));

export function toggleInference(): void {
  const s = useInference.getState();
  s.setOpen(!s.open);
}
