import { z } from 'zod';
import { cellShape, DecompositionBuilder, Hidden, InitMode } from './cell-common';
import { outputPort } from './common';
import { GRU, GRUParams } from './gru';
import { LSTM, LSTMParams } from './lstm';
import { RNN, RNNParams } from './rnn';
import type { NodeSpec, PortDecl, PortShape, ShapeResult } from './types';

export const BidirectionalParams = z.strictObject({
  /** The recurrent cell run in each direction. */
  cell: z.enum(['rnn', 'lstm', 'gru']).default('lstm'),
  /** `concat`: `[h→_t; h←_t]` (2H units); `sum`: `h→_t + h←_t` (H units). */
  merge: z.enum(['concat', 'sum']).default('concat'),
  hidden: Hidden,
  init: InitMode,
  /** RNN only. */
  activation: z.enum(['tanh', 'relu']).default('tanh'),
  /** LSTM only. */
  peepholes: z.boolean().default(false),
  /** LSTM only. */
  forgetBias: z.number().refine(Number.isFinite, { message: 'must be a finite number' }).default(1),
  /** GRU only. */
  resetAfter: z.boolean().default(false),
  /** GRU only. */
  updateConvention: z.enum(['old', 'new']).default('old'),
});
export type BidirectionalParams = z.infer<typeof BidirectionalParams>;

const CELLS: Readonly<Record<BidirectionalParams['cell'], NodeSpec<any>>> = { rnn: RNN, lstm: LSTM, gru: GRU };
const cellSpec = (p: BidirectionalParams): NodeSpec<any> => CELLS[p.cell];

/** The params of the cell run in each direction (those of `p` that the cell has). */
export function directionParams(p: BidirectionalParams): Record<string, unknown> {
  const { hidden, init } = p;
  if (p.cell === 'rnn') return RNNParams.parse({ hidden, init, activation: p.activation });
  if (p.cell === 'lstm') return LSTMParams.parse({ hidden, init, peepholes: p.peepholes, forgetBias: p.forgetBias });
  return GRUParams.parse({ hidden, init, resetAfter: p.resetAfter, updateConvention: p.updateConvention });
}

/** The two directions' inner ids; `bwd` runs on the reversed sequence. */
export const DIRECTIONS = ['fwd', 'bwd'] as const;

const PORTS: PortDecl[] = [
  { name: 'in', direction: 'in', roles: ['sequence'], dtype: 'real', description: 'the input sequence x_1 … x_T, of size I' },
  outputPort('h', ['sequence'], 'per step [h→_t; h←_t] (concat) or h→_t + h←_t (sum)'),
  outputPort('final', ['vector'], 'each direction’s own final state: [h→_{τ_b}; h←_1] (concat) or their sum'),
];

/** With an LSTM cell, also each direction's final cell state (an LSTM decoder's c_0). */
const LSTM_PORTS: PortDecl[] = [...PORTS, outputPort('finalC', ['vector'], 'each direction’s own final cell state: [c→_{τ_b}; c←_1] (concat) or their sum')];

const ports = (p: BidirectionalParams): PortDecl[] => (p.cell === 'lstm' ? LSTM_PORTS : PORTS);

function shape(p: BidirectionalParams, inputs: Readonly<Record<string, PortShape | undefined>>): ShapeResult {
  const width = p.merge === 'concat' ? 2 * p.hidden : p.hidden;
  const r = cellShape(ports(p), width, inputs);
  if (!r.ok || r.outputs.h === undefined) return r;
  const final: PortShape = { role: 'vector', dim: width, dtype: 'real' };
  return { ok: true, outputs: { h: r.outputs.h, final, ...(p.cell === 'lstm' ? { finalC: final } : {}) } };
}

/**
 * A bidirectional layer (models.md "Bidirectional"): a forward cell `fwd` on x and a backward cell
 * `bwd` on each sample's reversed valid prefix, whose output is reversed back, so `h←_t` starts at
 * `t = τ_b` from `h_0`. Weights are `<id>.fwd.*` and `<id>.bwd.*`, each direction's recorded state is
 * `<id>.fwd` / `<id>.bwd` (the backward one indexed by original time).
 */
