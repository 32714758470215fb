import { describe, expect, it } from 'vitest';
import { fromValues, type Tensor } from '../../../src/engine/tensor';
import { GRU } from '../../../src/nodes/gru';
import { LSTM } from '../../../src/nodes/lstm';
import { RNN } from '../../../src/nodes/rnn';
import type { NodeSpec, PortShape } from '../../../src/nodes/types';

const seq = (dim: number): PortShape => ({ role: 'sequence', dim, dtype: 'real' });

function tensors<P>(spec: NodeSpec<P>, raw: Record<string, unknown>, inputSize = 3) {
  return spec.paramTensors(spec.params.parse(raw), { in: seq(inputSize) });
}
const names = <P>(spec: NodeSpec<P>, raw: Record<string, unknown>) => tensors(spec, raw).map((t) => t.name).sort();

describe('cell param names and layouts follow models.md and the reference cases', () => {
  it('RNN: U [H,I], W [H,H], b [H]; learned init adds h0 [H]', () => {
    expect(tensors(RNN, { hidden: 5 }, 3).map((t) => [t.name, t.shape])).toEqual([
      ['U', [5, 3]],
      ['W', [5, 5]],
      ['b', [5]],
    ]);
    expect(names(RNN, { activation: 'relu', init: 'learned' })).toEqual(['U', 'W', 'b', 'h0'].sort());
  });
  it('LSTM: one tensor per gate; peepholes p_i p_f p_o; learned init h0, c0', () => {
    const gates = ['i', 'f', 'g', 'o'].flatMap((g) => [`U_${g}`, `W_${g}`, `b_${g}`]);
    expect(names(LSTM, {})).toEqual([...gates].sort());
    expect(names(LSTM, { peepholes: true, init: 'learned' })).toEqual([...gates, 'p_i', 'p_f', 'p_o', 'h0', 'c0'].sort());
    const shapes = Object.fromEntries(tensors(LSTM, { hidden: 6, peepholes: true }, 3).map((t) => [t.name, t.shape]));
    expect(shapes).toMatchObject({ U_f: [6, 3], W_f: [6, 6], b_f: [6], p_o: [6] });
  });
  it('GRU: z, r, h gates; resetAfter adds b_hh; learned init h0', () => {
    const gates = ['z', 'r', 'h'].flatMap((g) => [`U_${g}`, `W_${g}`, `b_${g}`]);
    expect(names(GRU, {})).toEqual([...gates].sort());
    expect(names(GRU, { resetAfter: true, updateConvention: 'new', init: 'learned' })).toEqual([...gates, 'b_hh', 'h0'].sort());
  });
  it('leaves out the input weights U while the input size is unknown', () => {
    expect(LSTM.paramTensors(LSTM.params.parse({}), {}).some((t) => t.name.startsWith('U'))).toBe(false);
  });
});

describe('cell initialisation (models.md "Initialisation")', () => {
  it('orthogonal per recurrent gate block, Glorot per input gate block, zero biases, b_f = forgetBias', () => {
    for (const [spec, raw] of [
      [RNN, {}],
      [LSTM, { forgetBias: 2.5, peepholes: true }],
      [GRU, { resetAfter: true }],
    ] as [NodeSpec<any>, Record<string, unknown>][]) {
      for (const t of tensors(spec, raw)) {
        const want = t.name.startsWith('W') ? 'orthogonal' : t.name.startsWith('U') ? 'glorot' : t.name === 'b_f' ? { constant: 2.5 } : 'zeros';
        expect(t.init, `${spec.type}.${t.name}`).toEqual(want);
        expect(t.trainable).toBe(true);
      }
    }
    expect(LSTM.params.parse({}).forgetBias).toBe(1);
    expect(tensors(LSTM, {}).find((t) => t.name === 'b_f')?.init).toEqual({ constant: 1 });
    expect(tensors(LSTM, { forgetBias: 0 }).find((t) => t.name === 'b_f')?.init).toBe('zeros');
  });
});

/** One step of a cell with H = I = 1 and N = 1, with the given scalar params. */
function step1<P>(spec: NodeSpec<P>, raw: Record<string, unknown>, x: number, prev: Record<string, number>, params: Record<string, number>) {
  const attrs = spec.params.parse({ hidden: 1, ...raw });
  const one = (v: number) => fromValues([1, 1], [v]);
  const inputs: Record<string, Tensor> = { in: one(x) };
  for (const [k, v] of Object.entries(prev)) inputs[k] = one(v);
  const ps: Record<string, Tensor> = {};
  for (const t of spec.paramTensors(attrs, { in: seq(1) })) ps[t.name] = fromValues(t.shape, [params[t.name] ?? 0]);
  const { outputs } = spec.fused!.step.forward(inputs, ps, attrs);
  return Object.fromEntries(Object.entries(outputs).map(([k, t]) => [k, t.data[0]]));
}

