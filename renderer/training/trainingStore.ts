import { create } from 'zustand';
import type { TrainingConfig } from '../../src/graph/document';
import { getTask } from '../../src/data/registry';
import type { BackendInfoPayload, TrainingBackend } from '../../src/protocol';
import { RingSeries } from './ring';

/**
 * The training dashboard's state, in its own store (not the document's): the form, the run the
 * host reports on, and the live series as ring buffers. Telemetry mutates the rings in place and
 * bumps `version`, so charts redraw without copying thousands of points into the store each time.
 */

/** Points kept per series (older ones scroll out of the charts; the first loss is kept apart). */
export const SERIES_CAPACITY = 20_000;

export type OptimizerKind = TrainingConfig['optimizer']['kind'];

/** The form as typed: numbers stay text until Start parses them (a bad one is named beside its field). */
export interface TrainingForm {
  readonly task: string;
  readonly taskParams: Readonly<Record<string, string>>;
  readonly optimizer: OptimizerKind;
  readonly lr: string;
  readonly batchSize: string;
  readonly steps: string;
  /** Clip by global norm: the max norm, or '' for no clipping. */
  readonly clip: string;
  /** Truncated BPTT: both '' for full BPTT. */
  readonly k1: string;
  readonly k2: string;
  readonly seed: string;
  readonly backend: TrainingBackend;
  /** The Pascanu regulariser (`training.pascanu`) on or off. */
  readonly pascanu: boolean;
  /** Its λ as typed (default 1). */
  readonly pascanuLambda: string;
  /** The RNN nodes it covers; `null`: every RNN node of the graph. */
  readonly pascanuNodes: readonly string[] | null;
  /** Stateful batches (`training.stateful`): each sample's final state starts the next batch. */
  readonly stateful: boolean;
}
export type FormField = Exclude<keyof TrainingForm, 'taskParams'> | `taskParams.${string}`;

export type RunStatus = 'starting' | 'running' | 'paused' | 'finished' | 'stopped' | 'diverged' | 'failed';

export interface DivergenceInfo {
  readonly node: string;
  readonly value: string;
  readonly step?: number;
  /** The time axis of `step` (`target`: an encoder–decoder's decoder step). */
  readonly axis?: 'source' | 'target';
  readonly trainingStep: number;
  readonly found: string;
  readonly stage: string;
  readonly message: string;
}

export interface Run {
  readonly id: string | undefined;
  readonly status: RunStatus;
  readonly step: number;
  readonly total: number;
  readonly backend?: BackendInfoPayload;
  /** The metric charted beside the loss (`loss.mse`, `loss.accuracy`). */
  readonly metric?: string;
  /** Every metric the host said the telemetry carries (the first is `metric`; e.g. `pascanu.omega` too). */
  readonly metrics?: readonly string[];
  /** The graph the run trains (ids, kinds, params, edges): kept weights fit only this graph. */
  readonly signature: string;
  readonly stepsPerSecond: number;
  readonly elapsedMs: number;
  readonly divergence?: DivergenceInfo;
  /** The step whose weights went into the document, once kept. */
  readonly keptStep?: number;
  /** Truncated BPTT of the run as the host resolved it (absent: full BPTT). */
  readonly tbptt?: { readonly k1: number; readonly k2: number };
  /** What the run trains, for naming it when kept for comparison: the cell kinds, the task, the seed. */
  readonly about?: { readonly model: string; readonly task: string; readonly seed: number };
}

export interface StartError {
  readonly message: string;
  readonly field?: FormField;
  readonly details?: readonly { where: string; message: string }[];
}

export interface TrainingState {
  open: boolean;
  form: TrainingForm;
  /** The form's fields that do not parse, by field. */
  fieldErrors: Partial<Record<FormField, string>>;
  run: Run | undefined;
  error: StartError | undefined;
  loss: RingSeries;
  metric: RingSeries;
  /** The run's other metrics (after the first), by name, in the order the host listed them. */
  extras: Map<string, RingSeries>;
  /** Bumped whenever the series change. */
  version: number;
  logScale: boolean;
  setOpen(open: boolean): void;
  setForm(patch: Partial<TrainingForm>): void;
  setTaskParam(name: string, value: string): void;
  setFieldErrors(errors: Partial<Record<FormField, string>>): void;
  setRun(run: Run | undefined): void;
  patchRun(patch: Partial<Run>): void;
  setError(error: StartError | undefined): void;
  setLogScale(on: boolean): void;
  /** Marks the series as changed after pushing points. */
  touch(): void;
  resetSeries(): void;
  /** The series of an extra metric, created on first use. */
  extraSeries(name: string): RingSeries;
}

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

