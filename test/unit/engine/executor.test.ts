import { describe, expect, it } from 'vitest';
import { createTask } from '../../../src/data';
import { Executor } from '../../../src/engine/executor';
import { bindBatch, BindError } from '../../../src/engine/feeds';
import { Rng } from '../../../src/engine/rng';
import { recurrenceGradNorms } from '../../../src/engine/telemetry-records';
import { GraphBuilder } from '../compiler/graph-builder';
import { elmanGraph, gatedGraph, gradcheckPlan, lastStepClassifier, planOf, randomFeed, randomWeights } from './executor-fixtures';

const TOL = 1e-6;

describe('Executor: whole-graph gradients against central differences (float64)', () => {
  it('Elman RNN from gates, cross-entropy, lengths 5, 3 and 1 of T = 5', () => {
    const plan = planOf(elmanGraph());
    const r = gradcheckPlan(plan, randomFeed(plan, [5, 3, 1], 5));
    expect(r.checked).toBe(69);
    expect(r.worst, r.where).toBeLessThan(TOL);
  });

  it('Elman RNN under meanValidSteps', () => {
    const plan = planOf(elmanGraph('meanValidSteps'));
    const r = gradcheckPlan(plan, randomFeed(plan, [2, 4, 3], 4, 11));
    expect(r.worst, r.where).toBeLessThan(TOL);
  });

  it('a GRU-like cell from Sigmoid/Tanh/Multiply/OneMinus/Add/Delay with a learned h0, MSE', () => {
    const plan = planOf(gatedGraph());
    const r = gradcheckPlan(plan, randomFeed(plan, [4, 2, 3], 4));
    expect(plan.params.map((p) => p.name)).toContain('hp.h0');
    expect(r.worst, r.where).toBeLessThan(TOL);
  });

  it('MSE regression of a vector input (no time axis)', () => {
    const g = new GraphBuilder()
      .node('x', 'Input', { role: 'vector', size: 3 })
      .node('y', 'Input', { role: 'vector', size: 2 })
      .node('l1', 'Linear', { units: 4 })
      .node('t', 'Tanh')
      .node('l2', 'Linear', { units: 2 })
      .node('loss', 'MSE')
      .edge('x.out', 'l1.in0')
      .edge('l1.out', 't.in')
      .edge('t.out', 'l2.in0')
      .edge('l2.out', 'loss.prediction')
      .edge('y.out', 'loss.target');
    const plan = planOf(g);
    expect(plan.phases.map((p) => p.kind)).toEqual(['vector']);
    const r = gradcheckPlan(plan, randomFeed(plan, [1, 1, 1, 1], 1));
    expect(r.worst, r.where).toBeLessThan(TOL);
  });

  it('a vector read at every step, by a batched node and inside the loop (1→n wiring)', () => {
    const g = elmanGraph()
      .node('c', 'Input', { role: 'vector', size: 2 })
      .node('p', 'Linear', { inputs: 2, units: 3 })
      .node('q', 'Linear', { units: 5 })
      .node('s', 'Add');
    // p = Linear(x, c), batched, feeds the cell; q = Linear(c), once, is added to its pre-activation.
    for (const target of ['h', 'a']) g.edges.splice(g.edges.findIndex((e) => e.target.node === target && e.target.port !== 'in1'), 1);
    g.edge('x.out', 'p.in0').edge('c.out', 'p.in1').edge('p.out', 'a.in0').edge('c.out', 'q.in0').edge('a.out', 's.in0').edge('q.out', 's.in1').edge('s.out', 'h.in');
    const plan = planOf(g);
    expect(plan.phases.map((p) => p.kind)).toEqual(['vector', 'batched', 'loop', 'batched']);
    expect(plan.ops.filter((o) => o.perStep).map((o) => o.node)).toEqual(['p', 'd', 'a', 's', 'h', 'o', 'loss']);
    const r = gradcheckPlan(plan, randomFeed(plan, [3, 2], 3));
    expect(r.worst, r.where).toBeLessThan(TOL);
  });

  it('an LSTM composite (expanded), read n→1 through LastStep, lengths 4, 2, 1', () => {
    const g = new GraphBuilder()
      .node('x', 'Input', { role: 'sequence', size: 2 })
      .node('y', 'Input', { role: 'vector', size: 3, dtype: 'index' })
      .node('l0', 'LSTM', { hidden: 3, peepholes: true, init: 'learned' })
      .node('last', 'LastStep')
      .node('o', 'Linear', { units: 3 })
      .node('loss', 'CrossEntropy')
      .edge('x.out', 'l0.in')
      .edge('l0.h', 'last.in')
      .edge('last.out', 'o.in0')
      .edge('o.out', 'loss.logits')
      .edge('y.out', 'loss.target');
    const plan = planOf(g);
    expect(plan.phases.map((p) => (p.kind === 'vector' && p.late ? 'late' : p.kind))).toEqual(['loop', 'late']);
    const r = gradcheckPlan(plan, randomFeed(plan, [4, 2, 1], 4));
    expect(r.worst, r.where).toBeLessThan(TOL);
  });
});