export const Bidirectional: NodeSpec<BidirectionalParams> = {
  type: 'Bidirectional',
  version: 1,
  category: 'cell',
  title: 'Bidirectional',
  description:
    'Runs one recurrent cell forwards and another backwards over each sequence (within its own length) and joins their states per step, by concatenation or sum; `final` gives each direction’s own last state (and, for an LSTM, `finalC` its last cell state), e.g. a decoder’s initial state.',
  params: BidirectionalParams,
  ports,
  shape,
  paramTensors: (p, inputs) => {
    const spec = cellSpec(p);
    const own = spec.paramTensors(directionParams(p), { in: inputs.in });
    return DIRECTIONS.flatMap((d) => own.map((t) => ({ ...t, name: `${d}.${t.name}` })));
  },
  equation: String.raw`\begin{aligned}
\overrightarrow{h}_t &= \mathrm{cell}_{\rightarrow}(x_t, \overrightarrow{h}_{t-1}) \\
\overleftarrow{h}_t &= \mathrm{cell}_{\leftarrow}(x_t, \overleftarrow{h}_{t+1}), \quad \overleftarrow{h}_{\tau_b+1} = h_0 \\
y_t &= [\overrightarrow{h}_t; \overleftarrow{h}_t] \ \text{or}\ \overrightarrow{h}_t + \overleftarrow{h}_t \\
\text{final} &= [\overrightarrow{h}_{\tau_b}; \overleftarrow{h}_1], \quad \text{finalC} = [\overrightarrow{c}_{\tau_b}; \overleftarrow{c}_1] \ \text{(LSTM; or sums)}
\end{aligned}`,
  decompose: (p) => {
    const type = cellSpec(p).type;
    const cp = directionParams(p);
    const join = p.merge === 'concat' ? 'Concat' : 'Add';
    const d = new DecompositionBuilder()
      .node('fwd', type, cp)
      .node('rev_in', 'Reverse')
      .node('bwd', type, cp)
      .node('rev_out', 'Reverse')
      .node('merge', join, { inputs: 2 })
      .node('fwd_last', 'LastStep')
      .node('bwd_last', 'LastStep')
      .node('final', join, { inputs: 2 })
      .input('in', 'fwd.in', 'rev_in.in')
      .edge('rev_in.out', 'bwd.in')
      .edge('bwd.h', 'rev_out.in')
      .edge('fwd.h', 'merge.in0')
      .edge('rev_out.out', 'merge.in1')
      // h←_1 is the backward cell's state at its own last step τ_b, before reversing back
      .edge('fwd.h', 'fwd_last.in')
      .edge('bwd.h', 'bwd_last.in')
      .edge('fwd_last.out', 'final.in0')
      .edge('bwd_last.out', 'final.in1')
      .output('h', 'merge.out')
      .output('final', 'final.out');
    if (p.cell === 'lstm') {
      // c→_{τ_b} and c←_1, joined like the hidden states
      d.node('fwd_last_c', 'LastStep')
        .node('bwd_last_c', 'LastStep')
        .node('final_c', join, { inputs: 2 })
        .edge('fwd.c', 'fwd_last_c.in')
        .edge('bwd.c', 'bwd_last_c.in')
        .edge('fwd_last_c.out', 'final_c.in0')
        .edge('bwd_last_c.out', 'final_c.in1')
        .output('finalC', 'final_c.out');
    }
    for (const dir of DIRECTIONS) for (const t of cellSpec(p).paramTensors(cp, { in: { role: 'sequence', dim: 1, dtype: 'real' } })) d.param(`${dir}.${t.name}`, `${dir}.${t.name}`);
    return { ...d.build(), reversed: ['bwd'] };
  },
  decomposeChecks: [
    { params: { cell: 'gru', merge: 'sum', hidden: 3, resetAfter: true }, dims: { in: 2 } },
    { params: { cell: 'rnn', hidden: 2, init: 'learned' } },
    { params: { cell: 'lstm', hidden: 2, peepholes: true } },
  ],
};

