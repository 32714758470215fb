import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/compiler/compile';
import type { Plan } from '../../../src/compiler/plan';
import { Executor } from '../../../src/engine/executor';
import { createRng } from '../../../src/engine/rng';
import { recurrenceGradNorms } from '../../../src/engine/telemetry-records';
import { WeightStore } from '../../../src/engine/weights';
import { edgeId, nodeId } from '../../../src/graph/ids';
import { createSession, type Recording } from '../../../src/training';
import { randomFeed } from '../../../src/training/gradcheck-graph';
import { edgeGradNorms, edgeValues, ZERO_GRAD, zeroGradNodes } from '../../../src/training/telemetry';
import { addingDoc, perStepDoc, type Doc } from './fixtures';

function planOf(doc: Doc, fused = false): Plan {
  const r = compile(doc, { fused });
  if (!r.ok) throw new Error(r.problems.map((p) => p.message).join('; '));
  return r.plan;
}

/** An executor after one forward and backward pass over a random batch. */
function backwardOnce(plan: Plan, B = 3, T = 6): Executor {
  const rng = createRng(5);
  const exec = new Executor(plan, WeightStore.initialise(plan, rng.fork('init')));
  exec.bind(randomFeed(plan, B, T, rng.fork('feed')));
  exec.forward(0, T);
  exec.backward(0);
  return exec;
}

const frobenius = (a: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((s, v) => s + v * v, 0));

describe('per-edge gradient norms', () => {
  it('map each document edge to the value its source port carries (a composite to the inner value of its output)', () => {
    const doc = addingDoc('LSTM');
    const plan = planOf(doc);
    const map = new Map(edgeValues(plan, doc).map((e) => [e.edge, e.value]));
    expect(map.size).toBe(doc.edges.length);
    const fromCell = doc.edges.find((e) => e.source.node === 'cell')!;
    const h = plan.recurrences.find((r) => r.name === 'cell')!;
    expect(map.get(fromCell.id)).toBe(h.source);
    expect(h.source).not.toBe('cell.h');
    const fromLast = doc.edges.find((e) => e.source.node === 'last')!;
    expect(map.get(fromLast.id)).toBe('last.out');
  });

  it('keep a fused cell its own output value', () => {
    const doc = addingDoc('GRU');
    const plan = planOf(doc, true);
    const fromCell = doc.edges.find((e) => e.source.node === 'cell')!;
    const map = new Map(edgeValues(plan, doc).map((e) => [e.edge, e.value]));
    expect(plan.buffers.some((b) => b.id === map.get(fromCell.id))).toBe(true);
  });

  it("equal the Frobenius norm of the executor's own gradient() over batch and steps", () => {
    for (const doc of [addingDoc('LSTM'), addingDoc('RNN'), perStepDoc()]) {
      const plan = planOf(doc);
      const exec = backwardOnce(plan);
      const edges = edgeValues(plan, doc);
      const norms = edgeGradNorms(exec, edges);
      for (const { edge, value } of edges) {
        expect(norms[edge]).toBeCloseTo(frobenius(exec.gradient(value).data), 12);
      }
      const fromX = doc.edges.find((e) => e.source.node === 'x')!;
      expect(norms[fromX.id]).toBeGreaterThan(0);
    }
  });

  it('agree with ‖∂L/∂h_t‖ per step summed over steps for the cell output', () => {
    const doc = addingDoc('GRU');
    const plan = planOf(doc);
    const exec = backwardOnce(plan, 4, 7);
    const norms = edgeGradNorms(exec, edgeValues(plan, doc));
    const perStep = recurrenceGradNorms(exec).find((r) => r.name === 'cell')!.perStep;
    const fromCell = doc.edges.find((e) => e.source.node === 'cell')!;
    // randomFeed may pad: masked steps hold no gradient either way.
    expect(norms[fromCell.id]).toBeCloseTo(frobenius(perStep), 10);
  });
});

describe('near-zero parameter gradients', () => {
  it('flag a node only when every one of its trainable parameters is below 1e-8', () => {
    const plan = planOf(addingDoc('LSTM'));
    const trainable = plan.params.filter((p) => p.trainable).map((p) => p.name);
    const cellParams = trainable.filter((n) => n.startsWith('cell.'));
    expect(cellParams.length).toBeGreaterThan(1);
    const norms = Float64Array.from(trainable, (n) => (n.startsWith('cell.') ? ZERO_GRAD / 10 : 1));
    expect(zeroGradNodes(plan, trainable, norms)).toEqual(['cell']);
    norms[trainable.indexOf(cellParams[0])] = ZERO_GRAD * 10;
    expect(zeroGradNodes(plan, trainable, norms)).toEqual([]);
    expect(zeroGradNodes(plan, trainable, new Float64Array(trainable.length)).sort()).toEqual(['cell', 'out']);
  });
});

describe('records of a session', () => {
  it('carry a finite gradient norm for every edge and no flagged node while training works', async () => {
    const records: Recording[] = [];
    const doc = addingDoc('LSTM', { steps: 10 });
    const s = createSession({ doc, telemetry: { intervalMs: Infinity, everySteps: 100, recordEvery: 5 }, onEvent: (e) => e.type === 'telemetry' && records.push(...e.batch.records) });
    await s.start();
    expect(records.map((r) => r.step)).toEqual([1, 5, 10]);
    for (const r of records) {
      expect(Object.keys(r.edgeGrads).sort()).toEqual(doc.edges.map((e) => e.id).sort());
      for (const e of doc.edges.filter((x) => x.source.node !== 'y')) expect(r.edgeGrads[e.id]).toBeGreaterThan(0);
      expect(Object.values(r.edgeGrads).every(Number.isFinite)).toBe(true);
      expect(r.zeroGradNodes).toEqual([]);
    }
  });

  it('flag a node that no gradient reaches (its output feeds nothing)', async () => {
    const base = addingDoc('GRU', { steps: 3 });
    const doc: Doc = {
      ...base,
      nodes: [...base.nodes, { ...base.nodes.find((n) => n.id === 'out')!, id: nodeId('dead') }],
      edges: [...base.edges, { id: edgeId('e-dead'), source: { node: nodeId('last'), port: 'out' }, target: { node: nodeId('dead'), port: 'in0' } }],
    };
    const records: Recording[] = [];
    const s = createSession({ doc, telemetry: { recordEvery: 1 }, onEvent: (e) => e.type === 'telemetry' && records.push(...e.batch.records) });
    await s.start();
    expect(records.length).toBe(3);
    for (const r of records) {
      expect(r.zeroGradNodes).toEqual(['dead']);
      expect(r.edgeGrads['e-dead']).toBeGreaterThan(0); // last.out still carries the loss's gradient
    }
  });

  it('are not computed when recording is off', async () => {
    let records = 0;
    const s = createSession({ doc: addingDoc('RNN', { steps: 6 }), telemetry: { recordEvery: 0 }, onEvent: (e) => e.type === 'telemetry' && (records += e.batch.records.length) });
    await s.start();
    expect(records).toBe(0);
  });
});