describe('Executor: masks', () => {
  const plan = planOf(elmanGraph());
  const lengths = [5, 2, 3];
  const feed = randomFeed(plan, lengths, 5);

  it('every per-step value and step loss is zero at padded steps; the final state is the state at τ_b', () => {
    const exec = new Executor(plan, randomWeights(plan));
    exec.bind(feed);
    exec.forward();
    for (const id of ['a.out', 'h.out', 'd.out', 'o.out']) {
      const v = exec.value(id);
      const D = v.shape[2];
      lengths.forEach((tau, b) => {
        for (let t = 0; t < 5; t++) {
          const row = Array.from(v.data.subarray((b * 5 + t) * D, (b * 5 + t + 1) * D));
          if (t >= tau) expect(row.every((x) => x === 0), `${id} b=${b} t=${t + 1}`).toBe(true);
          else if (id !== 'd.out' || t > 0) expect(row.some((x) => x !== 0), `${id} b=${b} t=${t + 1}`).toBe(true);
        }
      });
    }
    const steps = exec.stepLosses('loss');
    lengths.forEach((tau, b) => {
      for (let t = 0; t < 5; t++) expect(steps.data[b * 5 + t] === 0).toBe(t >= tau);
    });
    const h = exec.value('h.out');
    const final = exec.finalStates().get('d')!;
    lengths.forEach((tau, b) => expect(Array.from(final.subarray(b * 5, b * 5 + 5))).toEqual(Array.from(h.data.subarray((b * 5 + tau - 1) * 5, (b * 5 + tau) * 5))));
  });

  it('padding does not change a sample: alone and unpadded it gives the same values, loss and final state', () => {
    const store = randomWeights(plan);
    const exec = new Executor(plan, store);
    exec.bind(feed);
    const batched = exec.forward();
    const h = exec.value('h.out');
    const lossRows = exec.stepLosses('loss');
    const final = exec.finalStates().get('d')!;
    const b = 1;
    const tau = lengths[b];
    const alone = new Executor(plan, store);
    const x = feed.feeds.x.slice(b * 5 * 3, b * 5 * 3 + tau * 3);
    const y = feed.feeds.y.slice(b * 5, b * 5 + tau);
    alone.bind({ feeds: { x, y }, lengths: Int32Array.of(tau), T: tau });
    const single = alone.forward();
    expect(Array.from(alone.value('h.out').data)).toEqual(Array.from(h.data.subarray(b * 5 * 5, (b * 5 + tau) * 5)));
    expect(Array.from(alone.finalStates().get('d')!)).toEqual(Array.from(final.subarray(b * 5, b * 5 + 5)));
    const mine = Array.from(lossRows.data.subarray(b * 5, b * 5 + 5)).reduce((s, v) => s + v, 0);
    expect(single.total).toBeCloseTo(mine, 12);
    expect(batched.total).toBeGreaterThan(mine / 3);
  });

  it('recorded ‖∂L/∂h_t‖ are zero at padded steps and positive at valid ones', () => {
    const exec = new Executor(plan, randomWeights(plan));
    exec.bind(feed);
    exec.forward();
    exec.backward();
    const [rec] = recurrenceGradNorms(exec);
    expect(rec.name).toBe('h');
    lengths.forEach((tau, b) => {
      for (let t = 0; t < 5; t++) expect(rec.perSample[b * 5 + t] > 0).toBe(t < tau);
    });
    for (let t = 0; t < 5; t++) {
      let s = 0;
      for (let b = 0; b < 3; b++) s += rec.perSample[b * 5 + t] ** 2;
      expect(rec.perStep[t]).toBeCloseTo(Math.sqrt(s), 14);
    }
  });
});

