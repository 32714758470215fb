import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/compiler';
import { createRng } from '../../../src/engine/rng';
import { WeightStore } from '../../../src/engine/weights';
import { gradcheckGraph, randomFeed } from '../../../src/training';
import { addingDoc } from './fixtures';

describe('whole-graph gradient check', () => {
  for (const cell of ['RNN', 'LSTM', 'GRU'] as const) {
    it(`${cell} graph: every parameter agrees with central differences`, () => {
      const r = compile(addingDoc(cell));
      if (!r.ok) throw new Error('compile');
      const rng = createRng(5);
      const weights = WeightStore.initialise(r.plan, rng);
      const feed = randomFeed(r.plan, 3, 5, rng.fork('feed'));
      expect(Array.from(feed.lengths)[0]).toBe(5);
      const report = gradcheckGraph(r.plan, weights, feed, rng.fork('pick'));
      expect(report.pass).toBe(true);
      expect(report.params.map((p) => p.name).sort()).toEqual(r.plan.params.map((p) => p.name).sort());
      for (const p of report.params) expect(p.checked).toBe(p.size);
    });
  }

  it('reports a failure: with a coarse step, central differences of the curved loss disagree with the gradient', () => {
    const r = compile(addingDoc('GRU'));
    if (!r.ok) throw new Error('compile');
    const rng = createRng(5);
    const weights = WeightStore.initialise(r.plan, rng);
    const feed = randomFeed(r.plan, 3, 5, rng.fork('feed'));
    const report = gradcheckGraph(r.plan, weights, feed, rng.fork('pick'), { h: 0.5, maxPerParam: 4 });
    expect(report.pass).toBe(false);
    expect(report.params.every((p) => p.checked <= 4)).toBe(true);
  });
});
