import { describe, expect, it } from 'vitest';
import { Executor } from '../../../src/engine/executor';
import { forecast, ForecastError } from '../../../src/engine/forecast';
import { graphInference, InferenceError, parseCondition, runInference } from '../../../src/engine/inference';
import { createRng } from '../../../src/engine/rng';
import { WeightStore } from '../../../src/engine/weights';
import { GraphBuilder } from '../compiler/graph-builder';
import { planOf, randomWeights } from './executor-fixtures';
import { exampleDoc } from './inference-fixtures';

/** y_t = x_t + c: a 2-input Linear of the per-step value and a vector c, repeated at every step. */
function shifted(): GraphBuilder {
  return new GraphBuilder()
    .node('x', 'Input', { role: 'sequence', size: 1 })
    .node('c', 'Input', { role: 'vector', size: 1 })
    .node('y', 'Input', { role: 'sequence', size: 1 })
    .node('out', 'Linear', { inputs: 2, units: 1 })
    .node('loss', 'MSE')
    .edge('x.out', 'out.in0')
    .edge('c.out', 'out.in1')
    .edge('out.out', 'loss.prediction')
    .edge('y.out', 'loss.target');
}

const refusal = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as InferenceError);

describe('forecast with a conditioning vector (1→n)', () => {
  it('feeds the vector at every step: x → x + c from 0 with c = 0.5 gives 0.5, 1, 1.5', () => {
    const plan = planOf(shifted());
    const weights = randomWeights(plan);
    weights.get('out.W0').set([1]);
    weights.get('out.W1').set([1]);
    weights.get('out.b').set([0]);
    const exec = new Executor(plan, weights);
    const f = forecast(exec, { input: 'x', output: 'out.out', series: [0], steps: 3, vectors: { c: Float64Array.of(0.5) } });
    expect(Array.from(f.fitted)).toEqual([0.5]);
    expect(Array.from(f.predicted)).toEqual([0.5, 1, 1.5]);
    // without the vector, c is zeros: x → x from 0 stays at 0
    expect(Array.from(forecast(exec, { input: 'x', output: 'out.out', series: [0], steps: 3 }).predicted)).toEqual([0, 0, 0]);
    expect(() => forecast(exec, { input: 'x', output: 'out.out', series: [0], steps: 1, vectors: { c: Float64Array.of(1, 2) } })).toThrow(/Input "c" takes 1 value, but its vector holds 2/);
    expect(() => forecast(exec, { input: 'x', output: 'out.out', series: [0], steps: 1, vectors: { y: Float64Array.of(1) } })).toThrow(ForecastError);
    expect(() => forecast(exec, { input: 'x', output: 'out.out', series: [0], steps: 1, vectors: { z: Float64Array.of(1) } })).toThrow(/no vector Input "z".*the vector Inputs are c/);
  });

  it.each(['one-to-many-initial-state', 'one-to-many-every-step', 'one-to-many-both'])('%s forecasts, asking for the vector Input "condition"', (id) => {
    const g = graphInference(exampleDoc(id));
    expect(g.ok && g.setup).toMatchObject({ mode: 'forecast', input: 'x', conditions: [{ node: 'condition', dtype: 'real', size: 4 }] });
  });

  it('a graph without vector Inputs forecasts without conditions', () => {
    const g = graphInference(exampleDoc('per-step-regression'));
    expect(g.ok && g.setup.mode).toBe('forecast');
    expect(g.ok && g.setup.conditions).toBeUndefined();
  });

  it('generates from the typed vector, feeding back its own output: the same as feeding the executor by hand', async () => {
    const doc = exampleDoc('one-to-many-both');
    const condition = '0.5, -0.2; 1 0';
    const r = await runInference(doc, { mode: 'forecast', series: '0', steps: 4, condition });
    if (r.mode !== 'forecast') throw new Error(r.mode);
    expect(r.predicted).toHaveLength(4);
    const g = graphInference(doc);
    if (!g.ok) throw new Error(g.message);
    const exec = new Executor(g.plan, WeightStore.initialise(g.plan, createRng(doc.training!.seed)));
    const by = forecast(exec, { input: 'x', output: g.setup.output, series: [0], steps: 4, vectors: { condition: Float64Array.of(0.5, -0.2, 1, 0) } });
    expect(r.predicted.flat()).toEqual(Array.from(by.predicted));
    // another vector, another wave: the vector reaches the model
    const other = await runInference(doc, { mode: 'forecast', series: '0', steps: 4, condition: '-1 0.8 0 1' });
    expect(other.mode === 'forecast' && other.predicted.flat()).not.toEqual(r.predicted.flat());
  });

  it('refuses a missing, short or wrong condition, naming the field, and a condition for a graph without vectors', async () => {
    const doc = exampleDoc('one-to-many-initial-state');
    expect(await refusal(runInference(doc, { mode: 'forecast', series: '0', steps: 2 }))).toMatchObject({
      code: 'infer-bad-input',
      field: 'condition',
      message: `the condition is empty, but the model's vector Input "condition" (4 values) takes 4: type 4 numbers`,
    });
    expect(await refusal(runInference(doc, { mode: 'forecast', series: '0', steps: 2, condition: '1 2 3' }))).toMatchObject({ field: 'condition', message: expect.stringMatching(/^the condition has 3 values, but/) });
    expect(await refusal(runInference(doc, { mode: 'forecast', series: '0', steps: 2, condition: '1 2 x 4' }))).toMatchObject({ field: 'condition', message: 'value 3 of the condition, "x", is not a number' });
    expect(await refusal(runInference(exampleDoc('per-step-regression'), { mode: 'forecast', series: '0 1', steps: 2, condition: '1' }))).toMatchObject({ field: 'condition', message: expect.stringMatching(/no vector Input/) });
  });

  it('splits the numbers over several vector Inputs in order; an index Input takes one id', () => {
    const conditions = [
      { node: 'a', dtype: 'real' as const, size: 2 },
      { node: 'k', dtype: 'index' as const, size: 3 },
    ];
    const feeds = parseCondition('0.5 -1\n2', conditions);
    expect(Array.from(feeds.a!)).toEqual([0.5, -1]);
    expect(feeds.k).toEqual(Int32Array.of(2));
    expect(() => parseCondition('0.5 -1 3', conditions)).toThrow(/value 3 of the condition, 3, must be an id of Input "k" from 0 to 2/);
    expect(() => parseCondition('1', conditions)).toThrow(/vector Inputs "a" \(2 values\), "k" \(one id from 0 to 2\) take 3/);
    expect(parseCondition(undefined, [])).toEqual({});
  });
});
