import { describe, expect, it } from 'vitest';
import { referenceBackend } from '../../../kernels/reference';
import type { Plan } from '../../../src/compiler';
import { bpttGradients } from '../../../src/engine/bptt';
import { Executor } from '../../../src/engine/executor';
import type { BatchFeed } from '../../../src/engine/feeds';
import { PascanuError, pascanuTerm, resolvePascanu } from '../../../src/engine/pascanu';
import type { WeightStore } from '../../../src/engine/weights';
import { GraphBuilder } from '../compiler/graph-builder';
import { pascanuOf, pascanuSetup, type PascanuSetup, type Saved } from './pascanu-fixtures';
import { planOf, randomFeed, randomWeights, tokenSeq2seq } from './executor-fixtures';

/**
 * Ω for LSTM and GRU cells (models.md "Outputs and losses") against a computation written here: an
 * own forward of the whole graph per sample over its valid steps, the Jacobian `∂h_t/∂h_{t−1}` as an
 * explicit matrix (for an LSTM at fixed `c_{t−1}`; the formula itself checked by finite differences
 * of one step), and g = ∂L/∂h_t read once at the base weights and then held constant. Its gradient
 * is checked against central differences of that same function of θ.
 */

type Kind = 'RNN' | 'LSTM' | 'GRU';
interface Cell {
  readonly id: string;
  readonly type: Kind;
  readonly hidden: number;
  readonly params?: Readonly<Record<string, unknown>>;
}
type Upstream = 'linear' | 'embedding';

const X = 3; // real input size
const VOCAB = 5;
const D = 3; // size of the upstream layer's output
const CLASSES = 4;

/** x → upstream (Linear or Embedding, size D) → the cells in a stack → Linear (4 classes) → CrossEntropy. */
function graph(cells: readonly Cell[], upstream: Upstream): GraphBuilder {
  const g = new GraphBuilder().node('y', 'Input', { role: 'sequence', size: CLASSES, dtype: 'index' });
  if (upstream === 'linear') g.node('x', 'Input', { role: 'sequence', size: X }).node('up', 'Linear', { units: D }).edge('x.out', 'up.in0');
  else g.node('x', 'Input', { role: 'sequence', size: VOCAB, dtype: 'index' }).node('up', 'Embedding', { vocab: VOCAB, size: D }).edge('x.out', 'up.index');
  let prev = 'up.out';
  for (const c of cells) {
    g.node(c.id, c.type, { hidden: c.hidden, ...c.params }).edge(prev, `${c.id}.in`);
    prev = `${c.id}.h`;
  }
  return g.node('o', 'Linear', { units: CLASSES }).node('loss', 'CrossEntropy').edge(prev, 'o.in0').edge('o.out', 'loss.logits').edge('y.out', 'loss.target');
}

const sig = (a: number) => 1 / (1 + Math.exp(-a));
type Vec = number[];
type Mat = number[][];

/** `b + Σ W_k x_k` for a cell's gate, W `[H, in]`. */
function affine(w: (n: string) => Float64Array, gate: string, x: Vec, h: Vec | null): Vec {
  const [U, W, b] = [w(`U${gate}`), w(`W${gate}`), w(`b${gate}`)];
  return Array.from(b, (bi, i) => bi + x.reduce((s, xj, j) => s + U[i * x.length + j] * xj, 0) + (h === null ? 0 : h.reduce((s, hj, j) => s + W[i * h.length + j] * hj, 0)));
}

/**
 * One step of a cell: its new h (and c), and `J = ∂h_t/∂h_{t−1}` (c_{t−1} fixed) written out as a
 * matrix from the equations of models.md.
 */
