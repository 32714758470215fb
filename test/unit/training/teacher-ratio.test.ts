import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from '../../../src/compiler/compile';
import { restore } from '../../../src/graph/restore';
import { createSession, scheduledTeachers, teacherRatios, type StepRow } from '../../../src/training';

function example(name: string) {
  const r = restore(readFileSync(join(__dirname, '..', '..', '..', 'examples', `${name}.unroll.json`), 'utf8'));
  if (!r.ok) throw new Error(`${name} does not restore`);
  return r.doc;
}

function withSchedule(doc: ReturnType<typeof example>, params: Record<string, unknown>) {
  return { ...doc, nodes: doc.nodes.map((n) => (n.type === 'TeacherForcing' ? { ...n, params } : n)) };
}

const planOf = (doc: ReturnType<typeof example>) => {
  const r = compile(doc);
  if (!r.ok) throw new Error(r.problems.map((p) => p.message).join('; '));
  return r.plan;
};

describe('the teacher-forcing ratio as a metric', () => {
  it('charts a scheduled or drawn ratio by its document node, and leaves a constant 0 or 1 out', () => {
    const doc = example('seq2seq-scheduled-sampling');
    expect(scheduledTeachers(planOf(doc)).map((t) => t.metric)).toEqual(['tf.teacherRatio']);
    expect(scheduledTeachers(planOf(withSchedule(doc, { ratio: 0.5 }))).map((t) => t.metric)).toEqual(['tf.teacherRatio']);
    expect(scheduledTeachers(planOf(withSchedule(doc, { ratio: 1 })))).toEqual([]);
    expect(scheduledTeachers(planOf(withSchedule(doc, { ratio: 0 })))).toEqual([]);
    expect(scheduledTeachers(planOf(example('seq2seq-attention-reverse')))).toEqual([]);
  });

  it('gives the ratio training step s draws with: step s − 1 of the schedule', () => {
    const [t] = scheduledTeachers(planOf(example('seq2seq-scheduled-sampling')));
    expect(teacherRatios([t!], 1)).toEqual({ 'tf.teacherRatio': 1 });
    expect(teacherRatios([t!], 201)['tf.teacherRatio']).toBeCloseTo(1 - 0.75 * 0.5, 12);
    expect(teacherRatios([t!], 900)['tf.teacherRatio']).toBeCloseTo(0.25, 12);
  });

  it('rides along every step row of a session', async () => {
    const doc = example('seq2seq-scheduled-sampling');
    const rows: StepRow[] = [];
    const s = createSession({ doc: { ...doc, training: { ...doc.training!, steps: 3, batchSize: 4 } }, onStep: (r) => rows.push(r) });
    await s.start();
    expect(rows.map((r) => r.metrics['tf.teacherRatio'])).toEqual([1, 1 - 0.75 / 400, 1 - 1.5 / 400]);
    expect(rows.every((r) => Number.isFinite(r.metrics['loss.accuracy']))).toBe(true);
  });
});
