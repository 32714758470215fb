import { z } from 'zod';
import { checkDeclared, ok, outputPort, shapeError, UNKNOWN } from './common';
import { DecompositionBuilder } from './cell-common';
import type { NodeSpec, PortDecl } from './types';

export const KVMemoryParams = z.strictObject({
  /** D: the size of the query, of every key and of every value. */
  size: z.number().int().min(1).max(4096).default(16),
  /** Reads; each after the first asks again with `x ← x + s`. */
  hops: z.number().int().min(1).max(8).default(1),
});
export type KVMemoryParams = z.infer<typeof KVMemoryParams>;

const PORTS: PortDecl[] = [
  { name: 'x', direction: 'in', roles: ['vector'], dtype: 'real', description: 'the query x (size D), one per sample' },
  { name: 'keys', direction: 'in', roles: ['sequence'], dtype: 'real', description: 'the keys k_j (size D), one per memory slot: the slots take the place of time steps' },
  { name: 'values', direction: 'in', roles: ['sequence'], dtype: 'real', description: 'the values v_j (size D), one per memory slot' },
  outputPort('read', ['vector'], 's = Σ_j p_j v_j of the last hop'),
  outputPort('query', ['vector'], 'x + s of the last hop'),
  outputPort('p', ['sequence'], 'p_j of every hop, per slot (size hops; 0 at empty slots)'),
];

/**
 * A key–value memory (models.md "Key–value memory"): `α_j = k_jᵀ x`, `p = softmax(α)` over the valid
 * slots, `s = Σ_j p_j v_j`; each further hop asks again with `x ← x + s`. The memory's slots are the
 * steps of a sequence (its length per sample is the number of valid slots), so the keys and values
 * are projected by ordinary per-step nodes and masked like any sequence.
 *
 * Decomposition, per hop i with query q_i (q_1 = x): `score_i = Dot(k, q_i)` per slot; a
 * `SoftmaxPool` with a Delay pools `e^{α − m} v` over the slots (stable: the running maximum m is
 * subtracted); `LastStep` reads the pool at the last valid slot; `SoftmaxPoolRead` gives `s_i`,
 * `SoftmaxPoolWeight` the weights `p_i` per slot, and `q_{i+1} = q_i + s_i` (Add).
 */
export const KVMemory: NodeSpec<KVMemoryParams> = {
  type: 'KVMemory',
  version: 1,
  category: 'attention',
  title: 'Key–value memory',
  description:
    'Looks a query up in a memory of key–value slots: softmax of the key–query dot products over the valid slots weights the values. Several hops ask again with the query plus what was read. Wire the memory as a sequence (one slot per step) through Linear projections.',
  params: KVMemoryParams,
  ports: () => PORTS,
  shape: (p, inputs) => {
    const bad = checkDeclared(PORTS, inputs);
    if (bad) return bad;
    for (const port of ['x', 'keys', 'values']) {
      const s = inputs[port];
      if (s !== undefined && s.dim !== p.size) return shapeError('dim-mismatch', port, `input "${port}" has size ${s.dim}, but this memory's size is ${p.size}; project it to ${p.size} (or set size to ${s.dim})`);
    }
    if (inputs.x === undefined || inputs.keys === undefined || inputs.values === undefined) return UNKNOWN;
    return ok({
      read: { role: 'vector', dim: p.size, dtype: 'real' },
      query: { role: 'vector', dim: p.size, dtype: 'real' },
      p: { role: 'sequence', dim: p.hops, dtype: 'real' },
    });
  },
  paramTensors: () => [],
  equation: String.raw`\alpha_j = k_j^\top x,\quad p = \operatorname{softmax}(\alpha),\quad s = \sum_j p_j v_j,\quad x \leftarrow x + s \text{ (next hop)}`,
  decompose: (p) => {
    const d = new DecompositionBuilder();
    let query = ''; // the inner port holding q_i; the outer x for the first hop
    for (let i = 1; i <= p.hops; i++) {
      d.node(`score${i}`, 'Dot')
        .input('keys', `score${i}.in0`)
        .node(`pool${i}`, 'SoftmaxPool')
        .node(`prev${i}`, 'Delay', { size: p.size + 2 })
        .edge(`score${i}.out`, `pool${i}.score`)
        .input('values', `pool${i}.value`)
        .edge(`prev${i}.out`, `pool${i}.prev`)
        .edge(`pool${i}.out`, `prev${i}.in`)
        .node(`last${i}`, 'LastStep')
        .edge(`pool${i}.out`, `last${i}.in`)
        .node(`read${i}`, 'SoftmaxPoolRead')
        .edge(`last${i}.out`, `read${i}.pool`)
        .node(`p${i}`, 'SoftmaxPoolWeight')
        .edge(`score${i}.out`, `p${i}.score`)
        .edge(`last${i}.out`, `p${i}.pool`)
        .node(`q${i + 1}`, 'Add')
        .edge(`read${i}.out`, `q${i + 1}.in1`)
        .probe(`p${i}`, `p${i}.out`);
      if (i === 1) d.input('x', 'score1.in1', 'q2.in0');
      else d.edge(query, `score${i}.in1`).edge(query, `q${i + 1}.in0`);
      query = `q${i + 1}.out`;
    }
    d.output('read', `read${p.hops}.out`).output('query', query);
    if (p.hops === 1) d.output('p', 'p1.out');
    else {
      d.node('p', 'Concat', { inputs: p.hops }).output('p', 'p.out');
      for (let i = 1; i <= p.hops; i++) d.edge(`p${i}.out`, `p.in${i - 1}`);
    }
    return d.build();
  },
  decomposeDims: { x: 16, keys: 16, values: 16 },
  decomposeChecks: [
    { params: { size: 3, hops: 2 }, dims: { x: 3, keys: 3, values: 3 } },
    { params: { size: 2, hops: 3 }, dims: { x: 2, keys: 2, values: 2 } },
  ],
};
