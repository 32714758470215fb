import { beforeEach, describe, expect, it } from 'vitest';
import { alignSeries, chosenCurve, COMPARE_STORAGE_KEY, defaultRunName, keepRun, loadKept, MAX_KEPT_RUNS, MAX_LOSS_POINTS, modelName, saveKept, shapedCurve, thin, type KeptRun, type KeyValueStorage, type RunSnapshot } from '../../../renderer/training/compare';
import { canCompare, keepForComparison, keptCopyOf, useCompare } from '../../../renderer/training/compareStore';
import { useInsight } from '../../../renderer/insight/insightStore';
import { useTraining, type Run } from '../../../renderer/training/trainingStore';

/** Browser storage as a map; `limit` (characters) makes setItem throw like a full quota. */
class MemoryStorage implements KeyValueStorage {
  readonly items = new Map<string, string>();
  constructor(private readonly limit = Infinity) {}
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    if (value.length > this.limit) throw new Error('QuotaExceededError: the quota has been exceeded');
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

const snapshot = (model: string, steps = 40): RunSnapshot => ({
  model,
  task: 'adding',
  seed: 1,
  steps,
  loss: { x: Array.from({ length: steps }, (_, i) => i + 1), y: Array.from({ length: steps }, (_, i) => 1 / (i + 1)) },
  grads: [
    { name: 'cell.c', node: 'cell', step: 25, perStep: Float32Array.from([0.001, 0.01, 0.1]) },
    { name: 'cell', node: 'cell', step: 25, perStep: Float32Array.from([0.0001, 0.01, 0.5, 0]) },
  ],
});

function keepMany(n: number): KeptRun[] {
  let runs: KeptRun[] = [];
  for (let i = 0; i < n; i++) runs = keepRun(runs, snapshot(`M${i}`), { id: `r${i}`, now: 1000 + i });
  return runs;
}

describe('keeping runs for comparison', () => {
  it('names a run by its cells, task and seed unless a name is given', () => {
    expect(defaultRunName({ model: 'LSTM', task: 'adding', seed: 1 })).toBe('LSTM · adding · seed 1');
    expect(modelName([{ type: 'Input' }, { type: 'LSTM' }, { type: 'Linear' }, { type: 'LSTM' }], 'x')).toBe('LSTM');
    expect(modelName([{ type: 'RNN' }, { type: 'GRU' }], 'x')).toBe('RNN+GRU');
    expect(modelName([{ type: 'Linear' }], 'Per-step regression')).toBe('Per-step regression');
    const [a] = keepRun([], snapshot('LSTM'), { id: 'a', now: 1 });
    expect(a!.name).toBe('LSTM · adding · seed 1');
    const [b] = keepRun([], snapshot('GRU'), { id: 'b', now: 1, name: '  my GRU  ' });
    expect(b!.name).toBe('my GRU');
    expect(keepRun([], snapshot('GRU'), { id: 'b', now: 1, name: '   ' })[0]!.name).toBe('GRU · adding · seed 1');
  });

  it('gives each kept run its own colour, visible, with only the series it needs', () => {
    const runs = keepMany(3);
    expect(new Set(runs.map((r) => r.colour)).size).toBe(3);
    expect(runs.every((r) => r.visible)).toBe(true);
    expect(Object.keys(runs[0]!).sort()).toEqual(['colour', 'grads', 'id', 'keptAt', 'loss', 'model', 'name', 'seed', 'steps', 'task', 'visible']);
    expect(runs[0]!.grads.map((g) => g.name)).toEqual(['cell.c', 'cell']);
    expect(runs[0]!.loss.x.length).toBe(40);
  });

  it('keeps at most MAX_KEPT_RUNS, dropping the oldest', () => {
    const runs = keepMany(MAX_KEPT_RUNS + 3);
    expect(runs.length).toBe(MAX_KEPT_RUNS);
    expect(runs[0]!.id).toBe('r3');
    expect(runs[runs.length - 1]!.id).toBe(`r${MAX_KEPT_RUNS + 2}`);
  });

  it('thins long loss series evenly, keeping the first and last points, and stores non-finite values as null', () => {
    const x = Array.from({ length: 5000 }, (_, i) => i + 1);
    const t = thin(x, x.map((v) => v * 2));
    expect(t.x.length).toBe(MAX_LOSS_POINTS);
    expect([t.x[0], t.x[t.x.length - 1]]).toEqual([1, 5000]);
    expect(t.y[t.y.length - 1]).toBe(10000);
    expect(thin([1, 2], [NaN, Infinity]).y).toEqual([null, null]);
  });
});

describe('stored kept runs', () => {
  it('round-trip through storage', () => {
    const storage = new MemoryStorage();
    const runs = keepMany(3).map((r, i) => (i === 1 ? { ...r, visible: false, name: 'renamed' } : r));
    expect(saveKept(storage, runs)).toBeUndefined();
    const back = loadKept(storage);
    expect(back.problem).toBeUndefined();
    expect(back.runs).toEqual(runs);
  });

  it('clears unreadable text with a message instead of failing', () => {
    const storage = new MemoryStorage();
    storage.setItem(COMPARE_STORAGE_KEY, '{"format": "unroll.comparison", "ver');
    const r = loadKept(storage);
    expect(r.runs).toEqual([]);
    expect(r.problem?.code).toBe('compare-unreadable');
    expect(r.problem?.message).toMatch(/could not be read and were cleared/);
    expect(storage.getItem(COMPARE_STORAGE_KEY)).toBeNull();
    storage.setItem(COMPARE_STORAGE_KEY, JSON.stringify({ format: 'unroll.comparison', version: 2, runs: [] }));
    expect(loadKept(storage).problem?.message).toMatch(/version/);
  });

  it('drops malformed runs one by one, naming the first bad field, and rewrites the repaired list', () => {
    const storage = new MemoryStorage();
    const runs = keepMany(3);
    const broken = [runs[0], { ...runs[1], loss: { x: [1, 2], y: [1] } }, { ...runs[2], colour: 'red' }, runs[0]];
    storage.setItem(COMPARE_STORAGE_KEY, JSON.stringify({ format: 'unroll.comparison', version: 1, runs: broken }));
    const r = loadKept(storage);
    expect(r.runs.map((x) => x.id)).toEqual(['r0']);
    expect(r.problem?.code).toBe('compare-repaired');
    expect(r.problem?.message).toMatch(/Dropped 3 .*kept 1 .*runs\[1\]\.loss\.y/);
    expect(loadKept(storage)).toEqual({ runs: r.runs });
  });

  it('keeps only the newest MAX_KEPT_RUNS of an over-long stored list', () => {
    const storage = new MemoryStorage();
    const many = keepMany(MAX_KEPT_RUNS).concat(keepMany(MAX_KEPT_RUNS + 2).slice(-2).map((r, i) => ({ ...r, id: `extra${i}` })));
    storage.setItem(COMPARE_STORAGE_KEY, JSON.stringify({ format: 'unroll.comparison', version: 1, runs: many }));
    const r = loadKept(storage);
    expect(r.runs.length).toBe(MAX_KEPT_RUNS);
    expect(r.runs[r.runs.length - 1]!.id).toBe('extra1');
    expect(r.problem?.message).toMatch(/more than 12 runs/);
  });

  it('drops the oldest when the storage is full, and says so', () => {
    const runs = keepMany(4);
    const one = JSON.stringify({ format: 'unroll.comparison', version: 1, runs: runs.slice(-2) }).length;
    const storage = new MemoryStorage(one);
    const problem = saveKept(storage, runs);
    expect(problem?.code).toBe('compare-save-failed');
    expect(problem?.message).toMatch(/the 2 oldest/);
    expect(loadKept(storage).runs.map((r) => r.id)).toEqual(['r2', 'r3']);
    expect(saveKept(new MemoryStorage(10), runs)?.message).toMatch(/could not be saved.*QuotaExceeded/);
  });
});

describe('comparison charts', () => {
  it('align series on their own steps onto one x', () => {
    expect(alignSeries([{ x: [1, 3], y: [10, 30] }, { x: [2, 3, 4], y: [2, 3, null] }])).toEqual({ x: [1, 2, 3, 4], ys: [[10, null, 30, null], [null, 2, 3, null]] });
  });

  it('normalise a curve by its last step that got a gradient, and pick h by default', () => {
    expect(shapedCurve([0.001, 0.01, 0.5, 0], true)).toEqual([0.002, 0.02, 1, 0]);
    expect(shapedCurve([0.001, 0.01], false)).toEqual([0.001, 0.01]);
    expect(shapedCurve([0, 0], true)).toEqual([null, null]);
    const grads = snapshot('LSTM').grads;
    expect(chosenCurve(grads, undefined)?.name).toBe('cell');
    expect(chosenCurve(grads, 'cell.c')?.name).toBe('cell.c');
    expect(chosenCurve(grads, 'gone')?.name).toBe('cell');
  });
});

describe('the compare store', () => {
  const finished = (patch: Partial<Run> = {}): Run => ({ id: 's1', status: 'finished', step: 40, total: 40, signature: '', stepsPerSecond: 1, elapsedMs: 1, about: { model: 'RNN', task: 'adding', seed: 3 }, ...patch });
  let storage: MemoryStorage;

  beforeEach(() => {
    storage = new MemoryStorage();
    useCompare.getState().load(storage);
    useTraining.getState().resetSeries();
    useInsight.getState().reset(undefined);
    for (let i = 1; i <= 40; i++) useTraining.getState().loss.push(i, 2 / i);
    useInsight.setState({ records: [{ step: 25, T: 3, length: 3, gradNorms: [{ name: 'cell', node: 'cell', perStep: Float32Array.from([0.25, 0.5, 1]) }], traces: [], edgeGrads: {}, zeroGradNodes: [], attention: [] }] });
  });

  it('keeps a finished run once, from the live series, and saves it', () => {
    useTraining.getState().setRun(finished({ status: 'running' }));
    expect(canCompare(useTraining.getState().run, useCompare.getState().keptFrom)).toBe(false);
    expect(keepForComparison()).toBeUndefined();
    useTraining.getState().setRun(finished());
    const kept = keepForComparison()!;
    expect(kept).toMatchObject({ name: 'RNN · adding · seed 3', steps: 40, grads: [{ name: 'cell', step: 25, perStep: [0.25, 0.5, 1] }] });
    expect(kept.loss.x.length).toBe(40);
    expect(canCompare(useTraining.getState().run, useCompare.getState().keptFrom)).toBe(false);
    expect(keepForComparison()).toBeUndefined();
    expect(keptCopyOf(useTraining.getState().run, useCompare.getState())).toBe(kept.id);
    expect(loadKept(storage).runs).toEqual([kept]);
  });

  it('renames, hides and deletes, saving each change; kept runs outlive a new run', () => {
    useTraining.getState().setRun(finished());
    const kept = keepForComparison()!;
    const s = useCompare.getState();
    s.rename(kept.id, 'Elman');
    s.setVisible(kept.id, false);
    expect(loadKept(storage).runs[0]).toMatchObject({ name: 'Elman', visible: false });
    useTraining.getState().setRun(finished({ id: 's2', step: 10 }));
    useTraining.getState().resetSeries();
    expect(useCompare.getState().runs.length).toBe(1);
    expect(keptCopyOf(useTraining.getState().run, useCompare.getState())).toBeUndefined();
    useCompare.getState().remove(kept.id);
    expect(loadKept(storage).runs).toEqual([]);
  });

  it('shows the problem with corrupted storage instead of failing', () => {
    storage.setItem(COMPARE_STORAGE_KEY, 'not json');
    useCompare.getState().load(storage);
    expect(useCompare.getState().runs).toEqual([]);
    expect(useCompare.getState().problem?.code).toBe('compare-unreadable');
    useCompare.getState().dismissProblem();
    expect(useCompare.getState().problem).toBeUndefined();
  });
});
