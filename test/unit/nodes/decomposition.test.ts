import { describe, expect, it } from 'vitest';
import { validateGraph } from '../../../src/compiler/validate';
import { sampleKernelArgs, seededRandom } from '../../../src/engine/gradcheck';
import { maxAbsDiff, zeros, type Tensor } from '../../../src/engine/tensor';
import type { GraphEdge, GraphNode } from '../../../src/graph/document';
import { edgeId, isValidId, nodeId } from '../../../src/graph/ids';
import { fusedStepDims, fusedStepSpec } from '../../../src/nodes/fused';
import type { Decomposition } from '../../../src/nodes/kernel-types';
import { getNodeSpec, NODE_SPECS } from '../../../src/nodes/registry';
import type { NodeSpec, PortShape } from '../../../src/nodes/types';
import { evalDecompositionStep } from './decomposition-eval';

/**
 * Param sets to check for a composite kind: the defaults (at its `decomposeDims`), every variant its
 * fused step checks, and its `decomposeChecks`.
 */
function variants(spec: NodeSpec<any>): { params: Record<string, unknown>; dims?: Record<string, number> }[] {
  const more = [...(spec.fused?.step.checks ?? []), ...(spec.decomposeChecks ?? [])];
  return [{ params: {}, dims: spec.decomposeDims ? { ...spec.decomposeDims } : undefined }, ...more.map((c) => ({ params: { ...c.params }, dims: c.dims ? { ...c.dims } : undefined }))];
}

/**
 * The decomposition as a document: one Input per required outer input port (`outer_<port>`), then the
 * inner nodes and edges. Optional inputs (a cell's `h0`, `c0`) stay unconnected, as on a fresh node;
 * initial-state-ports.test.ts checks them connected.
 */
function asDocument(spec: NodeSpec<any>, attrs: unknown, dec: Decomposition, dims: Record<string, number>) {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const edge = (source: { node: string; port: string }, target: { node: string; port: string }) =>
    edges.push({ id: edgeId(`e${edges.length}`), source: { node: nodeId(source.node), port: source.port }, target: { node: nodeId(target.node), port: target.port } });
  for (const p of spec.ports(attrs)) {
    if (p.direction !== 'in' || p.optional) continue;
    nodes.push({ id: nodeId(`outer_${p.name}`), type: 'Input', version: 1, position: { x: 0, y: 0 }, params: { role: p.roles[0], size: dims[p.name] ?? 3, dtype: p.dtype ?? 'real' } });
    for (const t of dec.inputs[p.name] ?? []) edge({ node: `outer_${p.name}`, port: 'out' }, t);
  }
  for (const n of dec.nodes) nodes.push({ id: nodeId(n.id), type: n.type, version: 1, position: { x: 0, y: 0 }, params: { ...n.params } });
  for (const e of dec.edges) edge(e.source, e.target);
  return { nodes, edges };
}

const composites = NODE_SPECS.filter((s) => s.decompose !== undefined);