describe('Executor: ‖∂L/∂h_t‖ is the total derivative of L', () => {
  it('matches central differences of L under a perturbation of h_t, at every step', () => {
    const plan = planOf(gatedGraph());
    const lengths = [4, 3];
    const feed = randomFeed(plan, lengths, 4);
    const exec = new Executor(plan, randomWeights(plan));
    exec.bind(feed);
    exec.forward();
    exec.backward();
    const analytic = exec.gradient('h.out'); // (B,T,H)
    const [rec] = recurrenceGradNorms(exec);
    const B = 2;
    const H = 3;
    const eps = 1e-6;
    for (let t = 0; t < 4; t++) {
      let sq = 0;
      for (let j = 0; j < B * H; j++) {
        const delta = new Float64Array(B * H);
        delta[j] = eps;
        const plus = exec.forward(0, 4, { perturb: { value: 'h.out', step: t, delta } }).total;
        delta[j] = -eps;
        const minus = exec.forward(0, 4, { perturb: { value: 'h.out', step: t, delta } }).total;
        const numeric = (plus - minus) / (2 * eps);
        const b = Math.floor(j / H);
        const a = analytic.data[(b * 4 + t) * H + (j % H)];
        expect(Math.abs(a - numeric), `t=${t + 1} j=${j}`).toBeLessThan(1e-7 + 1e-6 * Math.abs(numeric));
        sq += numeric * numeric;
      }
      expect(rec.perStep[t]).toBeCloseTo(Math.sqrt(sq), 6);
    }
    // the padded step of sample 1 (t = 4) has no influence
    expect(rec.perSample[1 * 4 + 3]).toBe(0);
  });
});

describe('Executor: batched phases and time loops compute the same numbers', () => {
  for (const [name, graph] of [
    ['Elman', elmanGraph],
    ['gated', gatedGraph],
  ] as const) {
    it(`${name}: a plan with every per-step node in a time loop gives identical losses, values and gradients`, () => {
      const batched = planOf(graph());
      const looped = planOf(graph(), { loopEverything: true });
      expect(batched.phases.some((p) => p.kind === 'batched')).toBe(true);
      expect(looped.phases.map((p) => p.kind)).toEqual(['loop']);
      const feed = randomFeed(batched, [4, 1, 3], 4);
      const results = [batched, looped].map((plan) => {
        const exec = new Executor(plan, randomWeights(plan));
        exec.bind(feed);
        const loss = exec.forward().total;
        const grads = new Map([...exec.backward()].map(([k, v]) => [k, Array.from(v)]));
        return { loss, grads, o: Array.from(exec.value('o.out').data), norms: Array.from(recurrenceGradNorms(exec)[0].perStep) };
      });
      expect(results[1].loss).toBe(results[0].loss);
      expect(results[1].o).toEqual(results[0].o);
      expect(results[1].norms).toEqual(results[0].norms);
      for (const [k, g] of results[0].grads) {
        const other = results[1].grads.get(k)!;
        g.forEach((v, i) => expect(other[i]).toBeCloseTo(v, 14));
      }
    });
  }
});

describe('Executor: losses', () => {
  it('reduces by B (sumTimeMeanBatch) or by the valid steps (meanValidSteps); several losses add up', () => {
    const g = elmanGraph().node('loss2', 'CrossEntropy', { reduction: 'meanValidSteps' }).edge('o.out', 'loss2.logits').edge('y.out', 'loss2.target');
    const plan = planOf(g);
    const lengths = [4, 1, 2];
    const exec = new Executor(plan, randomWeights(plan));
    exec.bind(randomFeed(plan, lengths, 4));
    const loss = exec.forward();
    const sum = exec.stepLosses('loss').data.reduce((s, v) => s + v, 0);
    expect(loss.perNode.loss).toBeCloseTo(sum / 3, 14);
    expect(loss.perNode.loss2).toBeCloseTo(sum / 7, 14);
    expect(loss.total).toBeCloseTo(sum / 3 + sum / 7, 14);
  });
});

