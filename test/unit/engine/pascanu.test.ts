import { describe, expect, it } from 'vitest';
import { bpttGradients } from '../../../src/engine/bptt';
import type { BatchFeed } from '../../../src/engine/feeds';
import { PascanuError, pascanuTerm, resolvePascanu, type PascanuConfig } from '../../../src/engine/pascanu';
import type { WeightStore } from '../../../src/engine/weights';
import { GraphBuilder } from '../compiler/graph-builder';
import { pascanuOf, pascanuSetup, type PascanuSetup, type Saved } from './pascanu-fixtures';
import { planOf } from './executor-fixtures';

/**
 * Ω (models.md "Outputs and losses") against a direct computation here: an own forward of the RNN
 * layers, the Jacobian `∂h_t/∂h_{t−1} = diag(φ'(a_t)) W` as an explicit matrix, and g = ∂L/∂h_t read
 * once at the base weights and then held constant; its gradient against central differences of that
 * same function.
 */

type Act = 'tanh' | 'relu';
interface Layer {
  readonly id: string;
  readonly hidden: number;
  readonly activation: Act;
  readonly learned?: boolean;
}

const I = 3;
const CLASSES = 4;

/** x (3) → the RNN layers in a stack → Linear (4 classes) → CrossEntropy. */
function stack(layers: readonly Layer[]): GraphBuilder {
  const g = new GraphBuilder().node('x', 'Input', { role: 'sequence', size: I }).node('y', 'Input', { role: 'sequence', size: CLASSES, dtype: 'index' });
  let prev = 'x.out';
  for (const l of layers) {
    g.node(l.id, 'RNN', { hidden: l.hidden, activation: l.activation, ...(l.learned ? { init: 'learned' } : {}) }).edge(prev, `${l.id}.in`);
    prev = `${l.id}.h`;
  }
  return g.node('o', 'Linear', { units: CLASSES }).node('loss', 'CrossEntropy').edge(prev, 'o.in0').edge('o.out', 'loss.logits').edge('y.out', 'loss.target');
}

/** g = ∂L/∂h per layer, batch-major (B,T,H) copies. */

/**
 * Ω per layer, computed directly: h_t = φ(b + W h_{t−1} + U x_t) over each sample's valid steps,
 * J_t[i][j] = φ'(a_{t,i}) W_ij, term (‖g_t J_t‖/‖g_t‖ − 1)² where ‖g_t‖ > 0, divided by B.
 */
function directOmega(layers: readonly Layer[], store: WeightStore, feed: BatchFeed, g: Saved): Map<string, number> {
  const B = feed.lengths.length;
  const T = feed.T;
  let input = Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => Array.from((feed.feeds.x as Float64Array).subarray((b * T + t) * I, (b * T + t + 1) * I))));
  const out = new Map<string, number>();
  for (const l of layers) {
    const H = l.hidden;
    const [U, W, bias] = [store.get(`${l.id}.U`), store.get(`${l.id}.W`), store.get(`${l.id}.b`)];
    const h0 = l.learned ? Array.from(store.get(`${l.id}.h0`)) : new Array<number>(H).fill(0);
    const gl = g.get(l.id)!;
    let omega = 0;
    const next: number[][][] = [];
    for (let b = 0; b < B; b++) {
      let hPrev = h0;
      const seq: number[][] = [];
      for (let t = 0; t < T; t++) {
        if (t >= feed.lengths[b]) {
          seq.push(new Array<number>(H).fill(0));
          continue;
        }
        const x = input[b][t];
        const a = Array.from({ length: H }, (_, i) => bias[i] + x.reduce((s, xk, k) => s + U[i * x.length + k] * xk, 0) + hPrev.reduce((s, hj, j) => s + W[i * H + j] * hj, 0));
        const h = a.map((ai) => (l.activation === 'tanh' ? Math.tanh(ai) : Math.max(0, ai)));
        const dphi = a.map((ai) => (l.activation === 'tanh' ? 1 - Math.tanh(ai) ** 2 : ai > 0 ? 1 : 0));
        const J = Array.from({ length: H }, (_, i) => Array.from({ length: H }, (_, j) => dphi[i] * W[i * H + j]));
        const gt = Array.from(gl.subarray((b * T + t) * H, (b * T + t + 1) * H));
        const gn = Math.hypot(...gt);
        if (gn > 0) {
          const v = Array.from({ length: H }, (_, j) => gt.reduce((s, gi, i) => s + gi * J[i][j], 0));
          omega += (Math.hypot(...v) / gn - 1) ** 2;
        }
        seq.push(h);
        hPrev = h;
      }
      next.push(seq);
    }
    out.set(l.id, omega / B);
    input = next;
  }
  return out;
}