function step(cell: Cell, w: (n: string) => Float64Array, x: Vec, hp: Vec, cp: Vec): { h: Vec; c: Vec; J: Mat } {
  const H = cell.hidden;
  const Wm = (n: string) => (i: number, j: number) => w(n)[i * H + j];
  const rows = (f: (i: number, j: number) => number): Mat => Array.from({ length: H }, (_, i) => Array.from({ length: H }, (_, j) => f(i, j)));
  if (cell.type === 'RNN') {
    const h = affine(w, '', x, hp).map(Math.tanh);
    return { h, c: [], J: rows((i, j) => (1 - h[i] ** 2) * Wm('W')(i, j)) };
  }
  if (cell.type === 'LSTM') {
    const [i, f, o] = ['_i', '_f', '_o'].map((k) => affine(w, k, x, hp).map(sig));
    const g = affine(w, '_g', x, hp).map(Math.tanh);
    const c = c0(H).map((_, u) => f[u] * cp[u] + i[u] * g[u]);
    const t = c.map(Math.tanh);
    const h = t.map((tu, u) => o[u] * tu);
    const [Wi, Wf, Wg, Wo] = ['W_i', 'W_f', 'W_g', 'W_o'].map(Wm);
    const J = rows((u, j) => o[u] * (1 - o[u]) * t[u] * Wo(u, j) + o[u] * (1 - t[u] ** 2) * (cp[u] * f[u] * (1 - f[u]) * Wf(u, j) + g[u] * i[u] * (1 - i[u]) * Wi(u, j) + i[u] * (1 - g[u] ** 2) * Wg(u, j)));
    return { h, c, J };
  }
  const after = cell.params?.resetAfter === true;
  const keepIsZ = cell.params?.updateConvention !== 'new';
  const [z, r] = ['_z', '_r'].map((k) => affine(w, k, x, hp).map(sig));
  const [Wz, Wr, Wh] = ['W_z', 'W_r', 'W_h'].map(Wm);
  const m = after ? affine((n) => (n === 'b_h' ? w('b_hh') : w(n.replace('U_h', 'W_h'))), '_h', hp, null) : []; // W_h h' + b_hh
  const rh = hp.map((v, u) => r[u] * v);
  const xh = affine(w, '_h', x, null);
  const a = after ? xh.map((v, u) => v + r[u] * m[u]) : xh.map((v, u) => v + rh.reduce((s, q, j) => s + Wh(u, j) * q, 0));
  const hc = a.map(Math.tanh);
  const kappa = z.map((zu) => (keepIsZ ? zu : 1 - zu));
  const sk = keepIsZ ? 1 : -1;
  const h = hp.map((v, u) => kappa[u] * v + (1 - kappa[u]) * hc[u]);
  const A = z.map((zu, u) => sk * (hp[u] - hc[u]) * zu * (1 - zu));
  const Dh = hc.map((v, u) => (1 - kappa[u]) * (1 - v * v));
  const J = rows((u, j) => {
    const cand = after
      ? r[u] * Wh(u, j) + m[u] * r[u] * (1 - r[u]) * Wr(u, j)
      : hp.reduce((s, _, k) => s + Wh(u, k) * ((k === j ? r[k] : 0) + hp[k] * r[k] * (1 - r[k]) * Wr(k, j)), 0);
    return (u === j ? kappa[u] : 0) + A[u] * Wz(u, j) + Dh[u] * cand;
  });
  return { h, c: [], J };
}

const c0 = (H: number): Vec => new Array<number>(H).fill(0);

/** g = ∂L/∂h per regularised cell, batch-major (B,T,H) copies. */

/**
 * Ω per regularised cell, computed directly: the graph's forward per sample over its valid steps,
 * term `(‖g_t J_t‖/‖g_t‖ − 1)²` where `g_t ≠ 0`, divided by B. Also checks each cell's h against the
 * executor's values when `exec` is given (the same forward).
 */
