import { describe, expect, it } from 'vitest';
import type { Batch } from '../../../src/data/batch';
import { maskFromLengths } from '../../../src/data/batch';
import { createTask } from '../../../src/data/registry';
import { createRng } from '../../../src/engine/rng';
import { encodeWeight } from '../../../src/graph/weights';
import { compile } from '../../../src/compiler';
import { Executor } from '../../../src/engine/executor';
import { WeightStore } from '../../../src/engine/weights';
import { createSession, randomFeed, Watchdog, type Divergence, type Session, type SessionEvent } from '../../../src/training';
import { divergence } from '../../../src/training/watchdog';
import { addingDoc, perStepDoc } from './fixtures';

function snapshots() {
  const byStep = new Map<number, Record<string, string>>();
  return {
    byStep,
    take(step: number, session: { weights: { toDocument(d: 'float64'): Record<string, { data: string }> } }) {
      byStep.set(step, Object.fromEntries(Object.entries(session.weights.toDocument('float64')).map(([k, w]) => [k, w.data])));
    },
  };
}

/** Two adding batches; the second carries `value` at step `t` (0-based) of sample 1, channel 0. */
function addingBatches(value: number, t: number): Batch[] {
  const task = createTask('adding', { T: 8 });
  const rng = createRng(3);
  const good = task.batch(rng, 4);
  const bad = task.batch(rng, 4);
  const x = Float32Array.from(bad.x);
  x[(1 * 8 + t) * 2] = value;
  return [good, { ...bad, x }];
}

describe('NaN/Inf watchdog', () => {
  it('stops at a NaN in the data, names the Input, time step and sample, and keeps the last good weights', async () => {
    const events: SessionEvent[] = [];
    const snaps = snapshots();
    const session: Session = createSession({ doc: addingDoc('LSTM'), batches: addingBatches(NaN, 2), onEvent: (e) => events.push(e), onStep: (r) => snaps.take(r.step, session) });
    snaps.take(0, session);
    const r = await session.start();
    expect(r.status).toBe('diverged');
    expect(r.step).toBe(1);
    expect(r.divergence).toMatchObject({ stage: 'forward', node: 'x', value: 'x.out', step: 3, sample: 1, found: 'NaN', trainingStep: 2 });
    expect(r.divergence!.message).toMatch(/training step 2: NaN in the forward pass at "x.out" \(node "x"\), time step 3, sample 1/);
    expect(events.filter((e) => e.type === 'diverged')).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: 'status', status: 'diverged', step: 1 });
    const now = snapshots();
    now.take(1, session);
    expect(now.byStep.get(1)).toEqual(snaps.byStep.get(1));
    // The checkpoint continues from the last good step and redraws nothing.
    expect(session.checkpoint().step).toBe(1);
  });

  it('names the loss node, step and sample when a loss term overflows while every value is finite', async () => {
    const T = 5;
    const lengths = Int32Array.from([5, 5]);
    const x = new Float32Array(2 * T);
    x[1 * T + 3] = 1; // sample 1, step 4: the prediction is 1e300, its square overflows
    const batch: Batch = { B: 2, T, x, y: new Float32Array(2 * T), lengths, mask: maskFromLengths(lengths, T) };
    const weight = (shape: number[], v: number) => {
      const r = encodeWeight('lin.W0', shape, Float64Array.of(v));
      if (!r.ok) throw new Error(r.problem.message);
      return r.weight;
    };
    const doc = { ...perStepDoc(), weights: { 'lin.W0': weight([1, 1], 1e300), 'lin.b': weight([1], 0) } };
    const session = createSession({ doc, batches: [batch] });
    const r = await session.start();
    expect(r.status).toBe('diverged');
    expect(r.step).toBe(0);
    expect(r.divergence).toMatchObject({ stage: 'loss', node: 'loss', value: 'loss', step: 4, sample: 1, found: 'Infinity', trainingStep: 1 });
    expect(Array.from(session.weights.get('lin.W0'))).toEqual([1e300]);
  });

  it('with an exploding ReLU RNN and a huge learning rate: stops within one step, names a node and keeps the weights before the bad step', async () => {
    const doc = addingDoc('RNN', { optimizer: { kind: 'sgd', lr: 1e6, momentum: 0 }, steps: 200 }, { activation: 'relu', hidden: 8 });
    const snaps = snapshots();
    const session: Session = createSession({ doc, onStep: (r) => snaps.take(r.step, session) });
    snaps.take(0, session);
    const r = await session.start();
    expect(r.status).toBe('diverged');
    const d = r.divergence as Divergence;
    expect(['cell', 'last', 'out', 'loss', 'x']).toContain(d.node);
    expect(d.trainingStep).toBe(r.step + 1);
    expect(d.message).toContain(`training step ${r.step + 1}`);
    const now = snapshots();
    now.take(r.step, session);
    expect(now.byStep.get(r.step)).toEqual(snaps.byStep.get(r.step));
    for (const name of session.weights.names()) expect(Array.from(session.weights.get(name)).every(Number.isFinite)).toBe(true);
  });

  it('locates a non-finite gradient in backward order: the latest step first, then parameter gradients', () => {
    const c = compile(addingDoc('GRU'));
    if (!c.ok) throw new Error('compile');
    const exec = new Executor(c.plan, WeightStore.initialise(c.plan, createRng(1)));
    const feed = randomFeed(c.plan, 2, 6, createRng(2));
    exec.bind(feed);
    exec.forward();
    const grads = exec.backward();
    const dog = new Watchdog(c.plan);
    expect(dog.gradients(exec, 0, 6, grads)).toBeUndefined();
    const g = exec.rawGradient('cell.z.out'); // (T,B,H), time-major
    g[(1 * 2 + 1) * 4 + 2] = NaN; // step 2, sample 1
    g[(4 * 2 + 0) * 4 + 0] = -Infinity; // step 5, sample 0: found first (backward runs from t = T down)
    expect(dog.gradients(exec, 0, 6, grads)).toMatchObject({ stage: 'gradient', node: 'cell', value: 'cell.z.out', step: 5, sample: 0, found: '-Infinity' });
    expect(dog.gradients(exec, 0, 4, grads)).toMatchObject({ step: 2, sample: 1, found: 'NaN' });
    g.fill(0);
    grads.get('out.b')![0] = NaN;
    const found = dog.gradients(exec, 0, 6, grads)!;
    expect(found).toMatchObject({ stage: 'gradient', node: 'out', value: 'out.b', weight: true });
    expect(divergence(found, 3).message).toMatch(/training step 3: NaN in the backward pass at the gradient of weight "out.b" \(node "out"\)/);
  });
});

