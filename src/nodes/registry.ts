import { Add } from './add';
import { CrossEntropy } from './cross-entropy';
import { Delay } from './delay';
import { Input } from './input';
import { Linear } from './linear';
import { MSE } from './mse';
import { Multiply } from './multiply';
import { OneMinus } from './one-minus';
import { Sigmoid } from './sigmoid';
import { Softmax } from './softmax';
import { Tanh } from './tanh';
import type { NodeSpec } from './types';

/**
 * Every node kind Unroll knows, in palette order. Adding a node kind: write `src/nodes/<kind>.ts`
 * and list it here (see docs/adding-a-node.md).
 */
export const NODE_SPECS: readonly NodeSpec<any>[] = [Input, Linear, Add, Multiply, OneMinus, Sigmoid, Tanh, Delay, Softmax, CrossEntropy, MSE];

const byType = new Map<string, NodeSpec<any>>(NODE_SPECS.map((s) => [s.type, s]));

export function getNodeSpec(type: string): NodeSpec<any> | undefined {
  return byType.get(type);
}

export function nodeTypes(): readonly string[] {
  return NODE_SPECS.map((s) => s.type);
}
