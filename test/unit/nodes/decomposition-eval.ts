import { addInto, clone, type Tensor } from '../../../src/engine/tensor';
import type { Decomposition, InnerPort } from '../../../src/nodes/kernel-types';
import { getNodeSpec } from '../../../src/nodes/registry';
import type { NodeSpec } from '../../../src/nodes/types';

/**
 * Evaluates a decomposition for ONE time step with the primitives' own kernels: every inner Delay
 * gives the previous state passed in under its id (`h_prev`, `c_prev`) instead of shifting time,
 * and the edges into Delays are cut. Forward gives the outer outputs and the probes; backward, from
 * ∂L/∂outputs, gives ∂L/∂inputs, ∂L/∂previous states (under the Delay ids) and ∂L/∂params (under
 * the outer param names).
 */
export interface StepEvaluation {
  readonly outputs: Record<string, Tensor>;
  readonly probes: Record<string, Tensor>;
  backward(gradOutputs: Readonly<Record<string, Tensor>>): { inputs: Record<string, Tensor>; params: Record<string, Tensor> };
}

const key = (p: InnerPort) => `${p.node}.${p.port}`;

export function evalDecompositionStep(
  dec: Decomposition,
  inputs: Readonly<Record<string, Tensor>>,
  params: Readonly<Record<string, Tensor>>,
  previous: Readonly<Record<string, Tensor>>,
): StepEvaluation {
  const specs = new Map<string, { spec: NodeSpec<any>; attrs: unknown }>();
  for (const n of dec.nodes) {
    const spec = getNodeSpec(n.type);
    if (spec === undefined) throw new Error(`unknown inner type ${n.type}`);
    specs.set(n.id, { spec, attrs: spec.params.parse(n.params) });
  }
  const isDelay = (id: string) => specs.get(id)!.spec.closesCycles === true;

  // Where each inner input comes from: an inner output, or an outer input.
  const feed = new Map<string, { inner: InnerPort } | { outer: string }>();
  for (const e of dec.edges) if (!isDelay(e.target.node)) feed.set(key(e.target), { inner: e.source });
  for (const [outer, targets] of Object.entries(dec.inputs)) for (const t of targets) feed.set(key(t), { outer });

  // Inner params by node, from the outer names.
  const innerParams = new Map<string, Record<string, Tensor>>();
  for (const [outer, at] of Object.entries(dec.params)) {
    const t = params[outer];
    if (t === undefined) continue;
    const rec = innerParams.get(at.node) ?? {};
    rec[at.param] = t;
    innerParams.set(at.node, rec);
  }

  // Topological order, edges into Delays cut.
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') throw new Error(`cycle without a Delay through ${id}`);
    state.set(id, 'visiting');
    if (!isDelay(id)) for (const e of dec.edges) if (e.target.node === id) visit(e.source.node);
    state.set(id, 'done');
    order.push(id);
  };
  for (const n of dec.nodes) visit(n.id);

  const values = new Map<string, Tensor>();
  const saved = new Map<string, unknown>();
  const nodeInputs = new Map<string, Record<string, Tensor>>();
  for (const id of order) {
    if (isDelay(id)) {
      const prev = previous[id];
      if (prev === undefined) throw new Error(`no previous state given for the Delay "${id}"`);
      values.set(`${id}.out`, prev);
      continue;
    }
    const { spec, attrs } = specs.get(id)!;
    const ins: Record<string, Tensor> = {};
    for (const p of spec.ports(attrs)) {
      if (p.direction !== 'in') continue;
      const f = feed.get(`${id}.${p.name}`);
      if (f === undefined) continue;
      const v = 'outer' in f ? inputs[f.outer] : values.get(key(f.inner));
      if (v === undefined) throw new Error(`no value for ${id}.${p.name}`);
      ins[p.name] = v;
    }
    const r = spec.kernel!.forward(ins, innerParams.get(id) ?? {}, attrs);
    nodeInputs.set(id, ins);
    saved.set(id, r.saved);
    for (const [port, t] of Object.entries(r.outputs)) values.set(`${id}.${port}`, t);
  }

  const outputs: Record<string, Tensor> = {};
  for (const [outer, at] of Object.entries(dec.outputs)) outputs[outer] = values.get(key(at))!;
  const probes: Record<string, Tensor> = {};
  for (const [name, at] of Object.entries(dec.probes ?? {})) probes[name] = values.get(key(at))!;

  return {
    outputs,
    probes,
    backward(gradOutputs) {
      const grads = new Map<string, Tensor>();
      const acc = (map: Map<string, Tensor> | Record<string, Tensor>, k: string, g: Tensor) => {
        const get = map instanceof Map ? map.get(k) : map[k];
        if (get === undefined) {
          if (map instanceof Map) map.set(k, clone(g));
          else map[k] = clone(g);
        } else addInto(get, g);
      };
      for (const [outer, g] of Object.entries(gradOutputs)) acc(grads, key(dec.outputs[outer]), g);
      const gIn: Record<string, Tensor> = {};
      const gParams: Record<string, Tensor> = {};
      const outerName = new Map(Object.entries(dec.params).map(([outer, at]) => [`${at.node}.${at.param}`, outer]));
      for (const id of [...order].reverse()) {
        if (isDelay(id)) {
          const g = grads.get(`${id}.out`);
          if (g !== undefined) gIn[id] = g;
          continue;
        }
        const { spec, attrs } = specs.get(id)!;
        const gOut: Record<string, Tensor | undefined> = {};
        for (const p of spec.ports(attrs)) if (p.direction === 'out') gOut[p.name] = grads.get(`${id}.${p.name}`);
        const r = spec.kernel!.backward(gOut, saved.get(id), nodeInputs.get(id)!, innerParams.get(id) ?? {}, attrs);
        for (const [port, g] of Object.entries(r.inputs)) {
          const f = feed.get(`${id}.${port}`)!;
          if ('outer' in f) acc(gIn, f.outer, g);
          else acc(grads, key(f.inner), g);
        }
        for (const [param, g] of Object.entries(r.params)) acc(gParams, outerName.get(`${id}.${param}`)!, g);
      }
      return { inputs: gIn, params: gParams };
    },
  };
}
