import { dims2, expectShape, full, map, zeros, type Tensor } from '../engine/tensor';
import type { KernelContext, NodeKernel } from './kernel-types';

/** The tensor called `name`, or an error naming it and the node kind. */
export function need(tensors: Readonly<Record<string, Tensor>>, name: string, kind: string): Tensor {
  const t = tensors[name];
  if (t === undefined) throw new Error(`${kind}: missing tensor "${name}"`);
  return t;
}

/** ∂L/∂output `name`, or zeros of `shape` when the caller passed none. */
export function gradOf(gradOutputs: Readonly<Record<string, Tensor | undefined>>, name: string, shape: readonly number[], kind: string): Tensor {
  const g = gradOutputs[name];
  if (g === undefined) return zeros(shape);
  expectShape(g, shape, `${kind}: gradient of "${name}"`);
  return g;
}

/** mask: (N), all ones when the context has none. */
export function maskOf(ctx: KernelContext | undefined, n: number, kind: string): Tensor {
  if (ctx?.mask === undefined) return full([n], 1);
  expectShape(ctx.mask, [n], `${kind}: mask`);
  return ctx.mask;
}

/**
 * The kernel of a one-input element-wise function `y = f(x)` on `in` → `out`, with its derivative
 * written in terms of x and y (`y' = df(x, y)`). Keeps y for the backward pass.
 */
export function unaryKernel(kind: string, f: (x: number) => number, df: (x: number, y: number) => number): NodeKernel<unknown, Tensor> {
  return {
    forward(inputs) {
      const x = need(inputs, 'in', kind); // x: (N,D)
      dims2(x, `${kind} input "in"`);
      const y = map(x, f); // y: (N,D)
      return { outputs: { out: y }, saved: y };
    },
    backward(gradOutputs, y, inputs) {
      const x = need(inputs, 'in', kind);
      const dy = gradOf(gradOutputs, 'out', y.shape, kind);
      const dx = map(x, (xi, i) => dy.data[i] * df(xi, y.data[i]));
      return { inputs: { in: dx }, params: {} };
    },
  };
}
