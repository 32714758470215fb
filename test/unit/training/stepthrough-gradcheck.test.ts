import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/compiler';
import { createRng } from '../../../src/engine/rng';
import { WeightStore } from '../../../src/engine/weights';
import { gradcheckGraph, randomFeed } from '../../../src/training';
import { addingDoc } from './fixtures';

describe('graph gradient check of chosen nodes (the step-through "Check gradients" action)', () => {
  it('checks only the weights of the nodes asked for, a composite cell’s inner ones under its id', () => {
    const r = compile(addingDoc('LSTM'));
    if (!r.ok) throw new Error('compile');
    const rng = createRng(5);
    const weights = WeightStore.initialise(r.plan, rng);
    const feed = randomFeed(r.plan, 2, 4, rng.fork('feed'));
    const all = gradcheckGraph(r.plan, weights, feed, rng.fork('pick'));
    const cell = gradcheckGraph(r.plan, weights, feed, rng.fork('pick'), { nodes: ['cell'] });
    const out = gradcheckGraph(r.plan, weights, feed, rng.fork('pick'), { nodes: ['out'] });
    expect(cell.params.length).toBeGreaterThan(0);
    expect(cell.params.every((p) => p.node === 'cell' && p.name.startsWith('cell.'))).toBe(true);
    expect(out.params.map((p) => p.name).sort()).toEqual(['out.W0', 'out.b'].filter((n) => all.params.some((p) => p.name === n)).sort());
    expect(cell.params.length + out.params.length).toBe(all.params.length);
    // the same numbers as the full check, tensor by tensor
    for (const p of [...cell.params, ...out.params]) expect(p.maxRelError).toBe(all.params.find((q) => q.name === p.name)!.maxRelError);
    expect(cell.pass && out.pass).toBe(true);
    expect(gradcheckGraph(r.plan, weights, feed, rng.fork('pick'), { nodes: ['last'] }).params).toEqual([]);
  });

  it('still fails a node whose check fails (coarse step)', () => {
    const r = compile(addingDoc('GRU'));
    if (!r.ok) throw new Error('compile');
    const rng = createRng(5);
    const weights = WeightStore.initialise(r.plan, rng);
    const feed = randomFeed(r.plan, 3, 5, rng.fork('feed'));
    const report = gradcheckGraph(r.plan, weights, feed, rng.fork('pick'), { nodes: ['cell'], h: 0.5, maxPerParam: 4 });
    expect(report.params.every((p) => p.node === 'cell')).toBe(true);
    expect(report.pass).toBe(false);
  });
});
