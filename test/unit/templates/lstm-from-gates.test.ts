import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, type Plan } from '../../../src/compiler';
import { bpttGradients } from '../../../src/engine/bptt';
import { Executor } from '../../../src/engine/executor';
import { Rng } from '../../../src/engine/rng';
import { WeightStore } from '../../../src/engine/weights';
import { restore } from '../../../src/graph/restore';
import { GraphBuilder } from '../compiler/graph-builder';
import { planOf, randomFeed, randomWeights } from '../engine/executor-fixtures';

/**
 * The `lstm-from-gates` example wires an LSTM from Linear/Sigmoid/Tanh/Multiply/Add/Delay nodes; it
 * must compute exactly what the fused `LSTM` node computes once their weights agree.
 */

const GATES = ['i', 'f', 'g', 'o'] as const;

function gatesDoc() {
  const text = readFileSync(join(__dirname, '..', '..', '..', 'examples', 'lstm-from-gates.unroll.json'), 'utf8');
  const r = restore(text);
  if (!r.ok) throw new Error(r.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return r.doc;
}

function gatesPlan(doc: ReturnType<typeof gatesDoc>): Plan {
  const r = compile(doc);
  if (!r.ok) throw new Error(`compile failed: ${r.problems.map((p) => p.message).join('; ')}`);
  return r.plan;
}

/** The same model with the fused cell: x → LSTM → LastStep → Linear → MSE, ids as in the example. */
function fusedGraph(hidden: number): GraphBuilder {
  return new GraphBuilder()
    .node('x', 'Input', { role: 'sequence', size: 2 })
    .node('cell', 'LSTM', { hidden })
    .node('last', 'LastStep')
    .node('readout', 'Linear', { units: 1 })
    .node('y', 'Input', { role: 'vector', size: 1 })
    .node('loss', 'MSE', { reduction: 'sumTimeMeanBatch' })
    .edge('x.out', 'cell.in')
    .edge('cell.h', 'last.in')
    .edge('last.out', 'readout.in0')
    .edge('readout.out', 'loss.prediction')
    .edge('y.out', 'loss.target');
}

/** Fused weight name for each gate-level weight name: `l<g>.W0/W1/b` ↔ `cell.U_g/W_g/b_g`; the readout keeps its name. */
function fusedName(name: string): string {
  const m = /^l([ifgo])\.(W0|W1|b)$/.exec(name);
  if (m === null) return name;
  const letter = { W0: 'U', W1: 'W', b: 'b' }[m[2] as 'W0' | 'W1' | 'b'];
  return `cell.${letter}_${m[1]}`;
}

describe('lstm-from-gates example', () => {
  const doc = gatesDoc();
  const gatePlan = gatesPlan(doc);
  const hidden = (doc.nodes.find((n) => n.id === 'hp')!.params as { size: number }).size;
  const fusedPlan = planOf(fusedGraph(hidden));

  it('has one fused weight for each gate-level weight, of the same shape', () => {
    const gateNames = gatePlan.params.map((p) => p.name).sort();
    const fusedNames = fusedPlan.params.map((p) => p.name).sort();
    expect(gateNames.map(fusedName).sort()).toEqual(fusedNames);
    expect(gateNames).toEqual(expect.arrayContaining(GATES.flatMap((g) => [`l${g}.W0`, `l${g}.W1`, `l${g}.b`])));
    for (const p of gatePlan.params) expect(fusedPlan.params.find((q) => q.name === fusedName(p.name))!.shape).toEqual(p.shape);
  });

  it('gives the fused LSTM’s loss and gradients on the same batch (to 1e-9)', () => {
    const gateWeights = randomWeights(gatePlan, 11);
    const fusedWeights = WeightStore.initialise(fusedPlan, new Rng(0));
    for (const name of gateWeights.names()) fusedWeights.get(fusedName(name)).set(gateWeights.get(name));

    const feed = randomFeed(gatePlan, [7, 3, 5, 1], 7, 5); // ragged lengths: LastStep reads each τ_b
    const a = bpttGradients(new Executor(gatePlan, gateWeights), feed);
    const b = bpttGradients(new Executor(fusedPlan, fusedWeights), feed);

    expect(a.loss.total).toBeGreaterThan(0);
    expect(Math.abs(a.loss.total - b.loss.total)).toBeLessThan(1e-9);
    let worst = 0;
    let nonzero = 0;
    for (const [name, g] of a.grads) {
      const f = b.grads.get(fusedName(name));
      expect(f, `fused gradient for ${name}`).toBeDefined();
      expect(f!.length).toBe(g.length);
      for (let k = 0; k < g.length; k++) {
        worst = Math.max(worst, Math.abs(g[k] - f![k]));
        if (Math.abs(g[k]) > 1e-6) nonzero++;
      }
    }
    expect(worst).toBeLessThan(1e-9);
    expect(nonzero).toBeGreaterThan(100); // the comparison covers real gradients, not zeros
  });

  it('differs from the fused LSTM when one gate weight differs (the comparison can fail)', () => {
    const gateWeights = randomWeights(gatePlan, 11);
    const fusedWeights = WeightStore.initialise(fusedPlan, new Rng(0));
    for (const name of gateWeights.names()) fusedWeights.get(fusedName(name)).set(gateWeights.get(name));
    fusedWeights.get('cell.b_f')[0] += 0.1;
    const feed = randomFeed(gatePlan, [7, 3, 5, 1], 7, 5);
    const a = bpttGradients(new Executor(gatePlan, gateWeights), feed);
    const b = bpttGradients(new Executor(fusedPlan, fusedWeights), feed);
    expect(Math.abs(a.loss.total - b.loss.total)).toBeGreaterThan(1e-9);
  });
});
