import { describe, expect, it } from 'vitest';
import { Add } from '../../../src/nodes/add';
import { BCE } from '../../../src/nodes/bce';
import { Bidirectional } from '../../../src/nodes/bidirectional';
import { Concat } from '../../../src/nodes/concat';
import { CrossEntropy } from '../../../src/nodes/cross-entropy';
import { Delay } from '../../../src/nodes/delay';
import { Diag } from '../../../src/nodes/diag';
import { Embedding } from '../../../src/nodes/embedding';
import { GRU } from '../../../src/nodes/gru';
import { Input } from '../../../src/nodes/input';
import { LastStep } from '../../../src/nodes/last-step';
import { Linear } from '../../../src/nodes/linear';
import { LSTM } from '../../../src/nodes/lstm';
import { MSE } from '../../../src/nodes/mse';
import { Multiply } from '../../../src/nodes/multiply';
import { OneMinus } from '../../../src/nodes/one-minus';
import { ReLU } from '../../../src/nodes/relu';
import { Reverse } from '../../../src/nodes/reverse';
import { RNN } from '../../../src/nodes/rnn';
import { Scale } from '../../../src/nodes/scale';
import { Split } from '../../../src/nodes/split';
import { Sigmoid } from '../../../src/nodes/sigmoid';
import { Softmax } from '../../../src/nodes/softmax';
import { Tanh } from '../../../src/nodes/tanh';
import type { NodeSpec, PortShape } from '../../../src/nodes/types';

const seq = (dim: number): PortShape => ({ role: 'sequence', dim, dtype: 'real' });
const vec = (dim: number): PortShape => ({ role: 'vector', dim, dtype: 'real' });
const state = (dim: number): PortShape => ({ role: 'state', dim, dtype: 'real' });
const ids = (classes: number, role: 'sequence' | 'vector' = 'sequence'): PortShape => ({ role, dim: classes, dtype: 'index' });
const scalar: PortShape = { role: 'scalar', dim: 0, dtype: 'real' };

function shapeOf<P>(spec: NodeSpec<P>, raw: Record<string, unknown>, inputs: Record<string, PortShape | undefined>) {
  return spec.shape(spec.params.parse(raw), inputs);
}

describe('Input', () => {
  it('produces its declared role, size and dtype', () => {
    expect(shapeOf(Input, { role: 'vector', size: 7 }, {})).toEqual({ ok: true, outputs: { out: vec(7) } });
    expect(shapeOf(Input, { dtype: 'index', size: 50 }, {})).toEqual({ ok: true, outputs: { out: ids(50) } });
    expect(Input.ports(Input.params.parse({ role: 'vector' }))[0].roles).toEqual(['vector']);
  });
  it('refuses a size below 1', () => {
    expect(Input.params.safeParse({ size: 0 }).success).toBe(false);
  });
});

describe('Linear', () => {
  it('outputs `units` features in the widest input role', () => {
    expect(shapeOf(Linear, { inputs: 2, units: 5 }, { in0: seq(3), in1: state(5) })).toEqual({ ok: true, outputs: { out: seq(5) } });
    expect(shapeOf(Linear, { units: 4 }, { in0: vec(9) })).toEqual({ ok: true, outputs: { out: vec(4) } });
    expect(shapeOf(Linear, { inputs: 2, units: 4 }, { in0: vec(9), in1: state(4) })).toEqual({ ok: true, outputs: { out: state(4) } });
  });
  it('has one input port per summand', () => {
    const names = Linear.ports(Linear.params.parse({ inputs: 3 })).map((p) => p.name);
    expect(names).toEqual(['in0', 'in1', 'in2', 'out']);
  });
  it('waits for unknown inputs but still checks the known ones', () => {
    expect(shapeOf(Linear, { inputs: 2 }, { in0: seq(3) })).toEqual({ ok: true, outputs: {} });
    expect(shapeOf(Linear, { inputs: 2 }, { in1: ids(3) })).toMatchObject({ ok: false, code: 'incompatible-dtype', port: 'in1' });
  });
  it('refuses a scalar (e.g. a loss) as input, naming the port', () => {
    const r = shapeOf(Linear, { inputs: 2 }, { in0: seq(3), in1: scalar });
    expect(r).toMatchObject({ ok: false, code: 'incompatible-roles', port: 'in1' });
    if (!r.ok) expect(r.message).toContain('"in1"');
  });
  it('declares W_k [units, in_k] (recurrent square blocks orthogonal) and b [units]', () => {
    const p = Linear.params.parse({ inputs: 2, units: 5 });
    expect(Linear.paramTensors(p, { in0: seq(3), in1: state(5) })).toEqual([
      { name: 'W0', shape: [5, 3], trainable: true, init: 'glorot' },
      { name: 'W1', shape: [5, 5], trainable: true, init: 'orthogonal' },
      { name: 'b', shape: [5], trainable: true, init: 'zeros' },
    ]);
    expect(Linear.paramTensors(Linear.params.parse({ bias: false, units: 2 }), { in0: vec(3) }).map((t) => t.name)).toEqual(['W0']);
  });
});

