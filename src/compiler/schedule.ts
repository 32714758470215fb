import type { Recurrences } from './recurrence';

/**
 * Compiler pass: orders the recurrences' condensation topologically and groups it into phases.
 *
 * - `batched`: per-step nodes on no cycle run over all steps of a range at once (their per-step
 *   kernel on `[T·B, D]` rows); consecutive ones form one phase.
 *   A node that needs the whole sequence (Reverse, a `sequence` kernel) runs batched even with `loopEverything`.
 * - `loop`: a recurrence (or a Delay on no cycle) runs step by step; its Delays are cut (their
 *   carried value is read at the start of a step and updated at its end).
 * - `vector`: nodes without a time axis run once; `late` ones read per-step values (through a
 *   LastStep) and so run after the steps they read.
 *
 * Among the components ready to run, earlier kinds go first (inputs, vectors, batched, loops, late
 * vectors), then the one holding the earliest node in validation order: projections of the inputs
 * gather before a loop, readouts after it.
 */

export type NodeTiming = 'input' | 'vector' | 'late' | 'step';

export interface SchedulePhase {
  readonly kind: 'vector' | 'batched' | 'loop';
  /** Vector phases only: reads per-step values, so it runs after them. */
  readonly late: boolean;
  /** Node indexes in execution order. */
  readonly nodes: readonly number[];
  /** Batched and loop phases: the time axis (0 source, 1 target); a phase never mixes axes. */
  readonly axis: 0 | 1;
}

export interface ScheduleOptions {
  /** Run every per-step node inside time loops (no batched phases): for checking the batching. */
  readonly loopEverything?: boolean;
}

type Klass = 0 | 1 | 2 | 3 | 4; // input, vector, batched, loop, late

export function schedulePhases(
  successors: readonly (readonly number[])[],
  rec: Recurrences,
  timing: readonly NodeTiming[],
  isDelay: readonly boolean[],
  rank: readonly number[],
  options: ScheduleOptions = {},
  /** Per node: it needs every step of its input at once (Reverse, a `sequence` kernel), so it always runs batched. */
  whole: readonly boolean[] = [],
  /** Per node: its time axis (0 source, 1 target); absent means all on the source axis. */
  axisOf: readonly (0 | 1)[] = [],
): SchedulePhase[] {
  const comps = rec.components.map((c) => [...c].sort((a, b) => rank[a] - rank[b]));
  const klass: Klass[] = comps.map((c, i) => {
    const v = c[0];
    if (rec.cyclic[i] || isDelay[v]) return 3;
    const t = timing[v];
    return t === 'input' ? 0 : t === 'vector' ? 1 : t === 'late' ? 4 : 2;
  });
  const first = comps.map((c) => rank[c[0]]);

  const indegree = new Int32Array(comps.length);
  const next: Set<number>[] = comps.map(() => new Set<number>());
  comps.forEach((c, ci) => {
    for (const v of c) {
      for (const w of successors[v]) {
        const cw = rec.component[w];
        if (cw !== ci && !next[ci].has(cw)) {
          next[ci].add(cw);
          indegree[cw]++;
        }
      }
    }
  });

  const ready: number[] = [];
  for (let c = 0; c < comps.length; c++) if (indegree[c] === 0) ready.push(c);
  const ordered: number[] = [];
  while (ready.length > 0) {
    let best = 0;
    for (let i = 1; i < ready.length; i++) {
      const a = ready[i];
      const b = ready[best];
      if (klass[a] < klass[b] || (klass[a] === klass[b] && first[a] < first[b])) best = i;
    }
    const c = ready[best];
    ready.splice(best, 1);
    ordered.push(c);
    for (const w of next[c]) if (--indegree[w] === 0) ready.push(w);
  }

  const phases: { kind: SchedulePhase['kind']; late: boolean; nodes: number[]; axis: 0 | 1 }[] = [];
  const last = () => phases[phases.length - 1];
  for (const c of ordered) {
    const k = klass[c];
    if (k === 0) continue;
    if (k === 1 || k === 4) {
      const late = k === 4;
      if (last()?.kind === 'vector' && last().late === late) last().nodes.push(...comps[c]);
      else phases.push({ kind: 'vector', late, nodes: [...comps[c]], axis: 0 });
      continue;
    }
    const kind = k === 3 || (options.loopEverything === true && !comps[c].some((v) => whole[v] === true)) ? 'loop' : 'batched';
    const axis = axisOf[comps[c][0]] ?? 0;
    const merge = last()?.axis === axis && (kind === 'batched' ? last()?.kind === 'batched' : options.loopEverything === true && last()?.kind === 'loop');
    if (merge) last().nodes.push(...comps[c]);
    else phases.push({ kind, late: false, nodes: [...comps[c]], axis });
  }
  return phases;
}
