import { create } from 'zustand';
import { useInsight } from '../insight/insightStore';
import { keepRun, loadKept, saveKept, type CompareProblem, type KeptRun, type KeyValueStorage, type RunSnapshot } from './compare';
import { useTraining, type Run } from './trainingStore';

/**
 * The runs kept for comparison, in their own store: they outlive the run, the open graph and the
 * example switched to, and are saved in local storage after every change (see `compare.ts`).
 */

export interface CompareState {
  runs: KeptRun[];
  /** What went wrong reading or writing the stored runs (shown until dismissed). */
  problem: CompareProblem | undefined;
  /** `<session>@<step>` of live runs already kept (so one run is not kept twice). */
  keptFrom: ReadonlyMap<string, string>;
  /** The gradient overlay divides each curve by its value at t = T. */
  normalise: boolean;
  /** Kept run id → the recurrent value drawn in the gradient overlay (default: its first). */
  curvePick: Readonly<Record<string, string>>;
  load(storage?: KeyValueStorage): void;
  /** Keeps a snapshot (from `snapshotOf`); `from` marks the live run it came from. */
  keep(snapshot: RunSnapshot, from: string, name?: string): KeptRun;
  rename(id: string, name: string): void;
  setVisible(id: string, visible: boolean): void;
  remove(id: string): void;
  setNormalise(on: boolean): void;
  pickCurve(id: string, name: string): void;
  dismissProblem(): void;
}

function browserStorage(): KeyValueStorage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}

let storage: KeyValueStorage | undefined = browserStorage();
let counter = 0;

export const useCompare = create<CompareState>()((set, get) => {
  /** Applies new runs and saves them; a failed save is reported, the runs stay in the session. */
  const commit = (runs: KeptRun[], extra: Partial<CompareState> = {}) => {
    const problem = saveKept(storage, runs);
    set({ runs, ...extra, ...(problem === undefined ? {} : { problem }) });
  };
  return {
    runs: [],
    problem: undefined,
    keptFrom: new Map(),
    normalise: false,
    curvePick: {},
    load: (given) => {
      if (given !== undefined) storage = given;
      const { runs, problem } = loadKept(storage);
      set({ runs, problem, keptFrom: new Map(), curvePick: {} });
    },
    keep: (snapshot, from, name) => {
      const id = `k${Date.now().toString(36)}${(counter++).toString(36)}`;
      const runs = keepRun(get().runs, snapshot, { id, now: Date.now(), ...(name === undefined ? {} : { name }) });
      const keptFrom = new Map(get().keptFrom);
      keptFrom.set(from, id);
      commit(runs, { keptFrom });
      return runs[runs.length - 1]!;
    },
    rename: (id, name) => commit(get().runs.map((r) => (r.id === id ? { ...r, name: name.slice(0, 200) } : r))),
    setVisible: (id, visible) => commit(get().runs.map((r) => (r.id === id ? { ...r, visible } : r))),
    remove: (id) => commit(get().runs.filter((r) => r.id !== id)),
    setNormalise: (normalise) => set({ normalise }),
    pickCurve: (id, name) => set((s) => ({ curvePick: { ...s.curvePick, [id]: name } })),
    dismissProblem: () => set({ problem: undefined }),
  };
});

/** The marker of a live run at its current step. */
export const runMarker = (run: Run): string => `${run.id ?? ''}@${run.step}`;

/** Whether the live run can be kept for comparison: it is over, has trained a step, and is not kept yet. */
export function canCompare(run: Run | undefined, keptFrom: ReadonlyMap<string, string>): boolean {
  return run?.id !== undefined && run.step > 0 && ['finished', 'stopped', 'diverged'].includes(run.status) && !keptFrom.has(runMarker(run));
}

/** The id of the kept copy of the live run, if it was kept (at its current step) and is still kept. */
export function keptCopyOf(run: Run | undefined, state: Pick<CompareState, 'keptFrom' | 'runs'>): string | undefined {
  if (run === undefined) return undefined;
  const id = state.keptFrom.get(runMarker(run));
  return id !== undefined && state.runs.some((r) => r.id === id) ? id : undefined;
}

/** The live run's series as a snapshot: its loss by step and, per recurrent value, the latest recorded ‖∂L/∂h_t‖. */
export function snapshotOf(run: Run): RunSnapshot {
  const loss = useTraining.getState().loss.toArrays();
  const records = useInsight.getState().records;
  const latest = new Map<string, RunSnapshot['grads'][number]>();
  for (const r of records) for (const g of r.gradNorms) latest.set(g.name, { name: g.name, node: g.node, step: r.step, perStep: g.perStep });
  return { model: run.about?.model ?? '', task: run.about?.task ?? '', seed: run.about?.seed ?? 0, steps: run.step, loss, grads: [...latest.values()] };
}

/** "Keep for comparison": the live run's series into the kept runs (named `name`, else by default). */
export function keepForComparison(name?: string): KeptRun | undefined {
  const run = useTraining.getState().run;
  const s = useCompare.getState();
  if (run === undefined || !canCompare(run, s.keptFrom)) return undefined;
  return s.keep(snapshotOf(run), runMarker(run), name);
}
