import { describe, expect, it } from 'vitest';
import { Executor } from '../../../src/engine/executor';
import { GraphBuilder } from '../compiler/graph-builder';
import { gradcheckPlan, planOf, randomFeed, randomWeights } from './executor-fixtures';

function jordanGraph(params: Record<string, unknown>): GraphBuilder {
  const g = new GraphBuilder()
    .node('x', 'Input', { role: 'sequence', size: 3 })
    .node('y', 'Input', { role: 'sequence', size: 4, dtype: 'index' })
    .node('j', 'Jordan', { hidden: 5, size: 4, ...params })
    .node('loss', 'CrossEntropy')
    .edge('x.out', 'j.in')
    .edge('j.o', 'loss.logits')
    .edge('y.out', 'loss.target');
  if (params.teacherForcing === true) g.node('oh', 'OneHot', { classes: 4 }).edge('y.out', 'oh.index').edge('oh.out', 'j.teacher');
  return g;
}

describe('Jordan in a graph', () => {
  for (const params of [{ feedback: 'softmax' }, { feedback: 'logits' }, { feedback: 'argmax' }, { teacherForcing: true }]) {
    it(`gives exact gradients (${JSON.stringify(params)}), lengths 5, 3, 1`, () => {
      const plan = planOf(jordanGraph(params));
      const r = gradcheckPlan(plan, randomFeed(plan, [5, 3, 1], 5));
      expect(r.worst, r.where).toBeLessThan(1e-6);
    });
  }

  it('feeds back 0 at t = 1, and with teacher forcing the one-hot y_{t−1}, so its steps decouple', () => {
    const plan = planOf(jordanGraph({ teacherForcing: true }));
    expect(plan.recurrences).toEqual([]);
    const exec = new Executor(plan, randomWeights(plan));
    const feed = randomFeed(plan, [4], 4);
    exec.bind(feed);
    exec.forward();
    const fed = exec.value('j.f_prev.out').data; // (1,4,4)
    const y = feed.feeds.y as Int32Array;
    expect(Array.from(fed.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    for (let t = 1; t < 4; t++) for (let k = 0; k < 4; k++) expect(fed[t * 4 + k]).toBe(k === y[t - 1] ? 1 : 0);
  });
});
