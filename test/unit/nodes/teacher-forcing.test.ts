import { describe, expect, it } from 'vitest';
import { Executor } from '../../../src/engine/executor';
import { Rng } from '../../../src/engine/rng';
import { TeacherForcing, TeacherForcingParams, teacherRatio } from '../../../src/nodes/teacher-forcing';
import { GraphBuilder } from '../compiler/graph-builder';
import { planOf, randomFeed, randomWeights } from '../engine/executor-fixtures';

const kernel = TeacherForcing.kernel!;
const t = (rows: number[][]) => ({ shape: [rows.length, rows[0].length], data: Float64Array.from(rows.flat()) });
const teacher = t([
  [1, 0],
  [0, 1],
  [1, 1],
]);
const own = t([
  [0.2, 0.8],
  [0.6, 0.4],
  [0.5, 0.5],
]);

describe('TeacherForcing', () => {
  it('follows its schedule: constant, linear from ratio to `to`, inverse sigmoid', () => {
    const p = (raw: object) => TeacherForcingParams.parse(raw);
    expect(teacherRatio(p({ ratio: 0.7 }), 500)).toBe(0.7);
    const lin = p({ ratio: 1, schedule: { kind: 'linear', to: 0.2, steps: 100 } });
    expect(teacherRatio(lin, 0)).toBe(1);
    expect(teacherRatio(lin, 50)).toBeCloseTo(0.6, 12);
    expect(teacherRatio(lin, 1000)).toBeCloseTo(0.2, 12);
    const inv = p({ ratio: 1, schedule: { kind: 'inverseSigmoid', k: 10 } });
    expect(teacherRatio(inv, 0)).toBeCloseTo(10 / 11, 12);
    expect(teacherRatio(inv, 100)).toBeCloseTo(10 / (10 + Math.exp(10)), 12);
    expect(teacherRatio(inv, 1e9)).toBeLessThan(1e-300);
  });

  it('takes the teacher where the draw is below the ratio, the model’s own elsewhere, and sends the gradient to the one taken', () => {
    const attrs = TeacherForcingParams.parse({ ratio: 0.5 });
    const uniform = { shape: [3], data: Float64Array.from([0.1, 0.9, 0.49]) };
    const r = kernel.forward({ teacher, own }, {}, attrs, { random: { uniform, step: 0 } });
    expect(Array.from(r.outputs.out.data)).toEqual([1, 0, 0.6, 0.4, 1, 1]);
    const g = kernel.backward({ out: t([[1, 2], [3, 4], [5, 6]]) }, r.saved, { teacher, own }, {}, attrs);
    expect(Array.from(g.inputs.teacher.data)).toEqual([1, 2, 0, 0, 5, 6]);
    expect(Array.from(g.inputs.own.data)).toEqual([0, 0, 3, 4, 0, 0]);
  });

  it('uses the model’s own at inference, the ratio itself outside training when it is 0 or 1, and names the problem otherwise', () => {
    const half = TeacherForcingParams.parse({ ratio: 0.5 });
    expect(Array.from(kernel.forward({ teacher, own }, {}, half, { inference: true }).outputs.out.data)).toEqual(Array.from(own.data));
    expect(Array.from(kernel.forward({ teacher, own }, {}, TeacherForcingParams.parse({}), {}).outputs.out.data)).toEqual(Array.from(teacher.data));
    expect(() => kernel.forward({ teacher, own }, {}, half, {})).toThrow(/ratio of 0.5 draws per sample and step, which needs the training run's generator/);
  });
});

describe('a Jordan cell with a teacher-forcing ratio, in a graph', () => {
  const graph = (ratio: number) =>
    new GraphBuilder()
      .node('x', 'Input', { role: 'sequence', size: 2 })
      .node('y', 'Input', { role: 'sequence', size: 3, dtype: 'index' })
      .node('y1', 'OneHot', { classes: 3 })
      .node('j', 'Jordan', { hidden: 4, size: 3, teacherForcing: true, teacherRatio: ratio })
      .node('loss', 'CrossEntropy')
      .edge('x.out', 'j.in')
      .edge('y.out', 'y1.index')
      .edge('y1.out', 'j.teacher')
      .edge('j.o', 'loss.logits')
      .edge('y.out', 'loss.target');

  it('draws per sample and step from the run’s generator: the same seed repeats, the share follows the ratio, and the gradient is exact for fixed draws', () => {
    const plan = planOf(graph(0.5));
    expect(plan.ops.some((op) => op.type === 'TeacherForcing')).toBe(true);
    const store = randomWeights(plan);
    const exec = new Executor(plan, store);
    const feed = randomFeed(plan, [6, 4, 5], 6, 3);
    exec.bind(feed);
    const loss = () => exec.forward(0, 6, { random: { rng: new Rng(5), step: 0 } }).total;
    const base = loss();
    expect(loss()).toBe(base);
    expect(exec.forward(0, 6, { random: { rng: new Rng(6), step: 0 } }).total).not.toBe(base);
    expect(() => exec.forward()).toThrow(/needs the training run's generator/);
    // a ratio below 1 mixes in the model's own values: not the always-teacher cell's loss
    const teacherOnly = new Executor(planOf(graph(1)), store);
    teacherOnly.bind(feed);
    expect(exec.forward(0, 6, { random: { rng: new Rng(5), step: 0 }, inference: false }).total).not.toBe(teacherOnly.forward().total);

    loss();
    const grads = new Map([...exec.backward()].map(([k, v]) => [k, v.slice()]));
    let worst = 0;
    for (const name of store.names()) {
      const w = store.get(name);
      for (let i = 0; i < w.length; i++) {
        const keep = w[i];
        w[i] = keep + 1e-5;
        const plus = loss();
        w[i] = keep - 1e-5;
        const minus = loss();
        w[i] = keep;
        const numeric = (plus - minus) / 2e-5;
        const analytic = grads.get(name)![i];
        worst = Math.max(worst, Math.abs(numeric - analytic) / Math.max(Math.abs(numeric), Math.abs(analytic), 1e-6));
      }
    }
    expect(worst).toBeLessThan(1e-6);
  });

  it('feeds the teacher on about `ratio` of the steps', () => {
    const attrs = TeacherForcingParams.parse({ ratio: 0.3 });
    const n = 4000;
    const rng = new Rng(2);
    const uniform = { shape: [n], data: Float64Array.from({ length: n }, () => rng.uniform()) };
    const ones = { shape: [n, 1], data: new Float64Array(n).fill(1) };
    const zeros = { shape: [n, 1], data: new Float64Array(n) };
    const out = kernel.forward({ teacher: ones, own: zeros }, {}, attrs, { random: { uniform, step: 0 } }).outputs.out.data;
    const share = out.reduce((a, v) => a + v, 0) / n;
    expect(Math.abs(share - 0.3)).toBeLessThan(0.03);
  });
});