describe('element-wise nodes (Add, Multiply)', () => {
  it('Add: same-size inputs, widest role', () => {
    expect(shapeOf(Add, { inputs: 3 }, { in0: vec(4), in1: state(4), in2: vec(4) })).toEqual({ ok: true, outputs: { out: state(4) } });
    expect(shapeOf(Add, {}, { in0: state(4), in1: seq(4) })).toEqual({ ok: true, outputs: { out: seq(4) } });
  });
  it('Add: a size mismatch names the port that differs', () => {
    const r = shapeOf(Add, { inputs: 3 }, { in0: seq(4), in1: seq(4), in2: seq(6) });
    expect(r).toMatchObject({ ok: false, code: 'dim-mismatch', port: 'in2' });
    if (!r.ok) expect(r.message).toMatch(/size 6.*"in0" has size 4/);
  });
  it('Multiply: a ⊙ b of one size', () => {
    expect(shapeOf(Multiply, {}, { in0: seq(2), in1: vec(2) })).toEqual({ ok: true, outputs: { out: seq(2) } });
    expect(shapeOf(Multiply, {}, { in0: seq(2), in1: seq(3) })).toMatchObject({ ok: false, code: 'dim-mismatch', port: 'in1' });
    expect(shapeOf(Multiply, {}, { in1: seq(3) })).toEqual({ ok: true, outputs: {} });
  });
});

describe('one-input nodes keep size and role', () => {
  for (const spec of [Sigmoid, Tanh, OneMinus, Softmax] as NodeSpec<any>[]) {
    it(spec.type, () => {
      for (const s of [seq(3), vec(2), state(8)]) expect(shapeOf(spec, {}, { in: s })).toEqual({ ok: true, outputs: { out: s } });
      expect(shapeOf(spec, {}, { in: scalar })).toMatchObject({ ok: false, code: 'incompatible-roles', port: 'in' });
      expect(shapeOf(spec, {}, { in: ids(4) })).toMatchObject({ ok: false, code: 'incompatible-dtype', port: 'in' });
    });
  }
});

describe('Delay', () => {
  it('outputs a state of its own size, known before its input', () => {
    expect(shapeOf(Delay, { size: 6 }, {})).toEqual({ ok: true, outputs: { out: state(6) } });
    expect(shapeOf(Delay, { size: 6 }, { in: seq(6) })).toEqual({ ok: true, outputs: { out: state(6) } });
    expect(shapeOf(Delay, { size: 6 }, { in: state(6) })).toEqual({ ok: true, outputs: { out: state(6) } });
  });
  it('refuses a vector (no time axis to shift), naming the port', () => {
    expect(shapeOf(Delay, { size: 6 }, { in: vec(6) })).toMatchObject({ ok: false, code: 'incompatible-roles', port: 'in' });
  });
  it('refuses an input whose size differs from `size`, saying what to set', () => {
    const r = shapeOf(Delay, { size: 6 }, { in: seq(4) });
    expect(r).toMatchObject({ ok: false, code: 'dim-mismatch', port: 'in' });
    if (!r.ok) expect(r.message).toContain('set its size to 4');
  });
  it('owns h0 [size] only when the initial value is learned', () => {
    expect(Delay.paramTensors(Delay.params.parse({ size: 3 }), {})).toEqual([]);
    expect(Delay.paramTensors(Delay.params.parse({ size: 3, init: 'learned' }), {})).toEqual([{ name: 'h0', shape: [3], trainable: true, init: 'zeros' }]);
  });
});

