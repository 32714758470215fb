import { z } from 'zod';
import { checkDeclared, ok, outputPort, shapeError, UNKNOWN } from './common';
import type { Decomposition, InnerPort } from './kernel-types';
import type { ParamTensorDecl, PortDecl, PortShape, ShapeResult } from './types';

/**
 * What the fused recurrent cells (RNN, LSTM, GRU) share: their common params, ports, shape rule,
 * parameter declarations per gate, and a small builder for their decompositions.
 */

/** Number of hidden units H. */
export const Hidden = z.number().int().min(1).max(4096).default(16);

/**
 * The initial state: zeros, or learned vectors (`h0`, and `c0` for an LSTM) broadcast over the batch.
 * A connected initial-state input (`h0`, `c0`) overrides it for its state.
 */
export const InitMode = z.enum(['zeros', 'learned']).default('zeros');

/** An optional initial-state input of a cell: a vector of H units per sample that feeds the state's Delay `init`. */
export type InitPort = 'h0' | 'c0';

/** The initial-state inputs' descriptions. */
export const INIT_PORTS: Readonly<Record<InitPort, string>> = {
  h0: 'the initial hidden state h_0 per sample (size H), e.g. an encoder’s final state; replaces zeros or the learned h0',
  c0: 'the initial cell state c_0 per sample (size H), e.g. an LSTM encoder’s final c; replaces zeros or the learned c0',
};

/**
 * Ports of a cell: a sequence `in` of size I, the optional initial-state vectors `inits` (`h0`,
 * `c0`: see `INIT_PORTS`), and one sequence per state output (size H).
 */
export function cellPorts(outputs: readonly { name: string; description: string }[], inits: readonly InitPort[] = []): PortDecl[] {
  return [
    { name: 'in', direction: 'in', roles: ['sequence'], dtype: 'real', description: 'the input sequence x_1 … x_T, of size I' },
    ...inits.map((name): PortDecl => ({ name, direction: 'in', roles: ['vector'], dtype: 'real', optional: true, description: INIT_PORTS[name] })),
    ...outputs.map((o) => outputPort(o.name, ['sequence'], o.description)),
  ];
}

/**
 * A cell's shape rule: a real sequence in, every output a sequence of `hidden` units; an initial-state
 * input (`h0`, `c0`) must have `hidden` units.
 */
export function cellShape(ports: readonly PortDecl[], hidden: number, inputs: Readonly<Record<string, PortShape | undefined>>): ShapeResult {
  const bad = checkDeclared(ports, inputs);
  if (bad) return bad;
  for (const p of ports) {
    const s = p.direction === 'in' && p.name in INIT_PORTS ? inputs[p.name] : undefined;
    if (s !== undefined && s.dim !== hidden) {
      return shapeError('dim-mismatch', p.name, `input "${p.name}" has size ${s.dim}, but this cell has ${hidden} hidden units; feed an initial state of size ${hidden}, or set hidden to ${s.dim}`);
    }
  }
  if (inputs.in === undefined) return UNKNOWN;
  const outputs: Record<string, PortShape> = {};
  for (const p of ports) if (p.direction === 'out') outputs[p.name] = { role: 'sequence', dim: hidden, dtype: 'real' };
  return ok(outputs);
}

/**
 * The learned initial-state vectors a cell with `init: learned` owns: one `[H]` per state (`h0`,
 * `c0`), except those whose input port is connected (that input gives the initial value instead).
 */
export function learnedInitTensors(init: 'zeros' | 'learned', hidden: number, names: readonly InitPort[], inputs: Readonly<Record<string, PortShape | undefined>>): ParamTensorDecl[] {
  return init === 'learned' ? names.filter((n) => inputs[n] === undefined).map((n) => vectorTensor(n, hidden)) : [];
}

/**
 * Per-gate tensors (models.md "Initialisation"): `U_<g> [H, I]` Glorot (left out while the input
 * size is unknown), `W_<g> [H, H]` orthogonal, `b_<g> [H]` zeros or the given constant. A gate `''`
 * gives the plain names `U`, `W`, `b` (Elman).
 */
export function gateTensors(gates: readonly string[], hidden: number, inputs: Readonly<Record<string, PortShape | undefined>>, biasInit: Readonly<Record<string, number>> = {}): ParamTensorDecl[] {
  const name = (letter: string, g: string) => (g === '' ? letter : `${letter}_${g}`);
  const out: ParamTensorDecl[] = [];
  const x = inputs.in;
  if (x !== undefined) for (const g of gates) out.push({ name: name('U', g), shape: [hidden, x.dim], trainable: true, init: 'glorot' });
  for (const g of gates) out.push({ name: name('W', g), shape: [hidden, hidden], trainable: true, init: 'orthogonal' });
  for (const g of gates) {
    const n = name('b', g);
    const c = biasInit[n];
    out.push({ name: n, shape: [hidden], trainable: true, init: c === undefined || c === 0 ? 'zeros' : { constant: c } });
  }
  return out;
}

/** A `[H]` vector param, e.g. a learned initial state or a peephole. */
export function vectorTensor(name: string, hidden: number): ParamTensorDecl {
  return { name, shape: [hidden], trainable: true, init: 'zeros' };
}

function port(ref: string): InnerPort {
  const dot = ref.indexOf('.');
  if (dot <= 0) throw new Error(`inner port "${ref}" must be written <node>.<port>`);
  return { node: ref.slice(0, dot), port: ref.slice(dot + 1) };
}

/** Builds a `Decomposition` with ports written `node.port`. */
export class DecompositionBuilder {
  private readonly nodes: { id: string; type: string; params: Record<string, unknown> }[] = [];
  private readonly edges: { source: InnerPort; target: InnerPort }[] = [];
  private readonly inputs: Record<string, InnerPort[]> = {};
  private readonly outputs: Record<string, InnerPort> = {};
  private readonly params: Record<string, { node: string; param: string }> = {};
  private readonly probes: Record<string, InnerPort> = {};

  node(id: string, type: string, params: Record<string, unknown> = {}): this {
    this.nodes.push({ id, type, params });
    return this;
  }

  edge(from: string, to: string): this {
    this.edges.push({ source: port(from), target: port(to) });
    return this;
  }

  /** The outer input `outer` feeds the inner inputs `to`. */
  input(outer: string, ...to: string[]): this {
    (this.inputs[outer] ??= []).push(...to.map(port));
    return this;
  }

  output(outer: string, from: string): this {
    this.outputs[outer] = port(from);
    return this;
  }

  /** The outer param tensor `outer` is the inner node's param (`node.param`). */
  param(outer: string, inner: string): this {
    const p = port(inner);
    this.params[outer] = { node: p.node, param: p.port };
    return this;
  }

  probe(name: string, from: string): this {
    this.probes[name] = port(from);
    return this;
  }

  /**
   * A gate's affine map `U x + W h_{t−1} + b` as a two-input Linear `id` fed by the outer `in` and
   * the Delay `prev`, with W0 = U, W1 = W, b = b.
   */
  gateLinear(id: string, hidden: number, prev: string, names: { U: string; W: string; b: string }): this {
    return this.node(id, 'Linear', { inputs: 2, units: hidden })
      .input('in', `${id}.in0`)
      .edge(`${prev}.out`, `${id}.in1`)
      .param(names.U, `${id}.W0`)
      .param(names.W, `${id}.W1`)
      .param(names.b, `${id}.b`);
  }

  build(): Decomposition {
    return { nodes: this.nodes, edges: this.edges, inputs: this.inputs, outputs: this.outputs, params: this.params, probes: this.probes };
  }
}
