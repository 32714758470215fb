import { describe, expect, it } from 'vitest';
import { OptimError, createOptimizer, type OptimizerConfig, type ParamSlot } from '../../../src/engine/optim';
import { learningRate } from '../../../src/engine/schedule';

function slot(name: string, param: number[], grad: number[]): ParamSlot {
  return { name, param: Float64Array.from(param), grad: Float64Array.from(grad) };
}

describe('SGD', () => {
  it('plain: p ← p − η g', () => {
    const opt = createOptimizer({ kind: 'sgd', lr: 0.1, momentum: 0 });
    const s = slot('a.W', [1, -2], [0.5, 1]);
    opt.step([s]);
    expect(Array.from(s.param)).toEqual([1 - 0.1 * 0.5, -2 - 0.1 * 1]);
    expect(opt.state().slots[0].buffers).toEqual({});
  });

  it('with momentum: b ← μ b + g, p ← p − η b (two hand-computed steps)', () => {
    const opt = createOptimizer({ kind: 'sgd', lr: 0.1, momentum: 0.9 });
    const s = slot('a.W', [1, -2], [0.5, 1]);
    opt.step([s]);
    expect(s.param[0]).toBeCloseTo(0.95, 15);
    expect(s.param[1]).toBeCloseTo(-2.1, 15);
    s.grad.set([-1, 2]);
    opt.step([s]);
    // b = [0.9·0.5 − 1, 0.9·1 + 2] = [−0.55, 2.9]
    expect(s.param[0]).toBeCloseTo(0.95 + 0.055, 15);
    expect(s.param[1]).toBeCloseTo(-2.1 - 0.29, 15);
  });
});

describe('RMSProp', () => {
  it('s ← ρ s + (1 − ρ) g², p ← p − η g / (√s + ε) (two hand-computed steps)', () => {
    const opt = createOptimizer({ kind: 'rmsprop', lr: 0.01, decay: 0.9, eps: 1e-8 });
    const s = slot('a.b', [1], [2]);
    opt.step([s]);
    const s1 = 0.1 * 4;
    const p1 = 1 - (0.01 * 2) / (Math.sqrt(s1) + 1e-8);
    expect(s.param[0]).toBeCloseTo(p1, 15);
    s.grad[0] = -1;
    opt.step([s]);
    const s2 = 0.9 * s1 + 0.1 * 1;
    expect(s.param[0]).toBeCloseTo(p1 + 0.01 / (Math.sqrt(s2) + 1e-8), 15);
  });
});

describe('Adam', () => {
  it('matches the textbook update with bias correction (three hand-computed steps)', () => {
    const [lr, b1, b2, eps] = [0.1, 0.9, 0.999, 1e-8];
    const opt = createOptimizer({ kind: 'adam', lr, beta1: b1, beta2: b2, eps });
    const s = slot('a.U', [0.5, -0.5], [0, 0]);
    let m = [0, 0];
    let v = [0, 0];
    const p = [0.5, -0.5];
    const gs = [
      [2, -0.1],
      [-1, 0.3],
      [0.5, 0.3],
    ];
    gs.forEach((g, k) => {
      const t = k + 1;
      s.grad.set(g);
      opt.step([s]);
      m = m.map((mi, i) => b1 * mi + (1 - b1) * g[i]);
      v = v.map((vi, i) => b2 * vi + (1 - b2) * g[i] ** 2);
      for (let i = 0; i < 2; i++) {
        const mHat = m[i] / (1 - b1 ** t);
        const vHat = v[i] / (1 - b2 ** t);
        p[i] -= (lr * mHat) / (Math.sqrt(vHat) + eps);
        expect(Math.abs(s.param[i] - p[i])).toBeLessThan(1e-14);
      }
    });
    // The first step moves each weight by almost exactly lr, whatever the gradient's scale.
    const fresh = createOptimizer({ kind: 'adam', lr, beta1: b1, beta2: b2, eps });
    const q = slot('b.W', [0], [50]);
    fresh.step([q]);
    expect(q.param[0]).toBeCloseTo(-lr, 9);
  });
});