describe('losses', () => {
  const loss = { ok: true, outputs: { loss: scalar } };
  it('CrossEntropy: logits and class ids of one role and class count → scalar', () => {
    expect(shapeOf(CrossEntropy, {}, { logits: seq(10), target: ids(10) })).toEqual(loss);
    expect(shapeOf(CrossEntropy, {}, { logits: vec(10), target: ids(10, 'vector') })).toEqual(loss);
    expect(CrossEntropy.params.parse({}).reduction).toBe('sumTimeMeanBatch');
    expect(CrossEntropy.params.safeParse({ reduction: 'meanValidSteps' }).success).toBe(true);
  });
  it('CrossEntropy: class-count mismatch names the target port', () => {
    const r = shapeOf(CrossEntropy, {}, { logits: seq(10), target: ids(12) });
    expect(r).toMatchObject({ ok: false, code: 'dim-mismatch', port: 'target' });
    if (!r.ok) expect(r.message).toMatch(/12 classes.*"logits" has 10/);
  });
  it('CrossEntropy: role and dtype mismatches name the port', () => {
    expect(shapeOf(CrossEntropy, {}, { logits: seq(3), target: ids(3, 'vector') })).toMatchObject({ ok: false, code: 'incompatible-roles', port: 'target' });
    expect(shapeOf(CrossEntropy, {}, { logits: state(3), target: ids(3) })).toMatchObject({ ok: false, code: 'incompatible-roles', port: 'logits' });
    expect(shapeOf(CrossEntropy, {}, { logits: seq(3), target: seq(3) })).toMatchObject({ ok: false, code: 'incompatible-dtype', port: 'target' });
  });
  it('MSE: prediction and real target of one role and size → scalar', () => {
    expect(shapeOf(MSE, {}, { prediction: seq(1), target: seq(1) })).toEqual(loss);
    expect(shapeOf(MSE, {}, { prediction: seq(2), target: seq(1) })).toMatchObject({ ok: false, code: 'dim-mismatch', port: 'target' });
    expect(shapeOf(MSE, {}, { prediction: vec(1), target: seq(1) })).toMatchObject({ ok: false, code: 'incompatible-roles', port: 'target' });
    expect(shapeOf(MSE, {}, { prediction: seq(1), target: ids(1) })).toMatchObject({ ok: false, code: 'incompatible-dtype', port: 'target' });
    expect(shapeOf(MSE, {}, { prediction: seq(1) })).toEqual({ ok: true, outputs: {} });
  });
});

describe('ReLU, Scale and Diag keep size and role', () => {
  for (const spec of [ReLU, Scale, Diag] as NodeSpec<any>[]) {
    it(spec.type, () => {
      for (const s of [seq(3), vec(2), state(8)]) expect(shapeOf(spec, {}, { in: s })).toEqual({ ok: true, outputs: { out: s } });
      expect(shapeOf(spec, {}, { in: scalar })).toMatchObject({ ok: false, code: 'incompatible-roles', port: 'in' });
      expect(shapeOf(spec, {}, { in: ids(4) })).toMatchObject({ ok: false, code: 'incompatible-dtype', port: 'in' });
    });
  }
  it('Diag owns p [D], D the size of its input, initialised to ones (identity)', () => {
    expect(Diag.paramTensors({}, { in: seq(5) })).toEqual([{ name: 'p', shape: [5], trainable: true, init: 'ones' }]);
    expect(Diag.paramTensors({}, {})).toEqual([]);
  });
  it('Scale refuses a non-finite factor', () => {
    expect(Scale.params.safeParse({ factor: Infinity }).success).toBe(false);
    expect(Scale.params.parse({}).factor).toBe(1);
  });
});

