import { z } from 'zod';
import { expectShape, zeros, type Tensor } from '../engine/tensor';
import { idsToVectorsShape, outputPort } from './common';
import { gradOf, maskOf, need } from './kernel-helpers';
import type { NodeSpec, PortDecl } from './types';

export const EmbeddingParams = z.strictObject({
  /** Number of tokens V; the input's class count must equal it. */
  vocab: z.number().int().min(1).max(1 << 20).default(16),
  /** Size D of each token's vector. */
  size: z.number().int().min(1).max(1 << 16).default(16),
});
export type EmbeddingParams = z.infer<typeof EmbeddingParams>;

const ports = (p: EmbeddingParams): PortDecl[] => [
  { name: 'index', direction: 'in', roles: ['sequence', 'vector'], dtype: 'index', description: `token ids k in 0…${p.vocab - 1}` },
  outputPort('out', ['sequence', 'vector'], `E · onehot(k), the token's vector of size ${p.size}`),
];

interface Saved {
  readonly ids: Tensor; // k: (N)
  readonly mask: Tensor; // m: (N)
}

/**
 * Token id k ↦ column k of `E [D, V]`, i.e. `E · onehot(k)` (models.md; PyTorch's `nn.Embedding.weight`
 * is `Eᵀ`). Padded rows (mask 0) give zeros and their ids are never read.
 */
export const Embedding: NodeSpec<EmbeddingParams> = {
  type: 'Embedding',
  version: 1,
  category: 'primitive',
  title: 'Embedding',
  description: 'Turns token ids into learned vectors: token k gives column k of the matrix E [size, vocab], the same as E times the one-hot of k.',
  params: EmbeddingParams,
  ports,
  shape: (p, inputs) => idsToVectorsShape(ports(p), inputs, 'Embedding', 'vocab', p.vocab, p.size),
  paramTensors: (p) => [{ name: 'E', shape: [p.size, p.vocab], trainable: true, init: 'glorot' }],
  equation: String.raw`y = E\,\operatorname{onehot}(k) = E_{:,k},\quad E \in \mathbb{R}^{D \times V}`,
  kernel: {
    forward(inputs, params, p, ctx) {
      const ids = need(inputs, 'index', 'Embedding'); // k: (N)
      if (ids.shape.length !== 1) throw new Error(`Embedding input "index": expected token ids [N], got [${ids.shape.join(', ')}]`);
      const n = ids.shape[0];
      const e = need(params, 'E', 'Embedding'); // E: (D,V)
      expectShape(e, [p.size, p.vocab], 'Embedding param "E"');
      const mask = maskOf(ctx, n, 'Embedding');
      const y = zeros([n, p.size]); // y: (N,D)
      for (let r = 0; r < n; r++) {
        if (mask.data[r] === 0) continue;
        const k = ids.data[r];
        if (!Number.isInteger(k) || k < 0 || k >= p.vocab) throw new Error(`Embedding: token ${k} in row ${r} is not an id in 0…${p.vocab - 1}`);
        for (let d = 0; d < p.size; d++) y.data[r * p.size + d] = e.data[d * p.vocab + k];
      }
      return { outputs: { out: y }, saved: { ids, mask } satisfies Saved };
    },
    backward(gradOutputs, saved: Saved, _inputs, _params, p) {
      const n = saved.ids.shape[0];
      const dy = gradOf(gradOutputs, 'out', [n, p.size], 'Embedding');
      const dE = zeros([p.size, p.vocab]); // dE[:, k] += dy row, per valid row with id k
      for (let r = 0; r < n; r++) {
        if (saved.mask.data[r] === 0) continue;
        const k = saved.ids.data[r];
        for (let d = 0; d < p.size; d++) dE.data[d * p.vocab + k] += dy.data[r * p.size + d];
      }
      return { inputs: {}, params: { E: dE } };
    },
    defaultDims: { index: 16 },
    checks: [{ params: { vocab: 3, size: 5 }, dims: { index: 3 } }],
  },
};
