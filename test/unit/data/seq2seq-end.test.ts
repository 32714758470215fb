import { describe, expect, it } from 'vitest';
import { batchProblems, extraShape, type Batch, type IOSpec } from '../../../src/data/batch';
import { createTask } from '../../../src/data/registry';
import { END_SYMBOL } from '../../../src/data/tasks/seq2seq';
import { bindBatch } from '../../../src/engine/feeds';
import { createRng } from '../../../src/engine/rng';
import type { GraphDocument } from '../../../src/graph/document';
import { createSession } from '../../../src/training';
import { SessionError } from '../../../src/training/errors';
import { bindFault, edit, exampleFile, planOf } from './graph-fixtures';

/** n→m tasks whose end is taught by stop targets (a target-axis extra) or a length (a vector extra). */

const template = exampleFile;

describe('reverse / sort with end = token | stop | length', () => {
  it('end = token (the default) keeps the end token and no extras', () => {
    const task = createTask('reverse', { symbols: 4, minLength: 2, maxLength: 5 });
    expect(task.spec).toMatchObject({ output: { size: 5 }, targetSteps: 6, decoderInput: { size: 6, start: 5 } });
    expect(task.spec.extra).toBeUndefined();
    expect(task.outputSymbols).toEqual(['A', 'B', 'C', 'D', END_SYMBOL]);
    const batch = task.batch(createRng(3), 8);
    expect(batch.extra).toBeUndefined();
    expect(batchProblems(batch, task.spec)).toEqual([]);
  });

  it.each(['reverse', 'sort'])('%s, end = stop: no end token, a stop target (B,T′,1) that is 1 at each sample’s last target step', (id) => {
    const task = createTask(id, { symbols: 4, minLength: 2, maxLength: 5, end: 'stop' });
    expect(task.spec).toMatchObject({ output: { size: 4 }, targetSteps: 5, decoderInput: { size: 5, start: 4 }, extra: { stop: { role: 'sequence', dtype: 'real', size: 1, axis: 'target' } } });
    expect(task.outputSymbols).toEqual(['A', 'B', 'C', 'D']);
    expect(task.baseline.meanValidSteps).toBeCloseTo(Math.log(4), 12);
    expect(task.baseline.sumTimeMeanBatch).toBeCloseTo(3.5 * Math.log(4), 12);
    const B = 16;
    const batch = task.batch(createRng(5), B);
    expect(batchProblems(batch, task.spec)).toEqual([]);
    const stop = batch.extra!.stop;
    expect(stop.data).toBeInstanceOf(Float32Array);
    expect(stop.data.length).toBe(B * 5);
    for (let b = 0; b < B; b++) {
      const tau = batch.target!.lengths[b];
      expect(tau).toBe(batch.lengths[b]); // τ'_b = τ_b: no end step
      expect(Array.from(stop.data.subarray(b * 5, b * 5 + 5))).toEqual(Array.from({ length: 5 }, (_, i) => (i === tau - 1 ? 1 : 0)));
      const y = Array.from(batch.y.subarray(b * 5, b * 5 + tau));
      const x = Array.from(batch.x.subarray(b * 5, b * 5 + tau));
      expect(y).toEqual(id === 'reverse' ? x.reverse() : x.sort((p, q) => p - q));
      expect(batch.yIn![b * 5]).toBe(4);
    }
  });

  it('end = length: a vector extra (B,1) holding τ′_b in steps', () => {
    const task = createTask('reverse', { symbols: 3, minLength: 1, maxLength: 7, end: 'length' });
    expect(task.spec).toMatchObject({ output: { size: 3 }, targetSteps: 7, decoderInput: { size: 4, start: 3 }, extra: { length: { role: 'vector', dtype: 'real', size: 1 } } });
    const batch = task.batch(createRng(2), 12);
    expect(batchProblems(batch, task.spec)).toEqual([]);
    expect(Array.from(batch.extra!.length.data)).toEqual(Array.from(batch.target!.lengths));
    expect(new Set(batch.target!.lengths).size).toBeGreaterThan(2);
  });

  it('refuses an unknown end', () => {
    expect(() => createTask('sort', { end: 'eos' })).toThrow(/end/);
  });
});