function directOmega(cells: readonly Cell[], upstream: Upstream, store: WeightStore, feed: BatchFeed, g: Saved, exec?: Executor, plan?: Plan): Map<string, number> {
  const B = feed.lengths.length;
  const T = feed.T;
  const out = new Map<string, number>([...g.keys()].map((id) => [id, 0]));
  for (let b = 0; b < B; b++) {
    let seq: Vec[] = [];
    for (let t = 0; t < feed.lengths[b]; t++) {
      if (upstream === 'linear') {
        const x = Array.from((feed.feeds.x as Float64Array).subarray((b * T + t) * X, (b * T + t + 1) * X));
        seq.push(affine((n) => store.get(n === 'U' ? 'up.W0' : 'up.b'), '', x, null));
      } else {
        const k = (feed.feeds.x as Int32Array)[b * T + t];
        const E = store.get('up.E');
        seq.push(Array.from({ length: D }, (_, i) => E[i * VOCAB + k]));
      }
    }
    for (const cell of cells) {
      const H = cell.hidden;
      const w = (n: string) => store.get(`${cell.id}.${n}`);
      const learned = cell.params?.init === 'learned';
      let hp = learned ? Array.from(w('h0')) : c0(H);
      let cp = learned && cell.type === 'LSTM' ? Array.from(w('c0')) : c0(H);
      const next: Vec[] = [];
      const gc = g.get(cell.id);
      const seen = exec?.value(plan!.recurrences.find((r) => r.node === cell.id && r.name === cell.id)!.source).data;
      for (let t = 0; t < seq.length; t++) {
        const s = step(cell, w, seq[t], hp, cp);
        if (seen !== undefined) s.h.forEach((v, u) => expect(Math.abs(v - seen[(b * T + t) * H + u])).toBeLessThan(1e-12));
        if (gc !== undefined) {
          const gt = Array.from(gc.subarray((b * T + t) * H, (b * T + t + 1) * H));
          const gn = Math.hypot(...gt);
          if (gn > 0) {
            const v = Array.from({ length: H }, (_, j) => gt.reduce((acc, gi, i) => acc + gi * s.J[i][j], 0));
            out.set(cell.id, out.get(cell.id)! + (Math.hypot(...v) / gn - 1) ** 2 / B);
          }
        }
        next.push(s.h);
        [hp, cp] = [s.h, s.c];
      }
      seq = next;
    }
  }
  return out;
}

const LENGTHS = [4, 2, 3];

function setup(cells: readonly Cell[], upstream: Upstream, regularised: readonly string[], fused: boolean, T = 5): PascanuSetup {
  return pascanuSetup(graph(cells, upstream), regularised, fused, LENGTHS, T);
}

function run(s: PascanuSetup, cells: readonly Cell[], upstream: Upstream, nodes: readonly string[]) {
  return pascanuOf(s, graph(cells, upstream), { nodes });
}

const CASES: readonly { name: string; cells: Cell[]; upstream: Upstream; nodes: string[] }[] = [
  { name: 'LSTM, learned h0 and c0', cells: [{ id: 'l0', type: 'LSTM', hidden: 3, params: { init: 'learned' } }], upstream: 'linear', nodes: ['l0'] },
  { name: 'GRU (default form)', cells: [{ id: 'l0', type: 'GRU', hidden: 3 }], upstream: 'linear', nodes: ['l0'] },
  { name: 'GRU resetAfter, learned h0', cells: [{ id: 'l0', type: 'GRU', hidden: 3, params: { resetAfter: true, init: 'learned' } }], upstream: 'embedding', nodes: ['l0'] },
  { name: 'GRU updateConvention new', cells: [{ id: 'l0', type: 'GRU', hidden: 4, params: { updateConvention: 'new' } }], upstream: 'linear', nodes: ['l0'] },
  { name: 'GRU resetAfter and new', cells: [{ id: 'l0', type: 'GRU', hidden: 2, params: { resetAfter: true, updateConvention: 'new' } }], upstream: 'linear', nodes: ['l0'] },
  {
    name: 'LSTM → GRU over an Embedding, both regularised',
    cells: [
      { id: 'l0', type: 'LSTM', hidden: 3 },
      { id: 'l1', type: 'GRU', hidden: 2, params: { init: 'learned' } },
    ],
    upstream: 'embedding',
    nodes: ['l0', 'l1'],
  },
  {
    name: 'Elman → LSTM, both regularised (their seeds meet on the Elman h)',
    cells: [
      { id: 'l0', type: 'RNN', hidden: 3 },
      { id: 'l1', type: 'LSTM', hidden: 2, params: { init: 'learned' } },
    ],
    upstream: 'linear',
    nodes: ['l0', 'l1'],
  },
  {
    name: 'GRU → LSTM, the upper one regularised',
    cells: [
      { id: 'l0', type: 'GRU', hidden: 2 },
      { id: 'l1', type: 'LSTM', hidden: 3 },
    ],
    upstream: 'linear',
    nodes: ['l1'],
  },
];

