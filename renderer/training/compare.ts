import { z } from 'zod';
import { getNodeSpec } from '../../src/nodes/registry';
import { t } from '../i18n';

/**
 * Runs kept for comparison: the series a finished run leaves behind (its loss by step and, per
 * recurrent value, the latest ‖∂L/∂h_t‖ curve over t), their names, colours and visibility, and
 * their persistence in the renderer's local storage. Pure data shaping; the store is `compareStore.ts`.
 */

/** Kept runs at most; keeping another drops the oldest. */
export const MAX_KEPT_RUNS = 12;
/** Loss points kept per run (longer runs are thinned evenly, first and last point kept). */
export const MAX_LOSS_POINTS = 600;
/** Time steps kept per ‖∂L/∂h_t‖ curve. */
export const MAX_CURVE_STEPS = 2000;
/** The local-storage key of the kept runs. */
export const COMPARE_STORAGE_KEY = 'unroll.comparison';

/** Colours of kept runs (the live run draws in blue, so blue comes last). */
export const COMPARE_COLOURS: readonly string[] = ['#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777', '#4b5563', '#65a30d', '#7c2d12', '#0f766e', '#2563eb'];

/** The latest ‖∂L/∂h_t‖ over t of one recurrent value (`null`: a value JSON cannot hold). */
export interface KeptCurve {
  readonly name: string;
  readonly node: string;
  /** The training step of the record. */
  readonly step: number;
  readonly perStep: readonly (number | null)[];
}

export interface KeptRun {
  readonly id: string;
  readonly name: string;
  readonly colour: string;
  readonly visible: boolean;
  /** ms since 1970 when it was kept (the oldest go first beyond `MAX_KEPT_RUNS`). */
  readonly keptAt: number;
  readonly model: string;
  readonly task: string;
  readonly seed: number;
  /** The last training step. */
  readonly steps: number;
  readonly loss: { readonly x: readonly number[]; readonly y: readonly (number | null)[] };
  readonly grads: readonly KeptCurve[];
}

/** What a finished run offers to keep. */
export interface RunSnapshot {
  readonly model: string;
  readonly task: string;
  readonly seed: number;
  readonly steps: number;
  readonly loss: { readonly x: readonly number[]; readonly y: readonly number[] };
  readonly grads: readonly { readonly name: string; readonly node: string; readonly step: number; readonly perStep: ArrayLike<number> }[];
}

const finiteOrNull = z.number().nullable();
const name = z.string().min(1).max(200);