const sig = (v: number) => 1 / (1 + Math.exp(-v));

describe('fused steps compute the equations of models.md (scalar cells, by hand)', () => {
  it('RNN: h = tanh(b + W h_{t−1} + U x), relu variant', () => {
    const p = { U: 0.5, W: -2, b: 0.1 };
    expect(step1(RNN, {}, 2, { h_prev: 0.3 }, p).h).toBeCloseTo(Math.tanh(0.1 - 0.6 + 1), 14);
    expect(step1(RNN, { activation: 'relu' }, 2, { h_prev: 0.3 }, p).h).toBeCloseTo(0.5, 14);
    expect(step1(RNN, { activation: 'relu' }, 2, { h_prev: 1 }, p).h).toBe(0);
  });

  it('LSTM: c = f c_{t−1} + i g, h = o tanh(c); peepholes on c_{t−1} (f, i) and c_t (o)', () => {
    const p = { U_i: 0.1, W_i: 0.2, b_i: 0.3, U_f: -0.4, W_f: 0.5, b_f: 1, U_g: 0.7, W_g: -0.8, b_g: 0.9, U_o: 1.1, W_o: 1.2, b_o: -1.3, p_i: 0.6, p_f: -0.7, p_o: 0.8 };
    const [x, h, c] = [0.9, -0.5, 0.4];
    for (const peep of [false, true]) {
      const k = peep ? 1 : 0;
      const f = sig(p.U_f * x + p.W_f * h + p.b_f + k * p.p_f * c);
      const i = sig(p.U_i * x + p.W_i * h + p.b_i + k * p.p_i * c);
      const g = Math.tanh(p.U_g * x + p.W_g * h + p.b_g);
      const ct = f * c + i * g;
      const o = sig(p.U_o * x + p.W_o * h + p.b_o + k * p.p_o * ct);
      const out = step1(LSTM, { peepholes: peep }, x, { h_prev: h, c_prev: c }, p);
      expect(out.c).toBeCloseTo(ct, 14);
      expect(out.h).toBeCloseTo(o * Math.tanh(ct), 14);
    }
  });

  it('GRU: default, resetAfter, and the new update convention', () => {
    const p = { U_z: 0.3, W_z: -0.6, b_z: 0.2, U_r: 0.9, W_r: 0.4, b_r: -0.1, U_h: -0.7, W_h: 1.5, b_h: 0.05, b_hh: 0.35 };
    const [x, h] = [0.8, 0.6];
    const z = sig(p.U_z * x + p.W_z * h + p.b_z);
    const r = sig(p.U_r * x + p.W_r * h + p.b_r);
    const hcDefault = Math.tanh(p.U_h * x + p.W_h * (r * h) + p.b_h);
    const hcAfter = Math.tanh(p.U_h * x + p.b_h + r * (p.W_h * h + p.b_hh));
    expect(step1(GRU, {}, x, { h_prev: h }, p).h).toBeCloseTo(z * h + (1 - z) * hcDefault, 14);
    expect(step1(GRU, { resetAfter: true }, x, { h_prev: h }, p).h).toBeCloseTo(z * h + (1 - z) * hcAfter, 14);
    expect(step1(GRU, { updateConvention: 'new' }, x, { h_prev: h }, p).h).toBeCloseTo((1 - z) * h + z * hcDefault, 14);
  });
});

describe('fused states and probes', () => {
  it('declare the previous-state inputs and the learned initial values', () => {
    expect(LSTM.fused!.states(LSTM.params.parse({ init: 'learned' }))).toEqual([
      { output: 'h', previous: 'h_prev', init: 'h0' },
      { output: 'c', previous: 'c_prev', init: 'c0' },
    ]);
    expect(GRU.fused!.states(GRU.params.parse({}))).toEqual([{ output: 'h', previous: 'h_prev' }]);
    expect(RNN.fused!.states(RNN.params.parse({ init: 'learned' }))).toEqual([{ output: 'h', previous: 'h_prev', init: 'h0' }]);
  });
  it('name the gate activations the reference cases record (LSTM f, i, o; GRU z, r)', () => {
    expect(Object.keys(LSTM.decompose!(LSTM.params.parse({})).probes ?? {})).toEqual(expect.arrayContaining(['f', 'i', 'o']));
    expect(Object.keys(GRU.decompose!(GRU.params.parse({})).probes ?? {}).sort()).toEqual(['r', 'z']);
  });
  it('a step refuses a previous state of the wrong size, naming it', () => {
    const attrs = GRU.params.parse({ hidden: 2 });
    const inputs = { in: fromValues([1, 1], [0]), h_prev: fromValues([1, 3], [0, 0, 0]) };
    expect(() => GRU.fused!.step.forward(inputs, {}, attrs)).toThrow(/"h_prev" has size 3, expected 2/);
  });
});