describe('Ω for LSTM and GRU cells', () => {
  it("the test's Jacobians equal central differences of one step (LSTM at fixed c_{t−1}, every GRU form)", () => {
    for (const { cells, upstream, nodes } of CASES) {
      const s = setup(cells, upstream, nodes, false);
      for (const cell of cells) {
        const H = cell.hidden;
        const w = (n: string) => s.store.get(`${cell.id}.${n}`);
        const pts = (k: number) => Array.from({ length: k }, (_, i) => Math.sin(1.7 * i + H + 0.3));
        const [x, hp, cp] = [pts(cell.id === 'l0' ? D : cells[0].hidden), pts(H).map((v) => 0.8 * v), pts(H).map((v) => -v)];
        const { J } = step(cell, w, x, hp, cp);
        const eps = 1e-6;
        for (let j = 0; j < H; j++) {
          const [up, down] = [eps, -eps].map((e) => step(cell, w, x, hp.map((v, k) => (k === j ? v + e : v)), cp).h);
          for (let i = 0; i < H; i++) expect(Math.abs((up[i] - down[i]) / (2 * eps) - J[i][j]), `${cell.id} J[${i}][${j}]`).toBeLessThan(1e-8);
        }
      }
    }
  });

  for (const { name, cells, upstream, nodes } of CASES) {
    for (const fused of [false, true]) {
      const plan = fused ? 'fused plan' : 'expanded plan';
      it(`${name}, ${plan}: Ω equals the direct Jacobian computation (ragged lengths, padded steps)`, () => {
        const s = setup(cells, upstream, nodes, fused);
        const r = run(s, cells, upstream, nodes);
        const direct = directOmega(cells, upstream, s.store, s.feed, s.g, s.exec, s.plan);
        let sum = 0;
        for (const id of nodes) {
          const want = direct.get(id)!;
          expect(r.perNode[id]).toBeGreaterThan(0);
          expect(Math.abs(r.perNode[id] - want), id).toBeLessThan(1e-12 * Math.max(1, want));
          sum += want;
        }
        expect(r.omega).toBeCloseTo(sum, 12);
      });

      it(`${name}, ${plan}: ∂Ω/∂θ matches central differences with g held constant (rel err < 1e-6)`, () => {
        const s = setup(cells, upstream, nodes, fused);
        const r = run(s, cells, upstream, nodes);
        const omegaAt = () => [...directOmega(cells, upstream, s.store, s.feed, s.g).values()].reduce((a, b) => a + b, 0);
        const eps = 1e-5;
        let worst = 0;
        let where = '';
        const moved = new Set<string>();
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
            const err = Math.abs(analytic[i] - numeric) / Math.max(Math.abs(analytic[i]), Math.abs(numeric), 1e-4); // below 1e-4: absolute error 1e-10
            if (Math.abs(numeric) > 1e-6) moved.add(p.name);
            if (err > worst) [worst, where] = [err, `${p.name}[${i}]: analytic ${analytic[i]}, numeric ${numeric}`];
          }
        }
        expect(worst, where).toBeLessThan(1e-6);
        // Ω reaches the upstream layer and every weight of each regularised cell and those below it
        const below = cells.slice(0, Math.max(...nodes.map((id) => cells.findIndex((c) => c.id === id))) + 1);
        for (const p of s.plan.params) {
          const inCell = below.some((c) => p.name.startsWith(`${c.id}.`));
          if (inCell || p.name.startsWith('up.')) expect(moved.has(p.name), p.name).toBe(true);
        }
        // the head does not enter Ω when g is held constant
        for (const head of ['o.W0', 'o.b']) expect(Array.from(r.grads.get(head)!).every((v) => v === 0)).toBe(true);
      });
    }
  }

  it('fused and expanded plans give the same Ω and gradients', () => {
    for (const { cells, upstream, nodes } of CASES) {
      const [a, b] = [false, true].map((fused) => run(setup(cells, upstream, nodes, fused), cells, upstream, nodes));
      expect(b.omega).toBeCloseTo(a.omega, 13);
      for (const [name, g] of a.gradsTotal) g.forEach((v, i) => expect(b.gradsTotal.get(name)![i]).toBeCloseTo(v, 11));
    }
  });

  it('sums the valid steps only: the same batch padded with steps past every length gives the same Ω and gradients', () => {
    const { cells, upstream, nodes } = CASES[5];
    const short = setup(cells, upstream, nodes, true, 4);
    const a = run(short, cells, upstream, nodes);
    // the same data in a batch of 7 steps: x and y copied, the rest padding
    const T2 = 7;
    const feeds = Object.fromEntries(
      Object.entries(short.feed.feeds).map(([name, from]) => {
        const w = from.length / (LENGTHS.length * 4);
        const to = from instanceof Int32Array ? new Int32Array(LENGTHS.length * T2 * w) : new Float64Array(LENGTHS.length * T2 * w);
        for (let b = 0; b < LENGTHS.length; b++) to.set(from.subarray(b * 4 * w, (b + 1) * 4 * w), b * T2 * w);
        return [name, to];
      }),
    );
    const exec = new Executor(short.plan, short.store, referenceBackend);
    const full = bpttGradients(exec, { ...short.feed, feeds, T: T2 });
    expect(full.loss.total).toBeCloseTo(short.loss, 13);
    const b = pascanuTerm(exec, resolvePascanu(short.plan, graph(cells, upstream).nodes, { nodes }), { total: full.loss.total, grads: full.grads });
    expect(b.omega).toBeCloseTo(a.omega, 13);
    for (const [name, g] of a.grads) g.forEach((v, i) => expect(b.grads.get(name)![i]).toBeCloseTo(v, 13));
  });
});

