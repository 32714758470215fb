import fc from 'fast-check';
import { CURRENT_VERSION, FORMAT, TrainingConfigSchema, type GraphDocument, type GraphEdge, type GraphNode, type StoredWeight } from '../../../src/graph/document';
import { encodeWeight } from '../../../src/graph/weights';
import { getNodeSpec } from '../../../src/nodes/registry';

/** fast-check generators of valid documents, built from the real node registry. */

export function spec(type: string) {
  const s = getNodeSpec(type);
  if (!s) throw new Error(`the node registry has no ${type}`);
  return s;
}

/** Partial params per kind; the kind's schema fills the rest. */
const paramsArb: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  Input: fc.record({ role: fc.constantFrom('sequence', 'vector'), size: fc.integer({ min: 1, max: 64 }), dtype: fc.constantFrom('real', 'index') }, { requiredKeys: [] }),
  Linear: fc.record({ inputs: fc.integer({ min: 1, max: 4 }), units: fc.integer({ min: 1, max: 64 }), bias: fc.boolean() }, { requiredKeys: [] }),
  Add: fc.record({ inputs: fc.integer({ min: 2, max: 4 }) }, { requiredKeys: [] }),
  Multiply: fc.constant({}),
  OneMinus: fc.constant({}),
  Sigmoid: fc.constant({}),
  Tanh: fc.constant({}),
  Delay: fc.record({ size: fc.integer({ min: 1, max: 64 }), init: fc.constantFrom('zeros', 'learned') }, { requiredKeys: [] }),
  Softmax: fc.constant({}),
  CrossEntropy: fc.record({ reduction: fc.constantFrom('sumTimeMeanBatch', 'meanValidSteps') }, { requiredKeys: [] }),
  MSE: fc.record({ reduction: fc.constantFrom('sumTimeMeanBatch', 'meanValidSteps') }, { requiredKeys: [] }),
};
export const NODE_TYPES = Object.keys(paramsArb);

export const idArb = fc.stringMatching(/^[a-z_][a-z0-9_-]{0,8}$/);
/** Any finite double, -0 and subnormals included. */
export const coordArb = fc.double({ noNaN: true, noDefaultInfinity: true });
export const textArb = fc.string({ unit: 'binary', maxLength: 30 });

const nodeArb = (id: string): fc.Arbitrary<GraphNode> =>
  fc.constantFrom(...NODE_TYPES).chain((type) =>
    fc.record({ params: paramsArb[type]!, x: coordArb, y: coordArb, label: fc.option(fc.string({ unit: 'binary', maxLength: 20 }), { nil: undefined }) }).map(({ params, x, y, label }) => {
      const s = spec(type);
      const node = { id, type, version: s.version, position: { x, y }, params: s.params.parse(params) as Record<string, unknown> };
      return (label === undefined ? node : { ...node, label }) as GraphNode;
    }),
  );

/** Connects random output → free input pairs of distinct nodes. */
function wire(nodes: readonly GraphNode[], picks: readonly [number, number, number, number][]): GraphEdge[] {
  const edges: GraphEdge[] = [];
  const taken = new Set<string>();
  const ports = nodes.map((n) => spec(n.type).ports(n.params));
  for (const [a, b, pa, pb] of picks) {
    if (nodes.length < 2) break;
    const s = a % nodes.length;
    const t = b % nodes.length;
    if (s === t) continue;
    const outs = ports[s]!.filter((p) => p.direction === 'out');
    const ins = ports[t]!.filter((p) => p.direction === 'in');
    if (outs.length === 0 || ins.length === 0) continue;
    const out = outs[pa % outs.length]!;
    const inp = ins[pb % ins.length]!;
    const key = `${nodes[t]!.id}\u0000${inp.name}`;
    if (taken.has(key)) continue;
    taken.add(key);
    edges.push({ id: `e${edges.length + 1}`, source: { node: nodes[s]!.id, port: out.name }, target: { node: nodes[t]!.id, port: inp.name } } as GraphEdge);
  }
  return edges;
}

const weightValuesArb = fc.oneof(
  fc.float32Array({ noDefaultInfinity: true, noNaN: true, maxLength: 24 }),
  fc.float64Array({ noDefaultInfinity: true, noNaN: true, maxLength: 24 }),
);

const trainingArb = fc
  .record({
    optimizer: fc.oneof(
      fc.record({ kind: fc.constant('sgd' as const), lr: fc.double({ min: 1e-6, max: 1, noNaN: true }), momentum: fc.double({ min: 0, max: 1, noNaN: true }) }),
      fc.record({ kind: fc.constant('adam' as const), lr: fc.double({ min: 1e-6, max: 1, noNaN: true }) }),
    ),
    batchSize: fc.integer({ min: 1, max: 256 }),
    steps: fc.integer({ min: 1, max: 100000 }),
    seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    task: fc.constantFrom('adding', 'copy'),
  })
  .map((t) => TrainingConfigSchema.parse(t));

/** A valid document, up to `maxNodes` nodes, with edges, maybe training settings and weights. */
export function documentArb(maxNodes = 8): fc.Arbitrary<GraphDocument> {
  return fc
    .uniqueArray(idArb, { maxLength: maxNodes })
    .chain((ids) =>
      fc.record({
        nodes: ids.length === 0 ? fc.constant([] as GraphNode[]) : fc.tuple(...ids.map(nodeArb)),
        picks: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.nat()), { maxLength: 12 }),
        name: textArb,
        description: fc.option(textArb, { nil: undefined }),
        training: fc.option(trainingArb, { nil: undefined }),
        weights: fc.array(fc.tuple(fc.nat(), fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,5}$/), weightValuesArb, fc.boolean()), { maxLength: 4 }),
      }),
    )
    .map(({ nodes, picks, name, description, training, weights }) => {
      const doc: Record<string, unknown> = {
        format: FORMAT,
        version: CURRENT_VERSION,
        meta: description === undefined ? { name } : { name, description },
        nodes,
        edges: wire(nodes, picks),
      };
      if (training) doc.training = training;
      if (nodes.length > 0 && weights.length > 0) {
        const stored: Record<string, StoredWeight> = {};
        for (const [i, param, values, matrix] of weights) {
          const n = values.length;
          const shape = matrix && n % 2 === 0 && n > 0 ? [2, n / 2] : [n];
          const r = encodeWeight(`${nodes[i % nodes.length]!.id}.${param}`, shape, values);
          if (!r.ok) throw new Error(r.problem.message);
          stored[`${nodes[i % nodes.length]!.id}.${param}`] = r.weight;
        }
        doc.weights = stored;
      }
      return doc as unknown as GraphDocument;
    });
}