const KeptRunSchema = z
  .strictObject({
    id: z.string().min(1).max(64),
    name,
    colour: z.string().regex(/^#[0-9a-f]{6}$/i, 'must be a colour like #dc2626'),
    visible: z.boolean(),
    keptAt: z.number().finite(),
    model: z.string().max(200),
    task: z.string().max(64),
    seed: z.number().int(),
    steps: z.number().int().min(0),
    loss: z.strictObject({ x: z.array(z.number()).max(MAX_LOSS_POINTS), y: z.array(finiteOrNull).max(MAX_LOSS_POINTS) }),
    grads: z.array(z.strictObject({ name, node: name, step: z.number().int().min(0), perStep: z.array(finiteOrNull).max(MAX_CURVE_STEPS) })).max(64),
  })
  .superRefine((r, ctx) => {
    if (r.loss.x.length !== r.loss.y.length) ctx.addIssue({ code: 'custom', path: ['loss', 'y'], message: `has ${r.loss.y.length} values for ${r.loss.x.length} steps` });
  });

const StoredSchema = z.strictObject({ format: z.literal('unroll.comparison'), version: z.literal(1), runs: z.array(z.unknown()) });

/** A problem with the stored runs: what was done about it, in words. */
export interface CompareProblem {
  readonly code: 'compare-unreadable' | 'compare-repaired' | 'compare-save-failed';
  readonly message: string;
}

export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** The cell kinds of a graph (the registry's `cell` category), for a run's name: `LSTM`, `GRU`, `RNN`, `LSTM+GRU`; else the graph's name. */
export function modelName(nodes: readonly { readonly type: string }[], graphName: string | undefined): string {
  const kinds = [...new Set(nodes.map((n) => n.type).filter((k) => getNodeSpec(k)?.category === 'cell'))];
  if (kinds.length > 0) return kinds.join('+');
  return graphName !== undefined && graphName.trim() !== '' ? graphName.trim() : t('compare.graph');
}

/** The name a kept run gets unless renamed: `LSTM · adding · seed 1`. */
export function defaultRunName(about: { readonly model: string; readonly task: string; readonly seed: number }): string {
  return t('compare.defaultName', { model: about.model, task: about.task, seed: about.seed });
}

const json = (v: number): number | null => (Number.isFinite(v) ? Number(v.toPrecision(6)) : null);

/** At most `max` points of (x, y), evenly spaced over the series, the first and the last always kept. */
export function thin(x: readonly number[], y: readonly number[], max = MAX_LOSS_POINTS): { x: number[]; y: (number | null)[] } {
  const n = Math.min(x.length, y.length);
  const pick = n <= max ? Array.from({ length: n }, (_, i) => i) : Array.from({ length: max }, (_, k) => Math.round((k * (n - 1)) / (max - 1)));
  return { x: pick.map((i) => x[i]!), y: pick.map((i) => json(y[i]!)) };
}

/** The first colour no kept run uses (cycling when all are taken). */
export function freeColour(runs: readonly KeptRun[]): string {
  const used = new Set(runs.map((r) => r.colour));
  return COMPARE_COLOURS.find((c) => !used.has(c)) ?? COMPARE_COLOURS[runs.length % COMPARE_COLOURS.length]!;
}

/** `runs` with `snapshot` kept as the newest run (named `name`, default `defaultRunName`), the oldest dropped beyond `MAX_KEPT_RUNS`. */
export function keepRun(runs: readonly KeptRun[], snapshot: RunSnapshot, options: { readonly id: string; readonly now: number; readonly name?: string }): KeptRun[] {
  const kept: KeptRun = {
    id: options.id,
    name: (options.name ?? '').trim() === '' ? defaultRunName(snapshot) : options.name!.trim().slice(0, 200),
    colour: freeColour(runs.slice(-(MAX_KEPT_RUNS - 1))),
    visible: true,
    keptAt: options.now,
    model: snapshot.model.slice(0, 200),
    task: snapshot.task.slice(0, 64),
    seed: snapshot.seed,
    steps: snapshot.steps,
    loss: thin(snapshot.loss.x, snapshot.loss.y),
    grads: snapshot.grads.slice(0, 64).map((g) => ({ name: g.name, node: g.node, step: g.step, perStep: Array.from(g.perStep).slice(0, MAX_CURVE_STEPS).map(json) })),
  };
  return [...runs, kept].slice(-MAX_KEPT_RUNS);
}

/** Where an issue is, as `runs[2].loss.y`. */
const where = (index: number, path: readonly PropertyKey[]): string => `runs[${index}]${path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}`;

/**
 * The kept runs in `storage`. Unreadable text or an unknown layout is dropped whole; runs that do
 * not check are dropped one by one (as are duplicates and the oldest beyond `MAX_KEPT_RUNS`). Either
 * way the storage is rewritten with what was kept and `problem` says what happened, naming the first
 * bad field.
 */
export function loadKept(storage: KeyValueStorage | undefined): { runs: KeptRun[]; problem?: CompareProblem } {
  let text: string | null;
  try {
    text = storage?.getItem(COMPARE_STORAGE_KEY) ?? null;
  } catch {
    return { runs: [] };
  }
  if (text === null) return { runs: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    storage?.removeItem(COMPARE_STORAGE_KEY);
    return { runs: [], problem: { code: 'compare-unreadable', message: t('compare.unreadable', { detail: e instanceof Error ? e.message : String(e) }) } };
  }
  const top = StoredSchema.safeParse(raw);
  if (!top.success) {
    const issue = top.error.issues[0];
    storage?.removeItem(COMPARE_STORAGE_KEY);
    return { runs: [], problem: { code: 'compare-unreadable', message: t('compare.unreadable', { detail: `${issue?.path.map(String).join('.') || '(top level)'}: ${issue?.message ?? ''}` }) } };
  }
  const runs: KeptRun[] = [];
  const bad: string[] = [];
  const ids = new Set<string>();
  top.data.runs.forEach((r, i) => {
    const parsed = KeptRunSchema.safeParse(r);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      bad.push(`${where(i, issue.path)}: ${issue.message}`);
    } else if (ids.has(parsed.data.id)) bad.push(`${where(i, ['id'])}: ${t('compare.duplicate', { id: parsed.data.id })}`);
    else {
      ids.add(parsed.data.id);
      runs.push(parsed.data);
    }
  });
  const over = Math.max(0, runs.length - MAX_KEPT_RUNS);
  const kept = runs.slice(over);
  if (bad.length === 0 && over === 0) return { runs: kept };
  const problem: CompareProblem = { code: 'compare-repaired', message: t('compare.repaired', { count: bad.length + over, kept: kept.length, detail: bad[0] ?? t('compare.overLimit', { max: MAX_KEPT_RUNS }) }) };
  const saved = saveKept(storage, kept);
  return { runs: kept, problem: saved ?? problem };
}

/** Writes `runs`; when the storage is full, drops the oldest until they fit (a problem says so), or says why nothing could be written. */
export function saveKept(storage: KeyValueStorage | undefined, runs: readonly KeptRun[]): CompareProblem | undefined {
  if (storage === undefined) return undefined;
  for (let from = 0; from <= runs.length; from++) {
    const text = JSON.stringify({ format: 'unroll.comparison', version: 1, runs: runs.slice(from) });
    try {
      storage.setItem(COMPARE_STORAGE_KEY, text);
      return from === 0 ? undefined : { code: 'compare-save-failed', message: t('compare.storageFull', { count: from }) };
    } catch (e) {
      if (from === runs.length) return { code: 'compare-save-failed', message: t('compare.saveFailed', { detail: e instanceof Error ? e.message : String(e) }) };
    }
  }
  return undefined;
}

/** Series on their own x put on one shared, sorted x (uPlot's layout): `null` where a series has no point. */
export function alignSeries(series: readonly { readonly x: readonly number[]; readonly y: readonly (number | null)[] }[]): { x: number[]; ys: (number | null)[][] } {
  const x = [...new Set(series.flatMap((s) => s.x))].sort((a, b) => a - b);
  const at = new Map(x.map((v, i) => [v, i]));
  const ys = series.map((s) => {
    const out = new Array<number | null>(x.length).fill(null);
    s.x.forEach((v, i) => (out[at.get(v)!] = s.y[i] ?? null));
    return out;
  });
  return { x, ys };
}

/** The curve a run is compared by unless another is picked: `pick`, else a hidden state h (named as its node), else the first. */
export function chosenCurve<C extends { readonly name: string; readonly node: string }>(grads: readonly C[], pick: string | undefined): C | undefined {
  return grads.find((g) => g.name === pick) ?? grads.find((g) => g.name === g.node) ?? grads[0];
}

/** A ‖∂L/∂h_t‖ curve as drawn: as is, or divided by its value at the last step t = T that got a gradient (the vanishing ratio). */
export function shapedCurve(perStep: readonly (number | null)[], normalise: boolean): (number | null)[] {
  if (!normalise) return [...perStep];
  let last = perStep.length - 1;
  while (last >= 0 && !((perStep[last] ?? 0) > 0)) last--;
  const ref = last < 0 ? NaN : perStep[last]!;
  return perStep.map((v) => (v === null || !(ref > 0) ? null : v / ref));
}