describe('Concat and Split', () => {
  it('Concat: sizes add up, widest role', () => {
    expect(shapeOf(Concat, { inputs: 3 }, { in0: seq(2), in1: vec(3), in2: state(1) })).toEqual({ ok: true, outputs: { out: seq(6) } });
    expect(shapeOf(Concat, {}, { in0: vec(2), in1: vec(3) })).toEqual({ ok: true, outputs: { out: vec(5) } });
    expect(shapeOf(Concat, {}, { in0: vec(2) })).toEqual({ ok: true, outputs: {} });
  });
  it('Concat: a bad role or dtype names the port', () => {
    expect(shapeOf(Concat, {}, { in0: seq(2), in1: scalar })).toMatchObject({ ok: false, code: 'incompatible-roles', port: 'in1' });
    expect(shapeOf(Concat, {}, { in0: ids(2), in1: seq(2) })).toMatchObject({ ok: false, code: 'incompatible-dtype', port: 'in0' });
  });
  it('Split: one output per size, each in the input role', () => {
    expect(shapeOf(Split, { sizes: [2, 3, 1] }, { in: seq(6) })).toEqual({ ok: true, outputs: { out0: seq(2), out1: seq(3), out2: seq(1) } });
    expect(Split.ports(Split.params.parse({ sizes: [4, 4] })).map((p) => p.name)).toEqual(['in', 'out0', 'out1']);
  });
  it('Split: sizes that do not add up to the input name the input and the sum', () => {
    const r = shapeOf(Split, { sizes: [2, 3] }, { in: vec(6) });
    expect(r).toMatchObject({ ok: false, code: 'dim-mismatch', port: 'in' });
    if (!r.ok) expect(r.message).toMatch(/size 6.*add up to 5/);
    expect(Split.params.safeParse({ sizes: [3] }).success).toBe(false);
    expect(Split.params.safeParse({ sizes: [3, 0] }).success).toBe(false);
  });
});

describe('Embedding', () => {
  it('token ids of `vocab` classes → vectors of `size`, same role', () => {
    expect(shapeOf(Embedding, { vocab: 10, size: 4 }, { index: ids(10) })).toEqual({ ok: true, outputs: { out: seq(4) } });
    expect(shapeOf(Embedding, { vocab: 10, size: 4 }, { index: ids(10, 'vector') })).toEqual({ ok: true, outputs: { out: vec(4) } });
  });
  it('refuses real values and a class count other than vocab, naming the port', () => {
    expect(shapeOf(Embedding, { vocab: 10 }, { index: seq(10) })).toMatchObject({ ok: false, code: 'incompatible-dtype', port: 'index' });
    const r = shapeOf(Embedding, { vocab: 10 }, { index: ids(12) });
    expect(r).toMatchObject({ ok: false, code: 'dim-mismatch', port: 'index' });
    if (!r.ok) expect(r.message).toContain('set its vocab to 12');
  });
  it('owns E [size, vocab] (column k is token k)', () => {
    expect(Embedding.paramTensors(Embedding.params.parse({ vocab: 7, size: 3 }), {})).toEqual([{ name: 'E', shape: [3, 7], trainable: true, init: 'glorot' }]);
  });
});

describe('LastStep', () => {
  it('reads a sequence as a vector of the same size', () => {
    expect(shapeOf(LastStep, {}, { in: seq(5) })).toEqual({ ok: true, outputs: { out: vec(5) } });
    expect(shapeOf(LastStep, {}, {})).toEqual({ ok: true, outputs: {} });
  });
  it('refuses a vector or a state (no time axis to read), naming the port', () => {
    expect(shapeOf(LastStep, {}, { in: vec(5) })).toMatchObject({ ok: false, code: 'incompatible-roles', port: 'in' });
    expect(shapeOf(LastStep, {}, { in: state(5) })).toMatchObject({ ok: false, code: 'incompatible-roles', port: 'in' });
    expect(LastStep.kernel).toBeUndefined();
  });
});

describe('Reverse', () => {
  it('keeps a sequence a sequence of the same size, and has no kernel (the scheduler permutes)', () => {
    expect(shapeOf(Reverse, {}, { in: seq(4) })).toEqual({ ok: true, outputs: { out: seq(4) } });
    expect(shapeOf(Reverse, {}, {})).toEqual({ ok: true, outputs: {} });
    expect(shapeOf(Reverse, {}, { in: vec(4) })).toMatchObject({ ok: false, code: 'incompatible-roles', port: 'in' });
    expect(Reverse.kernel).toBeUndefined();
  });
});