function setup(layers: readonly Layer[], fused: boolean, lengths = [4, 2, 3], T = 4): PascanuSetup {
  return pascanuSetup(stack(layers), layers.map((l) => l.id), fused, lengths, T);
}

const NODES = (layers: readonly Layer[]) => stack(layers).nodes;

function run(s: PascanuSetup, layers: readonly Layer[], config: PascanuConfig) {
  return pascanuOf(s, stack(layers), config);
}

const CASES: readonly { name: string; layers: Layer[] }[] = [
  { name: 'tanh', layers: [{ id: 'l0', hidden: 4, activation: 'tanh' }] },
  { name: 'relu', layers: [{ id: 'l0', hidden: 4, activation: 'relu' }] },
  { name: 'tanh with a learned h0', layers: [{ id: 'l0', hidden: 3, activation: 'tanh', learned: true }] },
  {
    name: 'two stacked layers (tanh, relu), Ω summed',
    layers: [
      { id: 'l0', hidden: 3, activation: 'tanh', learned: true },
      { id: 'l1', hidden: 4, activation: 'relu' },
    ],
  },
  {
    name: 'two stacked tanh layers',
    layers: [
      { id: 'l0', hidden: 3, activation: 'tanh' },
      { id: 'l1', hidden: 2, activation: 'tanh', learned: true },
    ],
  },
];

