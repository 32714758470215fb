import { describe, expect, it } from 'vitest';
import { createSession, type SessionResult } from '../../../src/training';
import { GraphBuilder } from '../compiler/graph-builder';

/** Running parity (n→n, 2 classes) with a Jordan cell fed back its softmax, or the true previous class at a ratio. */
function jordanDoc(ratio: number | undefined, schedule?: object) {
  const g = new GraphBuilder()
    .node('x', 'Input', { role: 'sequence', size: 1 })
    .node('y', 'Input', { role: 'sequence', size: 2, dtype: 'index' })
    .node('y1', 'OneHot', { classes: 2 })
    .node('j', 'Jordan', { hidden: 4, size: 2, teacherForcing: ratio !== undefined, ...(ratio !== undefined ? { teacherRatio: ratio } : {}), ...(schedule ? { teacherSchedule: schedule } : {}) })
    .node('loss', 'CrossEntropy')
    .edge('x.out', 'j.in')
    .edge('j.o', 'loss.logits')
    .edge('y.out', 'loss.target');
  if (ratio !== undefined) g.edge('y.out', 'y1.index').edge('y1.out', 'j.teacher');
  return { ...g.doc(), training: { task: 'parity', taskParams: { T: 6, mode: 'running' }, optimizer: { kind: 'sgd' as const, lr: 0.1, momentum: 0 }, batchSize: 4, steps: 6, seed: 3, backend: 'reference' } };
}

async function losses(doc: ReturnType<typeof jordanDoc>): Promise<{ losses: number[]; result: SessionResult; evaluation: number }> {
  const rows: number[] = [];
  const s = createSession({ doc: doc as never, telemetry: { recordEvery: 0 }, onEvent: (e) => e.type === 'telemetry' && rows.push(...Array.from(e.batch.loss)) });
  const result = await s.start();
  return { losses: rows, result, evaluation: s.evaluate(2, 8).loss };
}

describe('training with a teacher-forcing ratio', () => {
  it('draws from the run’s seed: two runs repeat exactly, and a ratio of 0.5 differs from always and never', async () => {
    const half = await losses(jordanDoc(0.5));
    expect(half.result.status).toBe('finished');
    expect(half.losses).toHaveLength(6);
    expect((await losses(jordanDoc(0.5))).losses).toEqual(half.losses);
    const always = await losses(jordanDoc(1));
    const never = await losses(jordanDoc(0));
    expect(half.losses).not.toEqual(always.losses);
    expect(half.losses).not.toEqual(never.losses);
    // evaluation runs as inference (the model's own feedback), so it is defined for any ratio
    expect(Number.isFinite(half.evaluation)).toBe(true);
  });

  it('follows a schedule: a linear schedule from 1 to 0 over the run ends like the model’s own feedback', async () => {
    const scheduled = await losses(jordanDoc(1, { kind: 'linear', to: 0, steps: 1 }));
    const never = await losses(jordanDoc(0));
    // step 1 (schedule step 0) is all teacher; from step 2 on the ratio is 0, as with ratio 0 — but on other weights
    expect(scheduled.losses[0]).not.toBe(never.losses[0]);
    expect(scheduled.result.status).toBe('finished');
  });
});