describe('decompositions are well-formed (registry-driven)', () => {
  it('covers the fused cells', () => {
    expect(composites.map((s) => s.type)).toEqual(expect.arrayContaining(['RNN', 'LSTM', 'GRU']));
  });

  for (const spec of composites) {
    for (const v of variants(spec)) {
      describe(`${spec.type} ${JSON.stringify(v.params)}`, () => {
        const attrs = spec.params.parse(v.params);
        const dec = spec.decompose!(attrs);
        const dims: Record<string, number> = { in: 3, ...v.dims };
        const inner = new Map(dec.nodes.map((n) => [n.id, n]));
        const innerSpec = (id: string) => getNodeSpec(inner.get(id)!.type)!;
        const innerPorts = (id: string) => innerSpec(id).ports(innerSpec(id).params.parse(inner.get(id)!.params));
        const hasPort = (p: { node: string; port: string }, dir: 'in' | 'out') => inner.has(p.node) && innerPorts(p.node).some((d) => d.name === p.port && d.direction === dir);

        it('uses known kinds with valid params under unique, valid ids: primitives, or fused cells (checked on their own)', () => {
          expect(new Set(dec.nodes.map((n) => n.id)).size).toBe(dec.nodes.length);
          for (const n of dec.nodes) {
            expect(isValidId(n.id), n.id).toBe(true);
            expect(getNodeSpec(n.type), n.type).toBeDefined();
            expect(getNodeSpec(n.type)!.params.safeParse(n.params).success, `${n.id} params`).toBe(true);
            const kind = getNodeSpec(n.type)!;
            expect(kind.decompose === undefined || kind.fused !== undefined, `${n.id} is a primitive or a fused cell`).toBe(true);
          }
        });

        it('wires existing ports only: edges out → in, outer inputs → inner inputs, outer outputs ← inner outputs, probes ← inner outputs', () => {
          for (const e of dec.edges) {
            expect(hasPort(e.source, 'out'), `edge source ${e.source.node}.${e.source.port}`).toBe(true);
            expect(hasPort(e.target, 'in'), `edge target ${e.target.node}.${e.target.port}`).toBe(true);
          }
          const outerIn = spec.ports(attrs).filter((p) => p.direction === 'in').map((p) => p.name);
          const outerOut = spec.ports(attrs).filter((p) => p.direction === 'out').map((p) => p.name);
          expect(Object.keys(dec.inputs).sort()).toEqual(outerIn.sort());
          expect(Object.keys(dec.outputs).sort()).toEqual(outerOut.sort());
          for (const ts of Object.values(dec.inputs)) for (const t of ts) expect(hasPort(t, 'in'), `${t.node}.${t.port}`).toBe(true);
          for (const o of Object.values(dec.outputs)) expect(hasPort(o, 'out'), `${o.node}.${o.port}`).toBe(true);
          for (const o of Object.values(dec.probes ?? {})) expect(hasPort(o, 'out'), `${o.node}.${o.port}`).toBe(true);
        });

        it('validates as a graph, and its outputs have the shapes of the outer shape rule', () => {
          const doc = asDocument(spec, attrs, dec, dims);
          const result = validateGraph(doc);
          expect(result.problems).toEqual([]);
          const outerShapes: Record<string, PortShape> = {};
          for (const p of spec.ports(attrs)) if (p.direction === 'in' && !p.optional) outerShapes[p.name] = { role: p.roles[0], dim: dims[p.name], dtype: p.dtype ?? 'real' };
          const rule = spec.shape(attrs, outerShapes);
          expect(rule.ok).toBe(true);
          if (!rule.ok) return;
          for (const [port, at] of Object.entries(dec.outputs)) expect(result.shapes.get(`${at.node}.${at.port}`), port).toEqual(rule.outputs[port]);
        });

        it('maps every outer param tensor to an inner one of the same shape, and leaves no inner tensor unmapped', () => {
          const doc = asDocument(spec, attrs, dec, dims);
          const { shapes } = validateGraph(doc);
          const innerDecls = new Map<string, readonly number[]>();
          for (const n of dec.nodes) {
            const ins: Record<string, PortShape | undefined> = {};
            for (const e of doc.edges) if (e.target.node === n.id) ins[e.target.port] = shapes.get(`${e.source.node}.${e.source.port}`);
            const s = innerSpec(n.id);
            for (const d of s.paramTensors(s.params.parse(n.params), ins)) innerDecls.set(`${n.id}.${d.name}`, d.shape);
          }
          const outer = spec.paramTensors(attrs, { in: { role: 'sequence', dim: dims.in, dtype: 'real' } });
          expect(Object.keys(dec.params).sort()).toEqual(outer.map((d) => d.name).sort());
          const mapped = new Set<string>();
          for (const d of outer) {
            const at = dec.params[d.name];
            const k = `${at.node}.${at.param}`;
            expect(innerDecls.get(k), `${d.name} → ${k}`).toEqual(d.shape);
            expect(mapped.has(k), `${k} mapped twice`).toBe(false);
            mapped.add(k);
          }
          expect([...innerDecls.keys()].filter((k) => !mapped.has(k))).toEqual([]);
        });

        if (spec.fused !== undefined) {
          it('carries each fused state through an inner Delay of the same id, fed by the state output, with the declared initial value', () => {
            for (const s of spec.fused!.states(attrs)) {
              const delay = inner.get(s.previous);
              expect(delay?.type, s.previous).toBe('Delay');
              const into = dec.edges.filter((e) => e.target.node === s.previous);
              expect(into.map((e) => e.source)).toEqual([dec.outputs[s.output]]);
              expect(getNodeSpec('Delay')!.params.parse(delay!.params).init).toBe(s.init === undefined ? 'zeros' : 'learned');
              if (s.init !== undefined) expect(dec.params[s.init]).toEqual({ node: s.previous, param: 'h0' });
            }
          });
        }
      });
    }
  }
});

