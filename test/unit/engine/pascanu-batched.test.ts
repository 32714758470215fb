import { describe, expect, it } from 'vitest';
import { referenceBackend } from '../../../kernels/reference';
import { bpttGradients } from '../../../src/engine/bptt';
import { Executor } from '../../../src/engine/executor';
import { resolvePascanu } from '../../../src/engine/pascanu';
import { cellTerm } from '../../../src/engine/pascanu-cells';
import { ROW_CHUNK } from '../../../src/engine/pascanu-gated';
import { GraphBuilder } from '../compiler/graph-builder';
import { planOf, randomFeed, randomWeights } from './executor-fixtures';
import { perSampleTerm } from './pascanu-per-sample';

/**
 * The batched Pascanu rules (chunks of (t, b) rows, matrix products) against the per-sample
 * reference (`pascanu-per-sample.ts`): Ω, every direct weight gradient and every seed agree to
 * 1e-12 (relative to max(1, |value|)). Sizes are chosen off the 4×4 blocks of the products, and
 * one batch has more rows than a chunk.
 */

interface Cell {
  readonly id: string;
  readonly type: 'RNN' | 'LSTM' | 'GRU';
  readonly hidden: number;
  readonly params?: Readonly<Record<string, unknown>>;
}

const IN = 7;
const CLASSES = 3;

/** x (IN) → the cells in a stack → Linear → CrossEntropy at every step. */
function graph(cells: readonly Cell[]): GraphBuilder {
  const g = new GraphBuilder().node('x', 'Input', { role: 'sequence', size: IN }).node('y', 'Input', { role: 'sequence', size: CLASSES, dtype: 'index' });
  let prev = 'x.out';
  for (const c of cells) {
    g.node(c.id, c.type, { hidden: c.hidden, ...c.params }).edge(prev, `${c.id}.in`);
    prev = `${c.id}.h`;
  }
  return g.node('o', 'Linear', { units: CLASSES }).node('loss', 'CrossEntropy').edge(prev, 'o.in0').edge('o.out', 'loss.logits').edge('y.out', 'loss.target');
}

const RAGGED = [7, 3, 5, 1, 6];
/** 64 samples of up to 9 steps: more valid rows than one chunk. */
const MANY = Array.from({ length: 64 }, (_, b) => 3 + ((b * 5) % 7));

const CASES: readonly { name: string; cells: Cell[]; lengths: readonly number[]; T: number }[] = [
  { name: 'LSTM H=9, learned h0 and c0', cells: [{ id: 'c', type: 'LSTM', hidden: 9, params: { init: 'learned' } }], lengths: RAGGED, T: 7 },
  { name: 'GRU H=6 (default form)', cells: [{ id: 'c', type: 'GRU', hidden: 6 }], lengths: RAGGED, T: 7 },
  { name: 'GRU H=5 resetAfter, learned h0', cells: [{ id: 'c', type: 'GRU', hidden: 5, params: { resetAfter: true, init: 'learned' } }], lengths: RAGGED, T: 7 },
  { name: 'GRU H=7 updateConvention new', cells: [{ id: 'c', type: 'GRU', hidden: 7, params: { updateConvention: 'new' } }], lengths: RAGGED, T: 7 },
  { name: 'GRU H=4 resetAfter and new', cells: [{ id: 'c', type: 'GRU', hidden: 4, params: { resetAfter: true, updateConvention: 'new' } }], lengths: RAGGED, T: 7 },
  { name: 'RNN tanh H=10', cells: [{ id: 'c', type: 'RNN', hidden: 10 }], lengths: RAGGED, T: 7 },
  { name: 'RNN relu H=6', cells: [{ id: 'c', type: 'RNN', hidden: 6, params: { activation: 'relu' } }], lengths: RAGGED, T: 7 },
  { name: 'LSTM H=5 over more rows than a chunk', cells: [{ id: 'c', type: 'LSTM', hidden: 5 }], lengths: MANY, T: 9 },
  { name: 'GRU H=6 resetAfter over more rows than a chunk', cells: [{ id: 'c', type: 'GRU', hidden: 6, params: { resetAfter: true } }], lengths: MANY, T: 9 },
  {
    name: 'RNN → LSTM → GRU, all regularised',
    cells: [
      { id: 'a', type: 'RNN', hidden: 6 },
      { id: 'b', type: 'LSTM', hidden: 5 },
      { id: 'c', type: 'GRU', hidden: 3 },
    ],
    lengths: RAGGED,
    T: 7,
  },
];

function expectClose(got: Float64Array | undefined, want: Float64Array, what: string): void {
  expect(got, what).toBeDefined();
  expect(got!.length, what).toBe(want.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got![i] - want[i]) / Math.max(1, Math.abs(want[i]));
    if (!(err <= worst)) [worst, at] = [err, i];
  }
  expect(worst, `${what}[${at}]`).toBeLessThan(1e-12);
}

describe('batched Pascanu rules', () => {
  it('the many-row case really spans several chunks', () => {
    expect(MANY.reduce((a, b) => a + b, 0)).toBeGreaterThan(ROW_CHUNK);
  });

  for (const { name, cells, lengths, T } of CASES) {
    for (const fused of [false, true]) {
      it(`${name}, ${fused ? 'fused' : 'expanded'} plan: Ω, direct gradients and seeds equal the per-sample rule`, () => {
        const g = graph(cells);
        const plan = planOf(g, { fused });
        const exec = new Executor(plan, randomWeights(plan, 13), referenceBackend);
        bpttGradients(exec, randomFeed(plan, lengths, T, 17));
        const setup = resolvePascanu(plan, g.nodes, { nodes: cells.map((c) => c.id) });
        for (const cell of setup.cells) {
          const got = cellTerm(exec, cell);
          const want = perSampleTerm(exec, cell);
          expect(want.omega, cell.node).toBeGreaterThan(0);
          expect(Math.abs(got.omega - want.omega), `${cell.node} Ω`).toBeLessThan(1e-12 * Math.max(1, want.omega));
          expect([...got.direct.keys()].sort(), cell.node).toEqual([...want.direct.keys()].sort());
          expect([...got.seeds.keys()].sort(), cell.node).toEqual([...want.seeds.keys()].sort());
          for (const [k, w] of want.direct) expectClose(got.direct.get(k), w, `${cell.node} ∂Ω/∂${k}`);
          for (const [k, w] of want.seeds) expectClose(got.seeds.get(k), w, `${cell.node} seed on ${k}`);
        }
      });
    }
  }
});
