import { describe, expect, it } from 'vitest';
import { batchProblems, type Batch } from '../../../src/data/batch';
import { createTask } from '../../../src/data/registry';
import { bindBatch } from '../../../src/engine/feeds';
import { createRng } from '../../../src/engine/rng';
import type { GraphDocument } from '../../../src/graph/document';
import { createSession } from '../../../src/training';
import { SessionError } from '../../../src/training/errors';
import { bindFault, edit, exampleFile, planOf } from './graph-fixtures';

/** Extra inputs: arrays beside `x` (e.g. a memory network's question) fed to the Input of the same id. */

const memoryDoc = (): GraphDocument => exampleFile('kv-memory-babi.unroll.json');

describe('extra inputs: batchProblems', () => {
  const task = createTask('babi');
  const batch = task.batch(createRng(1), 4);

  it('accepts a batch whose extras match the spec', () => {
    expect(batchProblems(batch, task.spec)).toEqual([]);
  });

  it('names a missing, unlisted, misdescribed or wrongly sized extra input', () => {
    const q = batch.extra!.query;
    expect(batchProblems({ ...batch, extra: undefined }, task.spec)).toEqual(['extra input "query" is missing: the spec gives it as a vector of 25 features']);
    expect(batchProblems({ ...batch, extra: { ...batch.extra, other: q } }, task.spec)).toEqual(['extra input "other" is not in the spec (it lists "query")']);
    expect(batchProblems({ ...batch, extra: { query: { ...q, role: 'sequence' } } }, task.spec)).toEqual(['extra input "query" is a sequence (real, size 25), the spec says a vector (real, size 25)']);
    expect(batchProblems({ ...batch, extra: { query: { ...q, data: q.data.subarray(1) } } }, task.spec)).toEqual(['extra input "query" must be a Float32Array of 100 values [4, 25]']);
    const adding = createTask('adding');
    const a = adding.batch(createRng(1), 2);
    expect(batchProblems({ ...a, extra: { q: { role: 'vector', dtype: 'index', size: 3, data: Int32Array.of(0, 1) } } }, adding.spec)).toEqual(['extra input "q" is not in the spec (it lists none)']);
    const ids = { ...adding.spec, extra: { q: { role: 'vector' as const, dtype: 'index' as const, size: 3 } } };
    expect(batchProblems({ ...a, extra: { q: { role: 'vector', dtype: 'index', size: 3, data: Int32Array.of(0, 3) } } }, ids)).toEqual(['extra input "q": id 3 outside [0, 3)']);
  });
});

describe('extra inputs: bindBatch', () => {
  const task = createTask('babi');
  const batch = task.batch(createRng(2), 3);

  it('feeds the extra to the Input of its id, x and y by the usual convention', () => {
    const feed = bindBatch(planOf(memoryDoc()), batch);
    expect(Object.keys(feed.feeds).sort()).toEqual(['query', 'x', 'y']);
    expect(feed.feeds.x).toBe(batch.x);
    expect(feed.feeds.y).toBe(batch.y);
    expect(feed.feeds.query).toBe(batch.extra!.query.data);
    expect(feed.T).toBe(10);
  });

  it("leaves the extra's Input out of the x convention: slots need not be called x", () => {
    const plan = planOf(edit(memoryDoc(), 'x', {}, 'slots'));
    const feed = bindBatch(plan, batch);
    expect(feed.feeds.slots).toBe(batch.x);
    expect(feed.feeds.query).toBe(batch.extra!.query.data);
    // Without the extra, the question's Input looks like a second candidate for x.
    const [code, , message] = bindFault(() => bindBatch(plan, { ...batch, extra: undefined }));
    expect(code).toBe('bind-ambiguous');
    expect(message).toMatch(/Inputs "slots", "query" all fit/);
  });

  it('refuses an extra without an Input of its id, and one that would also take x', () => {
    const plan = planOf(edit(memoryDoc(), 'query', {}, 'question'));
    const [code, node, message] = bindFault(() => bindBatch(plan, batch));
    expect([code, node]).toEqual(['bind-missing', 'query']);
    expect(message).toBe('the data gives an extra input "query" (a vector of 25 features), but the graph has no Input node "query"; add an Input with id "query", role vector, dtype real, size 25');
    const both: Batch = { ...batch, extra: { x: { ...batch.extra!.query } } };
    expect(bindFault(() => bindBatch(planOf(memoryDoc()), both))).toEqual(['bind-ambiguous', 'x', `the data's extra input "x" has the id of the Input that takes the batch's x, y or yIn; give the extra input another id`]);
    const named = planOf(edit(memoryDoc(), 'x', {}, 'slots'));
    expect(bindFault(() => bindBatch(named, batch, { x: 'query' }))[0]).toBe('bind-ambiguous');
  });
});

describe('extra inputs: a training session checks them against their Inputs', () => {
  const mismatch = (doc: GraphDocument): SessionError => {
    try {
      createSession({ doc, config: { steps: 1, batchSize: 2 } });
    } catch (e) {
      if (e instanceof SessionError) return e;
      throw e;
    }
    throw new Error('expected a SessionError');
  };

  it('accepts the memory-network example as it is', () => {
    const s = createSession({ doc: memoryDoc(), config: { steps: 1, batchSize: 2 } });
    expect(s.task?.spec.extra?.query.size).toBe(25);
  });

  it('names the Input whose size does not fit the extra input', () => {
    const e = mismatch(edit(memoryDoc(), 'query', { size: 24 }));
    expect(e.code).toBe('session-data-mismatch');
    expect(e.message).toBe('Input "query" has size 24, but the data\'s extra input "query" gives 25 features; set its size to 25');
    expect(e.details[0].where).toBe('query');
  });
});