/** The task's params with defaults filled, as text. */
export function taskParamText(task: string, given: Readonly<Record<string, unknown>> = {}): Record<string, string> {
  const def = getTask(task);
  const defaults = def?.params.safeParse({});
  const base: Record<string, unknown> = defaults?.success === true ? { ...(defaults.data as Record<string, unknown>) } : {};
  return Object.fromEntries(Object.entries({ ...base, ...given }).map(([k, v]) => [k, str(v)]));
}

/** The form a document's `training` block gives (the adding task with Adam when it has none). */
export function formFromTraining(training: TrainingConfig | undefined): TrainingForm {
  const task = training?.task !== undefined && getTask(training.task) !== undefined ? training.task : 'adding';
  const backend = training?.backend;
  return {
    task,
    taskParams: taskParamText(task, training?.task === task ? training.taskParams : {}),
    optimizer: training?.optimizer.kind ?? 'adam',
    lr: str(training?.optimizer.lr ?? 0.01),
    batchSize: str(training?.batchSize ?? 32),
    steps: str(training?.steps ?? 500),
    clip: training === undefined ? '1' : training.clip?.kind === 'norm' ? str(training.clip.max) : '',
    k1: str(training?.tbptt?.k1),
    k2: str(training?.tbptt?.k2),
    seed: str(training?.seed ?? 1),
    backend: (['auto', 'reference', 'f32', 'gpujs:webasm', 'gpujs:cpu', 'gpujs:webgpu', 'gpujs:headlessgl'] as const).find((b) => b === backend) ?? 'auto',
    pascanu: training?.pascanu !== undefined,
    pascanuLambda: str(training?.pascanu?.lambda ?? 1),
    pascanuNodes: training?.pascanu?.nodes ?? null,
    stateful: training?.stateful === true,
  };
}

export const useTraining = create<TrainingState>()((set, get) => ({
  open: false,
  form: formFromTraining(undefined),
  fieldErrors: {},
  run: undefined,
  error: undefined,
  loss: new RingSeries(SERIES_CAPACITY),
  metric: new RingSeries(SERIES_CAPACITY),
  extras: new Map(),
  version: 0,
  logScale: true,
  setOpen: (open) => set({ open }),
  setForm: (patch) => set((s) => ({ form: { ...s.form, ...patch } })),
  setTaskParam: (name, value) => set((s) => ({ form: { ...s.form, taskParams: { ...s.form.taskParams, [name]: value } } })),
  setFieldErrors: (fieldErrors) => set({ fieldErrors }),
  setRun: (run) => set({ run }),
  patchRun: (patch) => set((s) => (s.run === undefined ? {} : { run: { ...s.run, ...patch } })),
  setError: (error) => set({ error }),
  setLogScale: (logScale) => set({ logScale }),
  touch: () => set((s) => ({ version: s.version + 1 })),
  resetSeries: () =>
    set((s) => {
      s.loss.clear();
      s.metric.clear();
      return { extras: new Map(), version: s.version + 1 };
    }),
  extraSeries: (name) => {
    const extras = get().extras;
    let series = extras.get(name);
    if (series === undefined) {
      series = new RingSeries(SERIES_CAPACITY);
      extras.set(name, series);
    }
    return series;
  },
}));

/** Whether a run is under way (the form is locked, Start disabled). */
export const isActive = (run: Run | undefined): boolean => run !== undefined && (run.status === 'starting' || run.status === 'running' || run.status === 'paused');

/** The dashboard's keyboard shortcut (a plain key, like Fit's `F`: ignored while typing). */
export const TRAINING_ACCELERATOR = 'T';

export function toggleTraining(): void {
  const s = useTraining.getState();
  s.setOpen(!s.open);
}