describe('Ω on the GRU encoder of an encoder–decoder with attention', () => {
  const sizes = { source: 4, decoderIds: 3, classes: 3, hidden: 3, attnSize: 3 };
  const enc: Cell = { id: 'enc', type: 'GRU', hidden: sizes.hidden };

  /** Ω of `enc` computed directly: its own forward over one-hot tokens, g held constant. */
  function encoderOmega(store: WeightStore, feed: BatchFeed, g: Float64Array): number {
    const [B, T, H] = [feed.lengths.length, feed.T, sizes.hidden];
    let omega = 0;
    for (let b = 0; b < B; b++) {
      let hp = c0(H);
      for (let t = 0; t < feed.lengths[b]; t++) {
        const x = Array.from({ length: sizes.source }, (_, k) => (k === (feed.feeds.x as Int32Array)[b * T + t] ? 1 : 0));
        const s = step(enc, (n) => store.get(`enc.${n}`), x, hp, []);
        const gt = Array.from(g.subarray((b * T + t) * H, (b * T + t + 1) * H));
        const gn = Math.hypot(...gt);
        if (gn > 0) omega += (Math.hypot(...Array.from({ length: H }, (_, j) => gt.reduce((a, gi, i) => a + gi * s.J[i][j], 0))) / gn - 1) ** 2 / B;
        hp = s.h;
      }
    }
    return omega;
  }

  for (const fused of [false, true]) {
    it(`${fused ? 'fused' : 'expanded'} plan: Ω and ∂Ω/∂θ match the direct computation; the decoder's weights get nothing`, () => {
      const doc = tokenSeq2seq(sizes);
      const plan = planOf(doc, { fused });
      const store = randomWeights(plan, 9);
      const feed = randomFeed(plan, [4, 2, 3], 4, 13, { lengths: [3, 2, 3], T: 3 });
      const exec = new Executor(plan, store, referenceBackend);
      const full = bpttGradients(exec, feed);
      const g = exec.gradient(plan.recurrences.find((r) => r.node === 'enc' && r.name === 'enc')!.source).data;
      const r = pascanuTerm(exec, resolvePascanu(plan, doc.nodes, { nodes: ['enc'] }), { total: full.loss.total, grads: full.grads });
      expect(r.omega).toBeGreaterThan(0);
      expect(Math.abs(r.omega - encoderOmega(store, feed, g))).toBeLessThan(1e-12);
      const eps = 1e-5;
      for (const p of plan.params) {
        const w = store.get(p.name);
        const analytic = r.grads.get(p.name)!;
        for (let i = 0; i < w.length; i++) {
          const keep = w[i];
          w[i] = keep + eps;
          const plus = encoderOmega(store, feed, g);
          w[i] = keep - eps;
          const minus = encoderOmega(store, feed, g);
          w[i] = keep;
          const numeric = (plus - minus) / (2 * eps);
          expect(Math.abs(analytic[i] - numeric) / Math.max(Math.abs(analytic[i]), Math.abs(numeric), 1e-4), `${p.name}[${i}]`).toBeLessThan(1e-6);
          if (!p.name.startsWith('enc.')) expect(analytic[i], p.name).toBe(0);
        }
      }
      expect(Math.hypot(...r.grads.get('enc.W_r')!)).toBeGreaterThan(0);
    });
  }
});

