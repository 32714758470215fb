import { Add } from './add';
import { ArgMax } from './arg-max';
import { Attention } from './attention';
import { BCE } from './bce';
import { Bidirectional } from './bidirectional';
import { Concat } from './concat';
import { CrossEntropy } from './cross-entropy';
import { Delay } from './delay';
import { Diag } from './diag';
import { Dot } from './dot';
import { Embedding } from './embedding';
import { GRU } from './gru';
import { Input } from './input';
import { Jordan } from './jordan';
import { KVMemory } from './kv-memory';
import { LastStep } from './last-step';
import { Leaky } from './leaky';
import { LeakyMix } from './leaky-mix';
import { Linear } from './linear';
import { LSTM } from './lstm';
import { MSE } from './mse';
import { Multiplicative } from './multiplicative';
import { Multiply } from './multiply';
import { OneHot } from './one-hot';
import { OneMinus } from './one-minus';
import { PositionalEncoding } from './positional-encoding';
import { ReLU } from './relu';
import { Reverse } from './reverse';
import { RNN } from './rnn';
import { Scale } from './scale';
import { SelfAttention } from './self-attention';
import { Sigmoid } from './sigmoid';
import { Softmax } from './softmax';
import { SoftmaxPool } from './softmax-pool';
import { SoftmaxPoolRead } from './softmax-pool-read';
import { SoftmaxPoolWeight } from './softmax-pool-weight';
import { Split } from './split';
import { Tanh } from './tanh';
import { TeacherForcing } from './teacher-forcing';
import type { NodeSpec } from './types';

/**
 * Every node kind Unroll knows, in palette order. Adding a node kind: write `src/nodes/<kind>.ts`
 * and list it here (see docs/adding-a-node.md).
 */
export const NODE_SPECS: readonly NodeSpec<any>[] = [
  Input,
  Embedding,
  OneHot,
  RNN,
  LSTM,
  GRU,
  Bidirectional,
  Leaky,
  Jordan,
  Linear,
  Multiplicative,
  Add,
  Multiply,
  Dot,
  OneMinus,
  Scale,
  Diag,
  LeakyMix,
  Concat,
  Split,
  Sigmoid,
  Tanh,
  ReLU,
  Delay,
  TeacherForcing,
  LastStep,
  Reverse,
  KVMemory,
  SoftmaxPool,
  SoftmaxPoolRead,
  SoftmaxPoolWeight,
  PositionalEncoding,
  SelfAttention,
  Attention,
  Softmax,
  ArgMax,
  CrossEntropy,
  MSE,
  BCE,
];

const byType = new Map<string, NodeSpec<any>>(NODE_SPECS.map((s) => [s.type, s]));

export function getNodeSpec(type: string): NodeSpec<any> | undefined {
  return byType.get(type);
}

export function nodeTypes(): readonly string[] {
  return NODE_SPECS.map((s) => s.type);
}