describe('Executor: binding a batch', () => {
  it('maps a data task batch onto Inputs x and y and runs it (parity, n→1 through an RNN and LastStep)', () => {
    const g = lastStepClassifier(1, 4);
    const plan = planOf(g);
    const task = createTask('parity', { T: 6, minT: 2 });
    const batch = task.batch(new Rng(1), 5);
    const feed = bindBatch(plan, batch);
    expect(Object.keys(feed.feeds).sort()).toEqual(['x', 'y']);
    const exec = new Executor(plan, randomWeights(plan));
    exec.bind(feed);
    const loss = exec.forward().total;
    expect(Number.isFinite(loss) && loss > 0).toBe(true);
    expect(exec.value('last.out').shape).toEqual([5, 4]);
  });

  it('finds x and y by wiring when the Inputs have other ids', () => {
    const g = new GraphBuilder()
      .node('bits', 'Input', { role: 'sequence', size: 1 })
      .node('labels', 'Input', { role: 'sequence', size: 2, dtype: 'index' })
      .node('o', 'Linear', { units: 2 })
      .node('loss', 'CrossEntropy')
      .edge('bits.out', 'o.in0')
      .edge('o.out', 'loss.logits')
      .edge('labels.out', 'loss.target');
    const plan = planOf(g);
    const batch = createTask('parity', { T: 3, mode: 'running' }).batch(new Rng(2), 2);
    const feed = bindBatch(plan, batch);
    expect(feed.feeds.bits).toBe(batch.x);
    expect(feed.feeds.labels).toBe(batch.y);
  });

  it('names the Input in every binding error', () => {
    const plan = planOf(elmanGraph());
    const exec = new Executor(plan, randomWeights(plan));
    const feed = randomFeed(plan, [2, 2], 2);
    const err = (f: () => void) => {
      try {
        f();
      } catch (e) {
        return e as BindError;
      }
      throw new Error('no error');
    };
    expect(() => exec.forward()).toThrow(/bind\(\) first/);
    expect(err(() => exec.bind({ ...feed, feeds: { x: feed.feeds.x } }))).toMatchObject({ code: 'bind-missing', node: 'y' });
    expect(err(() => exec.bind({ ...feed, feeds: { ...feed.feeds, x: new Float32Array(5) } }))).toMatchObject({ code: 'bind-mismatch', node: 'x' });
    expect(err(() => exec.bind({ ...feed, feeds: { ...feed.feeds, z: new Float32Array(5) } }))).toMatchObject({ code: 'bind-unknown', node: 'z' });
    expect(err(() => exec.bind({ ...feed, lengths: Int32Array.of(3, 1) })).message).toMatch(/sample 0 has length 3/);
  });
});

describe('Executor: fused cells run the same numbers as their decomposition', () => {
  const cellGraph = (type: string, params: Record<string, unknown>) =>
    new GraphBuilder()
      .node('x', 'Input', { size: 2 })
      .node('y', 'Input', { size: 3, dtype: 'index' })
      .node('l0', type, { hidden: 3, ...params })
      .node('l1', type, { hidden: 2, ...params })
      .node('o', 'Linear', { units: 3 })
      .node('loss', 'CrossEntropy')
      .edge('x.out', 'l0.in')
      .edge('l0.h', 'l1.in')
      .edge('l1.h', 'o.in0')
      .edge('o.out', 'loss.logits')
      .edge('y.out', 'loss.target');

  for (const [type, params] of [
    ['RNN', { init: 'learned' }],
    ['LSTM', { peepholes: true, init: 'learned' }],
    ['GRU', {}],
    ['GRU', { resetAfter: true, updateConvention: 'new' }],
    ['Leaky', { alpha: 'trainable', init: 'learned' }],
    ['Leaky', {}],
    ['RNN', { skip: { d: 2, mode: 'remove' }, init: 'learned' }],
  ] as const) {
    it(`${type} ${JSON.stringify(params)}: two stacked layers, fused vs decomposed`, () => {
      const open = planOf(cellGraph(type, params));
      const fused = planOf(cellGraph(type, params), { fused: true });
      const cells = fused.ops.filter((o) => o.type === `${type}.step`).map((o) => o.node);
      expect(cells).toEqual(['l0', 'l1']);
      expect(fused.ops.length).toBeLessThan(open.ops.length);
      expect(fused.params.map((p) => p.name)).toEqual(open.params.map((p) => p.name));
      const recorded = open.recurrences.filter((r) => !(type === 'LSTM' && r.name.endsWith('.c')));
      expect(fused.recurrences).toEqual(recorded);
      const store = randomWeights(open);
      const feed = randomFeed(open, [5, 2, 4], 5);
      const run = (plan: typeof open) => {
        const e = new Executor(plan, store);
        e.bind(feed);
        const loss = e.forward().total;
        const grads = new Map([...e.backward()].map(([k, v]) => [k, Array.from(v)]));
        return { loss, grads, norms: recurrenceGradNorms(e).map((r) => Array.from(r.perSample)), final: e.finalStates() };
      };
      const a = run(open);
      const b = run(fused);
      expect(b.loss).toBeCloseTo(a.loss, 12);
      for (const [k, g] of a.grads) g.forEach((v, i) => expect(b.grads.get(k)![i], `${k}[${i}]`).toBeCloseTo(v, 11));
      b.norms.forEach((n, r) => n.forEach((v, i) => expect(v).toBeCloseTo(a.norms[open.recurrences.indexOf(recorded[r])][i], 11)));
      for (const [d, s] of a.final) s.forEach((v, i) => expect(b.final.get(d)![i]).toBeCloseTo(v, 12));
    });
  }

  it('a fused LSTM passes the whole-graph gradient check', () => {
    const plan = planOf(cellGraph('LSTM', { peepholes: true }), { fused: true });
    const r = gradcheckPlan(plan, randomFeed(plan, [3, 1], 3));
    expect(r.worst, r.where).toBeLessThan(TOL);
  });
});
