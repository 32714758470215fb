import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/compiler/compile';
import type { Plan } from '../../../src/compiler/plan';
import { createTask } from '../../../src/data/registry';
import { BindError, bindBatch, type BindNames } from '../../../src/engine/feeds';
import { createRng } from '../../../src/engine/rng';
import { edgeId, nodeId } from '../../../src/graph/ids';
import { createSession, SessionError } from '../../../src/training';
import { perStepDoc } from './fixtures';
import { encDecDoc, type Doc } from './seq2seq-fixtures';

/** Binding n→m batches (x, y, yIn and the target axis) to an encoder–decoder's Inputs. */

function planOf(doc: Pick<Doc, 'nodes' | 'edges'>): Plan {
  const c = compile(doc);
  if (!c.ok) throw new Error(c.problems.map((p) => p.message).join('; '));
  return c.plan;
}

const batch = createTask('reverse', { symbols: 3, minLength: 2, maxLength: 5 }).batch(createRng(1), 4);

function bindError(plan: Plan, names: BindNames = {}, b = batch): BindError {
  try {
    bindBatch(plan, b, names);
  } catch (e) {
    if (e instanceof BindError) return e;
    throw e;
  }
  throw new Error('expected a BindError');
}

/** `doc` with one more target-axis Input `id` feeding the decoder through a third Concat input. */
function withExtraTargetInput(doc: Doc, id: string): Doc {
  const nodes = doc.nodes.map((n) => (n.id === 'cat' ? { ...n, params: { inputs: 3 } } : n));
  nodes.push({ id: nodeId(id), type: 'Input', version: 1, position: { x: 0, y: 0 }, params: { role: 'sequence', size: 5, dtype: 'index', axis: 'target' } });
  nodes.push({ id: nodeId(`${id}_oh`), type: 'OneHot', version: 1, position: { x: 0, y: 0 }, params: { classes: 5 } });
  const edges = [
    ...doc.edges,
    { id: edgeId('extra1'), source: { node: nodeId(id), port: 'out' }, target: { node: nodeId(`${id}_oh`), port: 'index' } },
    { id: edgeId('extra2'), source: { node: nodeId(`${id}_oh`), port: 'out' }, target: { node: nodeId('cat'), port: 'in2' } },
  ];
  return { ...doc, nodes, edges };
}

describe('bindBatch with n→m batches', () => {
  it('feeds x, y and yIn by the conventional ids and gives the target axis', () => {
    const feed = bindBatch(planOf(encDecDoc()), batch);
    expect(feed.feeds.x).toBe(batch.x);
    expect(feed.feeds.y).toBe(batch.y);
    expect(feed.feeds.y_in).toBe(batch.yIn);
    expect(feed.T).toBe(5);
    expect(feed.target).toEqual({ T: 6, lengths: batch.target!.lengths });
  });

  it('without those ids: y to the Input wired to the loss target, x to the source Input, yIn to the other target Input', () => {
    const feed = bindBatch(planOf(encDecDoc({ x: 'src', y: 'tgt', yIn: 'prev' })), batch);
    expect(Object.keys(feed.feeds).sort()).toEqual(['prev', 'src', 'tgt']);
    expect(feed.feeds.src).toBe(batch.x);
    expect(feed.feeds.tgt).toBe(batch.y);
    expect(feed.feeds.prev).toBe(batch.yIn);
  });

  it('refuses two candidate decoder-input Inputs, naming both, unless one is y_in or named', () => {
    const doc = withExtraTargetInput(encDecDoc({ yIn: 'prev' }), 'other');
    const e = bindError(planOf(doc));
    expect(e.code).toBe('bind-ambiguous');
    expect(e.message).toMatch(/yIn: target-axis Inputs "prev", "other" all fit; name that Input "y_in"/);
    const named = bindBatch(planOf(doc), batch, { yIn: 'other' });
    expect(named.feeds.other).toBe(batch.yIn);
    expect(named.feeds.prev).toBeUndefined(); // the executor then reports "prev" as unfed
    expect(bindBatch(planOf(withExtraTargetInput(encDecDoc(), 'other')), batch).feeds.y_in).toBe(batch.yIn);
  });

  it('names the Input that sits on the wrong axis for its role', () => {
    const plan = planOf(encDecDoc());
    const e = bindError(plan, { x: 'y_in' });
    expect(e.code).toBe('bind-mismatch');
    expect(e.node).toBe('y_in');
    expect(e.message).toMatch(/Input "y_in" takes the batch's x .*source time axis, but it is on the target \(decoder\) axis; set its axis to source/);
    const f = bindError(plan, { yIn: 'x' });
    expect(f.node).toBe('x');
    expect(f.message).toMatch(/Input "x" would take both yIn and x/);
    expect(bindError(plan, { y: 'nope' }).message).toMatch(/there is no Input node "nope" to feed y/);
  });

  it('refuses an n→m batch for a graph without target-axis Inputs, and a one-axis batch for an encoder–decoder', () => {
    const one = bindError(planOf(perStepDoc()));
    expect(one.code).toBe('bind-mismatch');
    expect(one.message).toMatch(/the data is n→m .* no Input is on the target \(decoder\) time axis/);
    const copy = createTask('copy').batch(createRng(1), 2);
    const two = bindError(planOf(encDecDoc()), {}, copy);
    expect(two.node).toBe('y_in');
    expect(two.message).toMatch(/Input "y_in" is on the target \(decoder\) time axis, but the data has one time axis .*choose an n→m task/);
  });
});

describe('sessions check n→m data against the Inputs', () => {
  it('names a decoder-input Input of the wrong size, and says what the size holds', () => {
    const doc = encDecDoc();
    const bad = { ...doc, nodes: doc.nodes.map((n) => (n.id === 'y_in' ? { ...n, params: { ...n.params, size: 4 } } : n)) };
    const fixed = { ...bad, nodes: bad.nodes.map((n) => (n.id === 'y_in_oh' ? { ...n, params: { classes: 4 } } : n)) };
    try {
      createSession({ doc: fixed });
      expect.unreachable();
    } catch (e) {
      expect((e as SessionError).code).toBe('session-data-mismatch');
      expect((e as Error).message).toMatch(/Input "y_in" has size 4, but the task "reverse" gives 5 classes \(the 4 output classes and the start token\) for yIn; set its size to 5/);
    }
  });

  it('an encoder–decoder on a one-axis task is refused by name', () => {
    expect(() => createSession({ doc: encDecDoc({}, { task: 'copy', taskParams: {} }) })).toThrow(/Input "y_in" is on the target \(decoder\) time axis/);
  });
});
