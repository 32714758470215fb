import { describe, expect, it } from 'vitest';
import { Executor } from '../../../src/engine/executor';
import { forecast, ForecastError } from '../../../src/engine/forecast';
import { GraphBuilder } from '../compiler/graph-builder';
import { planOf, randomWeights } from './executor-fixtures';

/** x (real, D) → Linear (D) → MSE ← y: no memory, so the forecast is the map iterated. */
function linear(D: number): GraphBuilder {
  return new GraphBuilder()
    .node('x', 'Input', { role: 'sequence', size: D })
    .node('y', 'Input', { role: 'sequence', size: D })
    .node('out', 'Linear', { units: D })
    .node('loss', 'MSE')
    .edge('x.out', 'out.in0')
    .edge('out.out', 'loss.prediction')
    .edge('y.out', 'loss.target');
}

/** x (real, 2) → GRU (5) → Linear (2) → MSE ← y: a recurrent forecaster (and a 3-wide side output). */
function gru(): GraphBuilder {
  return new GraphBuilder()
    .node('x', 'Input', { role: 'sequence', size: 2 })
    .node('y', 'Input', { role: 'sequence', size: 2 })
    .node('rnn', 'GRU', { hidden: 5 })
    .node('out', 'Linear', { units: 2 })
    .node('loss', 'MSE')
    .node('side', 'Linear', { units: 3 })
    .edge('rnn.h', 'side.in0')
    .edge('x.out', 'rnn.in')
    .edge('rnn.h', 'out.in0')
    .edge('out.out', 'loss.prediction')
    .edge('y.out', 'loss.target');
}

describe('forecast: predictions fed back as inputs', () => {
  it('iterates a memoryless map: x → 2x − 1 from 3 gives 5, 9, 17', () => {
    const plan = planOf(linear(1));
    const weights = randomWeights(plan);
    weights.get('out.W0').set([2]);
    weights.get('out.b').set([-1]);
    const f = forecast(new Executor(plan, weights), { input: 'x', output: 'out.out', series: [0, 3], steps: 3 });
    expect(f.width).toBe(1);
    expect(Array.from(f.fitted)).toEqual([-1, 5]);
    expect(Array.from(f.predicted)).toEqual([5, 9, 17]);
  });

  it('with memory, equals feeding each prediction back by hand, and k one-step calls equal one k-step call', () => {
    const plan = planOf(gru());
    const exec = new Executor(plan, randomWeights(plan, 7));
    const series = [0.1, -0.2, 0.5, 0.3, -0.4, 0.9]; // 3 steps of 2
    const f = forecast(exec, { input: 'x', output: 'out.out', series, steps: 4 });
    expect(f.predicted).toHaveLength(8);

    const seq = [...series];
    for (let k = 0; k < 4; k++) {
      const T = seq.length / 2;
      exec.bind({ feeds: { x: Float64Array.from(seq), y: new Float64Array(seq.length) }, lengths: Int32Array.of(T), T });
      exec.forward();
      const o = exec.value('out.out').data; // (1, T, 2)
      if (k === 0) expect(Array.from(f.fitted)).toEqual(Array.from(o.slice(0, 6)));
      const next = Array.from(o.slice((T - 1) * 2, T * 2));
      expect(Array.from(f.predicted.slice(k * 2, k * 2 + 2))).toEqual(next);
      seq.push(...next);
    }

    let grown = Float64Array.from(series);
    for (let k = 0; k < 4; k++) {
      const one = forecast(exec, { input: 'x', output: 'out.out', series: grown, steps: 1 });
      expect(Array.from(one.predicted)).toEqual(Array.from(f.predicted.slice(k * 2, k * 2 + 2)));
      grown = Float64Array.from([...grown, ...one.predicted]);
    }
  });

  it('names what is wrong: the Input, a ragged or non-finite series, the steps, an output of another width', () => {
    const plan = planOf(gru());
    const exec = new Executor(plan, randomWeights(plan));
    const ok = { input: 'x', output: 'out.out', series: [1, 2], steps: 2 };
    expect(() => forecast(exec, { ...ok, input: 'z' })).toThrow(/no Input node "z"/);
    expect(() => forecast(exec, { ...ok, series: [1, 2, 3] })).toThrow(/3 values, not a positive multiple of the 2 features/);
    expect(() => forecast(exec, { ...ok, series: [] })).toThrow(ForecastError);
    expect(() => forecast(exec, { ...ok, series: [1, NaN] })).toThrow(/value 2 of step 1 is NaN/);
    expect(() => forecast(exec, { ...ok, steps: 0 })).toThrow(/integer ≥ 1, got 0/);
    expect(() => forecast(exec, { ...ok, output: 'side.out' })).toThrow(/must be a real sequence of 2 values per step \(the Input's width\) to be fed back, but it is 3 wide/);
    const ids = planOf(
      new GraphBuilder()
        .node('x', 'Input', { role: 'sequence', size: 3, dtype: 'index' })
        .node('y', 'Input', { role: 'sequence', size: 3 })
        .node('oh', 'OneHot', { classes: 3 })
        .node('loss', 'MSE')
        .edge('x.out', 'oh.index')
        .edge('oh.out', 'loss.prediction')
        .edge('y.out', 'loss.target'),
    );
    expect(() => forecast(new Executor(ids, randomWeights(ids)), { input: 'x', output: 'oh.out', series: [1], steps: 1 })).toThrow(/takes token ids/);
  });
});
