/**
 * The built-in example graphs, as plain documents. They are opened like any file, through
 * `restore()`; `test/unit/main/examples.test.ts` checks that each restores and validates cleanly.
 */
export interface Example {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** The document text, as it would be read from a `*.unroll.json` file. */
  text(): string;
}

interface Wire {
  readonly from: string;
  readonly to: string;
}

function node(id: string, type: string, x: number, y: number, params: Record<string, unknown>, label?: string) {
  return { id, type, version: 1, ...(label === undefined ? {} : { label }), position: { x, y }, params };
}

/** `a.out → b.in0` wires as edges with ids `e1`, `e2`, …. */
function edges(wires: readonly Wire[]) {
  return wires.map((w, i) => {
    const [sn, sp] = w.from.split('.');
    const [tn, tp] = w.to.split('.');
    return { id: `e${i + 1}`, source: { node: sn, port: sp }, target: { node: tn, port: tp } };
  });
}

function document(name: string, description: string, nodes: unknown[], wires: readonly Wire[]): string {
  return JSON.stringify({ format: 'unroll.graph', version: 1, meta: { name, description }, nodes, edges: edges(wires) }, null, 2);
}

export const EXAMPLES: readonly Example[] = [
  {
    id: 'elman',
    title: 'Elman RNN classifier',
    description: 'h_t = tanh(U x_t + W h_{t−1} + b), o_t = V h_t + c, trained with cross-entropy on class ids.',
    text: () =>
      document(
        'Elman RNN classifier',
        'A vanilla (Elman) recurrent network wired from primitives: the Delay carries h from step t−1 to step t.',
        [
          node('x', 'Input', 0, 0, { role: 'sequence', size: 8, dtype: 'real' }, 'x'),
          node('a', 'Linear', 240, 0, { inputs: 2, units: 16, bias: true }, 'U x + W h + b'),
          node('h', 'Tanh', 480, 0, {}, 'h'),
          node('state', 'Delay', 360, 160, { size: 16, init: 'zeros' }, 'h_{t−1}'),
          node('o', 'Linear', 720, 0, { inputs: 1, units: 4, bias: true }, 'V h + c'),
          node('y', 'Input', 720, 160, { role: 'sequence', size: 4, dtype: 'index' }, 'target class'),
          node('loss', 'CrossEntropy', 960, 70, {}),
        ],
        [
          { from: 'x.out', to: 'a.in0' },
          { from: 'state.out', to: 'a.in1' },
          { from: 'a.out', to: 'h.in' },
          { from: 'h.out', to: 'state.in' },
          { from: 'h.out', to: 'o.in0' },
          { from: 'o.out', to: 'loss.logits' },
          { from: 'y.out', to: 'loss.target' },
        ],
      ),
  },
  {
    id: 'regression',
    title: 'Per-step regression',
    description: 'A two-layer network applied at every time step, trained with mean squared error.',
    text: () =>
      document(
        'Per-step regression',
        'No recurrence: Linear → Tanh → Linear on each step of the sequence, MSE against the target.',
        [
          node('x', 'Input', 0, 0, { role: 'sequence', size: 1, dtype: 'real' }, 'x'),
          node('hidden', 'Linear', 240, 0, { inputs: 1, units: 16, bias: true }),
          node('act', 'Tanh', 480, 0, {}),
          node('out', 'Linear', 720, 0, { inputs: 1, units: 1, bias: true }),
          node('y', 'Input', 720, 160, { role: 'sequence', size: 1, dtype: 'real' }, 'target'),
          node('loss', 'MSE', 960, 70, {}),
        ],
        [
          { from: 'x.out', to: 'hidden.in0' },
          { from: 'hidden.out', to: 'act.in' },
          { from: 'act.out', to: 'out.in0' },
          { from: 'out.out', to: 'loss.prediction' },
          { from: 'y.out', to: 'loss.target' },
        ],
      ),
  },
];