describe('extra inputs on the target axis: batchProblems', () => {
  const task = createTask('reverse', { end: 'stop' });
  const batch = task.batch(createRng(1), 4);
  const stop = batch.extra!.stop;

  it('sizes a target-axis extra by T′, not T', () => {
    expect(extraShape(task.spec.extra!.stop, 4, 6, 6)).toEqual([4, 6, 1]);
    expect(extraShape({ role: 'sequence', dtype: 'index', size: 3, axis: 'target' }, 2, 9, 4)).toEqual([2, 4]);
    expect(extraShape({ role: 'sequence', dtype: 'index', size: 3 }, 2, 9, 4)).toEqual([2, 9]);
    const long = createTask('reverse', { end: 'token' }).batch(createRng(1), 4); // T' = 7 there
    expect(batchProblems({ ...batch, extra: { stop: { ...stop, data: new Float32Array(4 * 7) } } }, task.spec)).toEqual(['extra input "stop" must be a Float32Array of 24 values [4, 6, 1]']);
    expect(long.target!.T).toBe(7);
  });

  it('names an extra on the wrong axis, and a spec that puts a vector or a one-axis task’s extra on the target axis', () => {
    expect(batchProblems({ ...batch, extra: { stop: { ...stop, axis: 'source' } } }, task.spec)).toEqual(['extra input "stop" is on the source axis, the spec says the target axis']);
    const vector: IOSpec = { ...task.spec, extra: { stop: { role: 'vector', dtype: 'real', size: 1, axis: 'target' } } };
    expect(batchProblems(batch, vector)).toEqual(['extra input "stop" is a vector on the target axis; only a sequence has a time axis (drop its axis)']);
    const adding = createTask('adding');
    const a = adding.batch(createRng(1), 2);
    const oneAxis: IOSpec = { ...adding.spec, extra: { s: { role: 'sequence', dtype: 'real', size: 1, axis: 'target' } } };
    expect(batchProblems(a, oneAxis)).toEqual(['extra input "s" is on the target axis, but a n-1 spec has only the source axis']);
  });
});

describe('extra inputs on the target axis: bindBatch', () => {
  const task = createTask('reverse', { end: 'stop' });
  const batch = task.batch(createRng(2), 3);
  const doc = template('seq2seq-stop-unit.unroll.json');

  it('feeds the stop targets to the target-axis Input of their id, x, y and y_in as usual', () => {
    const feed = bindBatch(planOf(doc), batch);
    expect(Object.keys(feed.feeds).sort()).toEqual(['stop', 'x', 'y', 'y_in']);
    expect(feed.feeds.stop).toBe(batch.extra!.stop.data);
    expect(feed.feeds.y_in).toBe(batch.yIn);
    expect(feed.target).toEqual({ T: 6, lengths: batch.target!.lengths });
  });

  it('leaves the extra out of the yIn convention: the decoder’s input need not be called y_in', () => {
    const feed = bindBatch(planOf(edit(doc, 'y_in', {}, 'prev')), batch);
    expect(feed.feeds.prev).toBe(batch.yIn);
    expect(feed.feeds.stop).toBe(batch.extra!.stop.data);
  });

  it('refuses a target-axis extra whose Input is on the source axis, and one without an Input of its id', () => {
    // the plain template with an Input "stop" on the source axis (unwired: a BCE cannot mix the axes)
    const plain = template('seq2seq-attention-reverse.unroll.json');
    const x = plain.nodes.find((n) => n.id === 'x')!;
    const onSource: GraphDocument = { ...plain, nodes: [...plain.nodes, { ...x, id: 'stop' as never, params: { dtype: 'real', role: 'sequence', size: 1 } }] };
    const [code, node, message] = bindFault(() => bindBatch(planOf(onSource), batch));
    expect([code, node]).toEqual(['bind-mismatch', 'stop']);
    expect(message).toBe('Input "stop" takes an extra input "stop" (a sequence of 1 features), which lives on the target (decoder) time axis, but it is on the source axis; set its axis to target');
    const withStop: Batch = { ...createTask('reverse').batch(createRng(1), 2), extra: { stop: { role: 'sequence', dtype: 'real', size: 1, axis: 'target', data: new Float32Array(14) } } };
    expect(bindFault(() => bindBatch(planOf(plain), withStop))[0]).toBe('bind-missing');
  });

  it('refuses a target-axis extra when the batch has one time axis', () => {
    const elman = template('elman-adding.unroll.json');
    const adding = createTask('adding').batch(createRng(1), 2);
    // a second Input "s" beside x and y takes the extra
    const withS: GraphDocument = { ...elman, nodes: [...elman.nodes, { ...elman.nodes.find((n) => n.id === 'x')!, id: 's' as never }] };
    const [code, node, message] = bindFault(() => bindBatch(planOf(withS), { ...adding, extra: { s: { role: 'sequence', dtype: 'real', size: 2, axis: 'target', data: new Float32Array(2 * 30 * 2) } } }));
    expect([code, node]).toEqual(['bind-mismatch', 's']);
    expect(message).toMatch(/lives on a target \(decoder\) time axis, but the batch has none/);
  });
});

describe('a training session checks the target-axis extra against its Input', () => {
  it('accepts the stop-unit and predicted-length templates, and names an Input of the wrong size', () => {
    expect(createSession({ doc: template('seq2seq-stop-unit.unroll.json'), config: { steps: 1, batchSize: 2 } }).task?.spec.extra?.stop.axis).toBe('target');
    expect(createSession({ doc: template('seq2seq-predicted-length.unroll.json'), config: { steps: 1, batchSize: 2 } }).task?.spec.extra?.length.role).toBe('vector');
    let error: unknown;
    try {
      // a stop unit of 2 units against stop targets of 2: it compiles, but the task gives 1
      createSession({ doc: edit(edit(template('seq2seq-stop-unit.unroll.json'), 'stop', { size: 2 }), 'stop_unit', { units: 2 }), config: { steps: 1, batchSize: 2 } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SessionError);
    expect((error as SessionError).message).toBe('Input "stop" has size 2, but the data\'s extra input "stop" gives 1 features; set its size to 1');
  });
});