describe('resolvePascanu on LSTM and GRU nodes', () => {
  const code = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      if (e instanceof PascanuError) return `${e.code}: ${e.message}`;
      throw e;
    }
    return 'no error';
  };

  it('takes LSTM and GRU nodes on both plans; lists them by kind', () => {
    const cells: Cell[] = [
      { id: 'a', type: 'LSTM', hidden: 2 },
      { id: 'b', type: 'GRU', hidden: 2 },
    ];
    for (const fused of [false, true]) {
      const setup = resolvePascanu(planOf(graph(cells, 'linear'), { fused }), graph(cells, 'linear').nodes, { nodes: ['b', 'a'] });
      expect(setup.cells.map((c) => [c.node, c.kind])).toEqual([
        ['b', 'GRU'],
        ['a', 'LSTM'],
      ]);
    }
    expect(code(() => resolvePascanu(planOf(graph(cells, 'linear')), graph(cells, 'linear').nodes, { nodes: ['o'] }))).toMatch(/node "o" is a Linear: Ω is available for RNN \(Elman\), LSTM and GRU cells; the RNN, LSTM and GRU nodes are "a" \(LSTM\), "b" \(GRU\)$/);
  });

  it('refuses an LSTM with peepholes and a bidirectional layer, naming the node', () => {
    const peep: Cell[] = [{ id: 'p', type: 'LSTM', hidden: 2, params: { peepholes: true } }];
    for (const fused of [false, true]) {
      expect(code(() => resolvePascanu(planOf(graph(peep, 'linear'), { fused }), graph(peep, 'linear').nodes, { nodes: ['p'] }))).toMatch(/^pascanu-unsupported-node: LSTM node "p" has peepholes: .*turn peepholes off or leave the node out/);
    }
    const bi = new GraphBuilder()
      .node('x', 'Input', { role: 'sequence', size: 2 })
      .node('y', 'Input', { role: 'sequence', size: 2 })
      .node('bi', 'Bidirectional', { cell: 'lstm', hidden: 2, merge: 'sum' })
      .node('o', 'Linear', { units: 2 })
      .node('loss', 'MSE')
      .edge('x.out', 'bi.in')
      .edge('bi.h', 'o.in0')
      .edge('o.out', 'loss.prediction')
      .edge('y.out', 'loss.target');
    expect(code(() => resolvePascanu(planOf(bi), bi.nodes, { nodes: ['bi'] }))).toMatch(/^pascanu-unsupported-node: Bidirectional node "bi" runs its cell in both directions: Ω is available for forward RNN \(Elman\), LSTM and GRU cells only; the graph has no RNN, LSTM or GRU node$/);
  });
});