describe('the Pascanu regulariser Ω', () => {
  for (const { name, layers } of CASES) {
    const ids = layers.map((l) => l.id);
    for (const fused of [false, true]) {
      const plan = fused ? 'fused plan' : 'decomposed plan';
      it(`${name}, ${plan}: Ω equals the direct Jacobian computation (variable lengths)`, () => {
        const s = setup(layers, fused);
        const r = run(s, layers, { nodes: ids });
        const direct = directOmega(layers, s.store, s.feed, s.g);
        let sum = 0;
        for (const id of ids) {
          expect(r.perNode[id]).toBeGreaterThan(0);
          expect(Math.abs(r.perNode[id] - direct.get(id)!)).toBeLessThan(1e-12 * Math.max(1, direct.get(id)!));
          sum += direct.get(id)!;
        }
        expect(r.omega).toBeCloseTo(sum, 12);
      });

      it(`${name}, ${plan}: ∂Ω/∂θ matches central differences with g held constant (rel err < 1e-6)`, () => {
        const s = setup(layers, fused);
        const r = run(s, layers, { nodes: ids });
        const omegaAt = () => [...directOmega(layers, s.store, s.feed, s.g).values()].reduce((a, b) => a + b, 0);
        const eps = 1e-6;
        let worst = 0;
        let where = '';
        let nonzero = 0;
        for (const p of s.plan.params) {
          const w = s.store.get(p.name);
          const analytic = r.grads.get(p.name)!;
          expect(analytic.length).toBe(w.length);
          for (let i = 0; i < w.length; i++) {
            const keep = w[i];
            w[i] = keep + eps;
            const plus = omegaAt();
            w[i] = keep - eps;
            const minus = omegaAt();
            w[i] = keep;
            const numeric = (plus - minus) / (2 * eps);
            const err = Math.abs(analytic[i] - numeric) / Math.max(Math.abs(analytic[i]), Math.abs(numeric), 1e-6);
            if (Math.abs(numeric) > 1e-6) nonzero++;
            if (err > worst) [worst, where] = [err, `${p.name}[${i}]: analytic ${analytic[i]}, numeric ${numeric}`];
          }
        }
        expect(worst, where).toBeLessThan(1e-6);
        expect(nonzero).toBeGreaterThan(10);
        // the head does not enter Ω when g is held constant
        expect(Array.from(r.grads.get('o.W0')!).every((v) => v === 0)).toBe(true);
      });
    }
  }

  it('reaches the weights upstream of a cell, U, b and a learned h0 (tanh)', () => {
    const layers = CASES[4].layers;
    const s = setup(layers, true);
    const r = run(s, layers, { nodes: ['l1'] });
    for (const name of ['l0.U', 'l0.W', 'l0.b', 'l1.U', 'l1.b', 'l1.h0']) expect(Math.hypot(...r.grads.get(name)!), name).toBeGreaterThan(0);
  });

  it('fused and decomposed plans give the same Ω and gradients', () => {
    const layers = CASES[3].layers;
    const [a, b] = [false, true].map((fused) => run(setup(layers, fused), layers, { nodes: ['l0', 'l1'] }));
    expect(b.omega).toBeCloseTo(a.omega, 13);
    for (const [name, g] of a.gradsTotal) g.forEach((v, i) => expect(b.gradsTotal.get(name)![i]).toBeCloseTo(v, 12));
  });

  it('adds up: L + λΩ and ∂L/∂θ + λ ∂Ω/∂θ, with λ as given (default 1)', () => {
    const layers = CASES[0].layers;
    const s = setup(layers, false);
    const lossGrads = new Map([...s.lossGrads].map(([k, v]) => [k, v.slice()]));
    const r = run(s, layers, { nodes: ['l0'], lambda: 0.3 });
    expect(r.lambda).toBe(0.3);
    expect(r.lossTotal).toBeCloseTo(s.loss + 0.3 * r.omega, 14);
    for (const [name, g] of lossGrads) g.forEach((v, i) => expect(r.gradsTotal.get(name)![i]).toBeCloseTo(v + 0.3 * r.grads.get(name)![i], 14));
    expect(run(setup(layers, false), layers, { nodes: ['l0'] }).lambda).toBe(1);
  });

  it('sums only the valid steps: a batch padded with steps past every length gives the same Ω', () => {
    const layers = CASES[0].layers;
    const short = run(setup(layers, false, [3, 2, 3], 3), layers, { nodes: ['l0'] });
    const s = setup(layers, false, [3, 2, 3], 3);
    const padded = setup(layers, false, [3, 2, 3], 5);
    // same data in the first 3 steps: copy the short feed's x and y into the padded one
    const B = 3;
    for (const name of ['x', 'y'] as const) {
      const from = s.feed.feeds[name];
      const to = padded.feed.feeds[name];
      const w = name === 'x' ? I : 1;
      for (let b = 0; b < B; b++) for (let t = 0; t < 3; t++) for (let k = 0; k < w; k++) to[(b * 5 + t) * w + k] = from[(b * 3 + t) * w + k];
    }
    const full = bpttGradients(padded.exec, padded.feed);
    const r = pascanuTerm(padded.exec, resolvePascanu(padded.plan, NODES(layers), { nodes: ['l0'] }), { total: full.loss.total, grads: full.grads });
    expect(r.omega).toBeCloseTo(short.omega, 13);
    for (const [name, g] of short.grads) g.forEach((v, i) => expect(r.grads.get(name)![i]).toBeCloseTo(v, 13));
  });

  it('skips terms with g = 0: a sample whose loss gradient vanishes adds nothing', () => {
    const layers = CASES[0].layers;
    const s = setup(layers, false, [4, 4], 4);
    // g of sample 1 is zero: Ω is sample 0's terms over B = 2
    const zeroed: Saved = new Map([...s.g].map(([k, v]) => [k, v.map((x, i) => (i >= v.length / 2 ? 0 : x))]));
    const direct = directOmega(layers, s.store, s.feed, zeroed).get('l0')!;
    const raw = s.exec.rawGradient(s.plan.recurrences[0].source); // (T,B,H): zero sample 1's rows
    const H = 4;
    for (let t = 0; t < 4; t++) raw.fill(0, (t * 2 + 1) * H, (t * 2 + 2) * H);
    const r = run(s, layers, { nodes: ['l0'] });
    expect(r.omega).toBeCloseTo(direct, 13);
  });
});

