import { dims2, expectShape, type Tensor } from '../../src/engine/tensor';
import type { NodeKernel } from '../../src/nodes/kernel-types';
import type { AddParams } from '../../src/nodes/add';
import type { F32Ops } from './ops';
import { gradF32 } from './pack';
import type { ElementwiseOp } from './sources';

/** The element-wise node kinds in float32: Sigmoid, Tanh, ReLU, OneMinus, Multiply, Add. */

function input(inputs: Readonly<Record<string, Tensor>>, name: string, kind: string): Tensor {
  const t = inputs[name];
  if (t === undefined) throw new Error(`${kind}: missing tensor "${name}"`);
  dims2(t, `${kind} input "${name}"`);
  return t;
}

const out = (shape: readonly number[], data: Float32Array): Tensor => ({ shape: [...shape], data: Float64Array.from(data) });

interface UnarySaved {
  readonly shape: readonly number[];
  readonly keep: Float32Array; // y (Sigmoid, Tanh) or x (ReLU): (N,D)
}

/** `y = f(x)`; backward `dx = back(kept, dy)`, or `−dy` for OneMinus. */
function unary(ops: F32Ops, kind: string, f: ElementwiseOp, back: ElementwiseOp | 'negate', keepInput: boolean): NodeKernel<unknown, UnarySaved> {
  return {
    forward(inputs) {
      const x = input(inputs, 'in', kind); // x: (N,D)
      const xf = Float32Array.from(x.data);
      const y = ops.map(f, xf);
      return { outputs: { out: out(x.shape, y) }, saved: { shape: x.shape, keep: keepInput ? xf : y } };
    },
    backward(gradOutputs, saved) {
      const dy = gradF32(gradOutputs, 'out', saved.keep.length, kind);
      const dx = back === 'negate' ? ops.map('negate', dy) : ops.map(back, saved.keep, dy);
      return { inputs: { in: out(saved.shape, dx) }, params: {} };
    },
  };
}

function multiply(ops: F32Ops): NodeKernel<unknown, { a: Float32Array; b: Float32Array; shape: readonly number[] }> {
  return {
    forward(inputs) {
      const a = input(inputs, 'in0', 'Multiply'); // a: (N,D)
      const b = input(inputs, 'in1', 'Multiply'); // b: (N,D)
      expectShape(b, a.shape, 'Multiply input "in1"');
      const af = Float32Array.from(a.data);
      const bf = Float32Array.from(b.data);
      return { outputs: { out: out(a.shape, ops.map('multiply', af, bf)) }, saved: { a: af, b: bf, shape: a.shape } };
    },
    backward(gradOutputs, s) {
      const dy = gradF32(gradOutputs, 'out', s.a.length, 'Multiply');
      return { inputs: { in0: out(s.shape, ops.map('multiply', s.b, dy)), in1: out(s.shape, ops.map('multiply', s.a, dy)) }, params: {} };
    },
  };
}

function add(ops: F32Ops): NodeKernel<AddParams, readonly number[]> {
  return {
    forward(inputs, _params, p) {
      const x0 = input(inputs, 'in0', 'Add'); // x_k: (N,D)
      let sum: Float32Array = Float32Array.from(x0.data);
      for (let k = 1; k < p.inputs; k++) {
        const x = input(inputs, `in${k}`, 'Add');
        expectShape(x, x0.shape, `Add input "in${k}"`);
        sum = ops.map('add', sum, Float32Array.from(x.data));
      }
      return { outputs: { out: out(x0.shape, sum) }, saved: x0.shape };
    },
    backward(gradOutputs, shape, _inputs, _params, p) {
      const n = shape.reduce((a, b) => a * b, 1);
      const dy = gradF32(gradOutputs, 'out', n, 'Add');
      const gi: Record<string, Tensor> = {};
      for (let k = 0; k < p.inputs; k++) gi[`in${k}`] = out(shape, dy);
      return { inputs: gi, params: {} };
    },
  };
}

export function elementwiseKernels(ops: F32Ops): Record<string, NodeKernel<any, any>> {
  return {
    Sigmoid: unary(ops, 'Sigmoid', 'sigmoid', 'sigmoidBack', false),
    Tanh: unary(ops, 'Tanh', 'tanh', 'tanhBack', false),
    ReLU: unary(ops, 'ReLU', 'relu', 'reluBack', true),
    OneMinus: unary(ops, 'OneMinus', 'oneMinus', 'negate', false),
    Multiply: multiply(ops),
    Add: add(ops),
  };
}