describe('every optimiser', () => {
  const configs: OptimizerConfig[] = [
    { kind: 'sgd', lr: 0.05, momentum: 0 },
    { kind: 'sgd', lr: 0.02, momentum: 0.9 },
    { kind: 'rmsprop', lr: 0.02, decay: 0.9, eps: 1e-8 },
    { kind: 'adam', lr: 0.05, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
  ];

  it.each(configs)('minimises a quadratic: $kind (lr $lr)', (config) => {
    // f(p) = ½ Σ a_i (p_i − c_i)², ∇f = a ⊙ (p − c), with a cosine schedule to a small final rate.
    const a = [1, 4, 0.5, 2];
    const c = [1, -2, 3, 0.5];
    const opt = createOptimizer(config);
    const s = slot('q.W', [0, 0, 0, 0], [0, 0, 0, 0]);
    const N = 1500;
    for (let k = 0; k < N; k++) {
      for (let i = 0; i < 4; i++) s.grad[i] = a[i] * (s.param[i] - c[i]);
      opt.step([s], learningRate({ kind: 'cosine', minLr: 0 }, config.lr, k, N));
    }
    for (let i = 0; i < 4; i++) expect(Math.abs(s.param[i] - c[i])).toBeLessThan(1e-3);
  });

  it.each(configs)('state() / load() round-trips bit for bit through JSON: $kind', (config) => {
    const run = (o: ReturnType<typeof createOptimizer>, slots: ParamSlot[], steps: number, seed: number) => {
      for (let k = 0; k < steps; k++) {
        for (const sl of slots) for (let i = 0; i < sl.grad.length; i++) sl.grad[i] = Math.sin(seed + 7 * k + 3 * i) * (1 + i);
        o.step(slots);
      }
    };
    const mk = () => [
      { name: 'l.W', param: Float32Array.from([0.1, -0.2, 0.3]), grad: new Float32Array(3) },
      { name: 'l.b', param: Float64Array.from([0.5, 0.25]), grad: new Float64Array(2) },
    ];
    const a = mk();
    const optA = createOptimizer(config);
    run(optA, a, 3, 1);
    const saved = JSON.parse(JSON.stringify(optA.state()));
    const b = mk();
    b.forEach((sl, i) => sl.param.set(a[i].param));
    const optB = createOptimizer(config);
    optB.load(saved);
    expect(optB.state()).toEqual(optA.state());
    run(optA, a, 4, 2);
    run(optB, b, 4, 2);
    expect(Array.from(b[0].param)).toEqual(Array.from(a[0].param));
    expect(Array.from(b[1].param)).toEqual(Array.from(a[1].param));
    expect(optB.state()).toEqual(optA.state());
  });
});

describe('optimiser errors', () => {
  it('refuses a state of another kind, malformed state and mismatched buffers', () => {
    const adam = createOptimizer({ kind: 'adam', lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8 });
    const sgd = createOptimizer({ kind: 'sgd', lr: 0.1, momentum: 0.9 });
    sgd.step([slot('a.W', [1], [1])]);
    expect(() => adam.load(sgd.state())).toThrow(/state is for sgd, but this optimiser is adam/);
    expect(() => adam.load({ kind: 'adam', slots: [{ name: 'a.W', dtype: 'float64', step: 1, buffers: { m: [1] } }] })).toThrow(/needs \[m, v\]/);
    expect(() => adam.load({ kind: 'adam', slots: 'x' })).toThrow(OptimError);
    expect(() => createOptimizer({ kind: 'sgd', lr: 0.1, momentum: 0 }).load(sgd.state())).toThrow(/reset the optimiser/);
  });

  it('refuses size mismatches (naming the parameter) and bad learning rates', () => {
    const opt = createOptimizer({ kind: 'adam', lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8 });
    expect(() => opt.step([slot('l0.W', [1, 2], [1])])).toThrow(/l0\.W: gradient has 1 values but the parameter has 2/);
    opt.step([slot('l0.W', [1, 2], [1, 1])]);
    try {
      opt.step([slot('l0.W', [1, 2, 3], [1, 1, 1])]);
      expect.unreachable();
    } catch (e) {
      expect((e as OptimError).code).toBe('optim-size-mismatch');
      expect((e as Error).message).toMatch(/l0\.W.*reset the optimiser/);
    }
    expect(() => opt.step([slot('l0.W', [1, 2], [1, 1])], NaN)).toThrow(/learning rate/);
    expect(() => createOptimizer({ kind: 'sgd', lr: 0, momentum: 0 })).toThrow(/lr must be a positive/);
  });

  it('reset forgets the moments', () => {
    const opt = createOptimizer({ kind: 'sgd', lr: 1, momentum: 0.5 });
    const s = slot('a.W', [0], [1]);
    opt.step([s]);
    opt.reset();
    expect(opt.state().slots).toEqual([]);
    opt.step([s]);
    expect(s.param[0]).toBe(-2); // a fresh buffer: b = g, not 0.5·1 + 1
  });
});