describe('Bidirectional', () => {
  it('gives 2H per step and as final with concat, H with sum', () => {
    expect(shapeOf(Bidirectional, { hidden: 5 }, { in: seq(3) })).toEqual({ ok: true, outputs: { h: seq(10), final: vec(10), finalC: vec(10) } });
    expect(shapeOf(Bidirectional, { hidden: 5, merge: 'sum', cell: 'gru' }, { in: seq(3) })).toEqual({ ok: true, outputs: { h: seq(5), final: vec(5) } });
    expect(shapeOf(Bidirectional, {}, { in: vec(3) })).toMatchObject({ ok: false, code: 'incompatible-roles', port: 'in' });
  });
  it('owns each direction’s cell tensors as fwd.* and bwd.*, with the cell’s initialisers', () => {
    const t = Bidirectional.paramTensors(Bidirectional.params.parse({ cell: 'gru', hidden: 2, resetAfter: true }), { in: seq(3) });
    const names = t.map((d) => d.name);
    expect(names).toHaveLength(20);
    expect(names).toEqual(expect.arrayContaining(['fwd.U_z', 'fwd.W_h', 'fwd.b_hh', 'bwd.U_r', 'bwd.b_hh']));
    expect(t.find((d) => d.name === 'bwd.U_r')).toEqual({ name: 'bwd.U_r', shape: [2, 3], trainable: true, init: 'glorot' });
    const lstm = Bidirectional.paramTensors(Bidirectional.params.parse({ hidden: 2, forgetBias: 2 }), { in: seq(3) });
    expect(lstm.find((d) => d.name === 'bwd.b_f')?.init).toEqual({ constant: 2 });
  });
});

describe('BCE', () => {
  const loss = { ok: true, outputs: { loss: scalar } };
  it('logits and real targets of one role and size → scalar', () => {
    expect(shapeOf(BCE, {}, { logits: seq(1), target: seq(1) })).toEqual(loss);
    expect(shapeOf(BCE, { reduction: 'meanValidSteps' }, { logits: vec(3), target: vec(3) })).toEqual(loss);
  });
  it('mismatches name the target port', () => {
    expect(shapeOf(BCE, {}, { logits: seq(2), target: seq(1) })).toMatchObject({ ok: false, code: 'dim-mismatch', port: 'target' });
    expect(shapeOf(BCE, {}, { logits: seq(1), target: vec(1) })).toMatchObject({ ok: false, code: 'incompatible-roles', port: 'target' });
    expect(shapeOf(BCE, {}, { logits: seq(1), target: ids(1) })).toMatchObject({ ok: false, code: 'incompatible-dtype', port: 'target' });
  });
});

describe('recurrent cells (RNN, LSTM, GRU)', () => {
  it('a sequence of size I → sequences of `hidden` units (LSTM also c)', () => {
    expect(shapeOf(RNN, { hidden: 5 }, { in: seq(3) })).toEqual({ ok: true, outputs: { h: seq(5) } });
    expect(shapeOf(LSTM, { hidden: 4 }, { in: seq(3) })).toEqual({ ok: true, outputs: { h: seq(4), c: seq(4) } });
    expect(shapeOf(GRU, { hidden: 6 }, { in: seq(2) })).toEqual({ ok: true, outputs: { h: seq(6) } });
  });
  for (const spec of [RNN, LSTM, GRU] as NodeSpec<any>[]) {
    it(`${spec.type}: refuses a vector, a state and ids on "in"`, () => {
      expect(shapeOf(spec, {}, { in: vec(3) })).toMatchObject({ ok: false, code: 'incompatible-roles', port: 'in' });
      expect(shapeOf(spec, {}, { in: state(3) })).toMatchObject({ ok: false, code: 'incompatible-roles', port: 'in' });
      expect(shapeOf(spec, {}, { in: ids(3) })).toMatchObject({ ok: false, code: 'incompatible-dtype', port: 'in' });
      expect(spec.params.safeParse({ hidden: 0 }).success).toBe(false);
      expect(spec.params.safeParse({ init: 'given' }).success).toBe(false);
    });
  }
});