describe('resolvePascanu refuses what it cannot regularise, naming the node', () => {
  const layers: Layer[] = [{ id: 'l0', hidden: 3, activation: 'tanh' }];
  const plan = planOf(stack(layers));
  const code = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      if (e instanceof PascanuError) return `${e.code}: ${e.message}`;
      throw e;
    }
    return 'no error';
  };

  it('a node of another kind: Ω is available for RNN, LSTM and GRU cells, listed by kind', () => {
    expect(code(() => resolvePascanu(plan, stack(layers).nodes, { nodes: ['o'] }))).toMatch(/^pascanu-unsupported-node: node "o" is a Linear: Ω is available for RNN \(Elman\), LSTM and GRU cells; the RNN, LSTM and GRU nodes are "l0" \(RNN\)$/);
    const jordan = new GraphBuilder()
      .node('x', 'Input', { role: 'sequence', size: 2 })
      .node('y', 'Input', { role: 'sequence', size: 2 })
      .node('cell', 'Jordan', { hidden: 3, size: 2, feedback: 'logits' })
      .node('loss', 'MSE')
      .edge('x.out', 'cell.in')
      .edge('cell.o', 'loss.prediction')
      .edge('y.out', 'loss.target');
    expect(code(() => resolvePascanu(planOf(jordan), jordan.nodes, { nodes: ['cell'] }))).toMatch(/^pascanu-unsupported-node: node "cell" is a Jordan: Ω is available for RNN \(Elman\), LSTM and GRU cells; the graph has no RNN, LSTM or GRU node$/);
  });

  it('an RNN with a skip connection, an unknown node, a node named twice, a bad λ', () => {
    const skip = new GraphBuilder()
      .node('x', 'Input', { role: 'sequence', size: 2 })
      .node('y', 'Input', { role: 'sequence', size: 2 })
      .node('r', 'RNN', { hidden: 3, skip: { d: 2, mode: 'remove' } })
      .node('o', 'Linear', { units: 2 })
      .node('loss', 'MSE')
      .edge('x.out', 'r.in')
      .edge('r.h', 'o.in0')
      .edge('o.out', 'loss.prediction')
      .edge('y.out', 'loss.target');
    expect(code(() => resolvePascanu(planOf(skip), skip.nodes, { nodes: ['r'] }))).toMatch(/^pascanu-unsupported-node: RNN node "r" has a skip connection/);
    expect(code(() => resolvePascanu(plan, stack(layers).nodes, { nodes: ['l9'] }))).toMatch(/^pascanu-unknown-node: there is no node "l9" in the graph; the RNN, LSTM and GRU nodes are "l0" \(RNN\)$/);
    expect(code(() => resolvePascanu(plan, stack(layers).nodes, { nodes: ['l0', 'l0'] }))).toMatch(/^pascanu-bad-config: node "l0" is named twice/);
    expect(code(() => resolvePascanu(plan, stack(layers).nodes, { nodes: [] }))).toMatch(/^pascanu-bad-config/);
    expect(code(() => resolvePascanu(plan, stack(layers).nodes, { nodes: ['l0'], lambda: -1 }))).toMatch(/^pascanu-bad-config: λ must be a finite number ≥ 0/);
    expect(code(() => resolvePascanu(plan, stack(layers).nodes, { nodes: ['l0'], lambda: NaN }))).toMatch(/^pascanu-bad-config/);
  });
});
