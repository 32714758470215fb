import { shapeError } from './common';
import { Delay } from './delay';
import type { NodeSpec, PortDecl, PortShape } from './types';

/**
 * The outer input ports of a composite that feed nothing but its inner Delays' `init` (a cell's `h0`,
 * `c0`): they give the states' initial values, which the Delays carry, so the fused step never reads
 * them.
 */
export function initialStatePorts<P>(spec: NodeSpec<P>, p: P): Set<string> {
  const out = new Set<string>();
  if (spec.decompose === undefined) return out;
  const d = spec.decompose(p);
  const delays = new Set(d.nodes.filter((n) => n.type === Delay.type).map((n) => n.id));
  for (const [port, targets] of Object.entries(d.inputs)) {
    if (targets.length > 0 && targets.every((t) => t.port === 'init' && delays.has(t.node))) out.add(port);
  }
  return out;
}

/**
 * The fused step of a composite recurrent node seen as a node kind of its own, so that the tools made
 * for kernels (the gradient check, sampling) apply to it: its inputs are the outer inputs (less the
 * initial-state ones, see `initialStatePorts`) plus one `state` input per recurrent state (`h_prev`,
 * `c_prev`), its outputs the states, its params the outer node's. Its shape rule is the outer one,
 * plus: each previous state has its state's size.
 */
export function fusedStepSpec<P>(spec: NodeSpec<P>): NodeSpec<P> {
  const fused = spec.fused;
  if (fused === undefined) throw new Error(`${spec.type} has no fused step kernel`);
  const ports = (p: P): PortDecl[] => {
    const outer = spec.ports(p);
    const states = fused.states(p);
    const inits = initialStatePorts(spec, p);
    return [
      ...outer.filter((d) => d.direction === 'in' && !inits.has(d.name)),
      ...states.map((s): PortDecl => ({ name: s.previous, direction: 'in', roles: ['state'], dtype: 'real', description: `${s.output}_{t−1}, the state entering the step` })),
      ...states.map((s): PortDecl => {
        const decl = outer.find((d) => d.direction === 'out' && d.name === s.output);
        if (decl === undefined) throw new Error(`${spec.type}: fused state "${s.output}" is not an output port`);
        return decl;
      }),
    ];
  };
  return {
    ...spec,
    type: `${spec.type}.step`,
    ports,
    shape: (p, inputs) => {
      const outer = spec.shape(p, inputs);
      if (!outer.ok) return outer;
      for (const s of fused.states(p)) {
        const prev = inputs[s.previous];
        const next = outer.outputs[s.output];
        if (prev !== undefined && next !== undefined && prev.dim !== next.dim) {
          return shapeError('dim-mismatch', s.previous, `input "${s.previous}" has size ${prev.dim}, but the state "${s.output}" has size ${next.dim}`);
        }
      }
      return outer;
    },
    kernel: fused.step,
    decompose: undefined,
    fused: undefined,
  };
}

/**
 * Feature sizes for sampling the fused step at params `p`: the outer inputs it reads get `dims[port]`
 * (3 by default), each previous state the size of its state.
 */
export function fusedStepDims<P>(spec: NodeSpec<P>, p: P, dims: Readonly<Record<string, number>> = {}): Record<string, number> {
  const fused = spec.fused;
  if (fused === undefined) throw new Error(`${spec.type} has no fused step kernel`);
  const out: Record<string, number> = {};
  const shapes: Record<string, PortShape> = {};
  const inits = initialStatePorts(spec, p);
  for (const d of spec.ports(p)) {
    if (d.direction !== 'in' || inits.has(d.name)) continue;
    out[d.name] = dims[d.name] ?? 3;
    shapes[d.name] = { role: d.roles[0], dim: out[d.name], dtype: d.dtype ?? 'real' };
  }
  const rule = spec.shape(p, shapes);
  if (!rule.ok) throw new Error(`${spec.type}: the sampled input sizes are refused at "${rule.port}": ${rule.message}`);
  for (const s of fused.states(p)) {
    const shape = rule.outputs[s.output];
    if (shape === undefined) throw new Error(`${spec.type}: the shape rule gives no size for the state "${s.output}"`);
    out[s.previous] = shape.dim;
  }
  return out;
}