describe('fused step = decomposition evaluated with the primitive kernels (1e-9)', () => {
  for (const spec of composites.filter((s) => s.fused !== undefined)) {
    for (const v of variants(spec)) {
      for (const seed of [3, 4]) {
        it(`${spec.type} ${JSON.stringify(v.params)}, seed ${seed}`, () => {
          const attrs = spec.params.parse(v.params);
          const step = fusedStepSpec(spec);
          const rand = seededRandom(seed);
          const sample = sampleKernelArgs(step, v.params, rand, { rows: 5, dims: fusedStepDims(spec, attrs, v.dims) });
          const states = spec.fused!.states(attrs);
          const previous: Record<string, Tensor> = {};
          const outerInputs: Record<string, Tensor> = {};
          for (const [name, t] of Object.entries(sample.inputs)) {
            if (states.some((s) => s.previous === name)) previous[name] = t;
            else outerInputs[name] = t;
          }

          const fused = spec.fused!.step.forward(sample.inputs, sample.params, attrs);
          const ref = evalDecompositionStep(spec.decompose!(attrs), outerInputs, sample.params, previous);
          expect(Object.keys(fused.outputs).sort()).toEqual(Object.keys(ref.outputs).sort());
          for (const [name, t] of Object.entries(ref.outputs)) expect(maxAbsDiff(fused.outputs[name], t), `output ${name}`).toBeLessThan(1e-9);
          const probes = spec.fused!.probes?.(fused.saved) ?? {};
          expect(Object.keys(probes).sort()).toEqual(Object.keys(ref.probes).sort());
          for (const [name, t] of Object.entries(ref.probes)) expect(maxAbsDiff(probes[name], t), `probe ${name}`).toBeLessThan(1e-9);

          const gOut: Record<string, Tensor> = {};
          for (const [name, t] of Object.entries(ref.outputs)) {
            const g = zeros(t.shape);
            for (let i = 0; i < g.data.length; i++) g.data[i] = 2 * rand() - 1;
            gOut[name] = g;
          }
          const gf = spec.fused!.step.backward(gOut, fused.saved, sample.inputs, sample.params, attrs);
          const gr = ref.backward(gOut);
          for (const name of Object.keys(sample.inputs)) {
            const r = gr.inputs[name] ?? zeros(sample.inputs[name].shape);
            expect(gf.inputs[name], `fused ∂/∂${name}`).toBeDefined();
            expect(maxAbsDiff(gf.inputs[name], r), `∂/∂${name}`).toBeLessThan(1e-9);
          }
          for (const name of Object.keys(sample.params)) {
            const shape = sample.params[name].shape;
            expect(maxAbsDiff(gf.params[name] ?? zeros(shape), gr.params[name] ?? zeros(shape)), `∂/∂${name}`).toBeLessThan(1e-9);
          }
          // The comparison is not vacuous: every gate weight receives a gradient.
          for (const name of Object.keys(sample.params)) if (/^[UW]/.test(name)) expect(Math.max(...Array.from(gf.params[name].data, Math.abs)), name).toBeGreaterThan(0);
        });
      }
    }
  }
});
