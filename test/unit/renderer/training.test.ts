import { beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { restore } from '../../../src/graph/restore';
import type { GraphDocument } from '../../../src/graph/document';
import { typedToBase64, type HostEvent } from '../../../src/protocol';
import { useApp } from '../../../renderer/store';
import { selectDirty } from '../../../renderer/store/documentSlice';
import { canKeep, fieldOfPath, graphSignature, handleSessionEvent, parseForm } from '../../../renderer/training/actions';
import { RingSeries } from '../../../renderer/training/ring';
import { formFromTraining, useTraining } from '../../../renderer/training/trainingStore';

function example(): GraphDocument {
  const r = restore(readFileSync(new URL('../../../examples/lstm-adding.unroll.json', import.meta.url), 'utf8'));
  if (!r.ok) throw new Error('example does not restore');
  return r.doc;
}

describe('RingSeries', () => {
  it('keeps the newest points in order, and the first one apart', () => {
    const r = new RingSeries(3);
    for (let i = 1; i <= 5; i++) r.push(i, i * 10);
    expect(r.toArrays()).toEqual({ x: [3, 4, 5], y: [30, 40, 50] });
    expect(r.first).toEqual({ x: 1, y: 10 });
    expect(r.last()).toEqual({ x: 5, y: 50 });
    r.clear();
    expect(r.length).toBe(0);
    expect(r.last()).toBeUndefined();
    expect(() => new RingSeries(0)).toThrow(/capacity/);
  });
});

describe('the training form', () => {
  it('defaults from the document training block', () => {
    const f = formFromTraining(example().training);
    expect(f).toMatchObject({ task: 'adding', taskParams: { T: '30' }, optimizer: 'adam', lr: '0.01', batchSize: '32', steps: '1000', clip: '1', k1: '', k2: '', seed: '1', backend: 'auto' });
    expect(formFromTraining(undefined)).toMatchObject({ task: 'adding', taskParams: { T: '30' }, backend: 'auto' });
  });

  it('parses into a session.start payload', () => {
    const r = parseForm({ ...formFromTraining(undefined), taskParams: { T: '10', minT: '' }, lr: '0.02', steps: '50', clip: '', k1: '5', k2: '8', backend: 'reference' });
    expect(r).toEqual({
      ok: true,
      payload: { task: 'adding', taskParams: { T: 10 }, backend: 'reference', config: { optimizer: { kind: 'adam', lr: 0.02 }, batchSize: 32, steps: 50, seed: 1, clip: null, tbptt: { k1: 5, k2: 8 } } },
    });
  });

  it('names every bad field', () => {
    const r = parseForm({ ...formFromTraining(undefined), lr: '0', batchSize: '1.5', seed: '-1', k1: '8', k2: '4', taskParams: { T: '1' } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual(['batchSize', 'k2', 'lr', 'seed', 'taskParams.T']);
  });

  it('maps host error paths to form fields', () => {
    expect(fieldOfPath('config.optimizer.lr')).toBe('lr');
    expect(fieldOfPath('config.tbptt.k2')).toBe('k2');
    expect(fieldOfPath('config.tbptt')).toBe('k1');
    expect(fieldOfPath('taskParams.T')).toBe('taskParams.T');
    expect(fieldOfPath('backend')).toBe('backend');
    expect(fieldOfPath('doc.nodes[0]')).toBeUndefined();
  });
});

describe('keeping trained weights is one undo step', () => {
  beforeEach(() => useApp.getState().load(example()));

  it('swaps in the training config and weights; undo and redo swap them back and forth', () => {
    const s = () => useApp.getState();
    const before = s().doc;
    const weights = { 'readout.W0': { shape: [1, 16], dtype: 'float32' as const, data: typedToBase64(new Float32Array(16).fill(0.5)) } };
    const training = { ...before.training!, steps: 50 };
    s().replaceTrained({ training, weights });
    expect(s().doc.weights).toEqual(weights);
    expect(s().doc.training?.steps).toBe(50);
    expect(s().doc.nodes).toBe(before.nodes);
    expect(selectDirty(s())).toBe(true);
    s().undo();
    expect(s().doc.weights).toBeUndefined();
    expect(s().doc.training).toEqual(before.training);
    expect(selectDirty(s())).toBe(false);
    s().redo();
    expect(s().doc.weights).toEqual(weights);
    expect(graphSignature(s().doc)).toBe(graphSignature(before));
  });
});

describe('session events', () => {
  beforeEach(() => {
    const t = useTraining.getState();
    t.resetSeries();
    t.setRun({ id: 's1', status: 'running', step: 0, total: 4, metric: 'loss.mse', signature: '', stepsPerSecond: 0, elapsedMs: 0 });
  });

  const telemetry = (sessionId: string, from: number, losses: number[]): HostEvent => ({
    name: 'session.telemetry',
    payload: {
      sessionId,
      count: losses.length,
      step: typedToBase64(Int32Array.from(losses, (_, i) => from + i)),
      loss: typedToBase64(Float64Array.from(losses)),
      lr: typedToBase64(new Float64Array(losses.length)),
      gradNorm: typedToBase64(new Float64Array(losses.length)),
      clipped: typedToBase64(new Uint8Array(losses.length)),
      metrics: { 'loss.mse': typedToBase64(Float64Array.from(losses, (l) => l / 2)) },
      paramNames: [],
      paramGradNorms: '',
      stepsPerSecond: 50,
      elapsedMs: 40,
      totalSteps: 4,
      records: [],
    },
  });

  it('fills the series from this session only, and follows its status to the end', () => {
    handleSessionEvent(telemetry('s1', 1, [1, 0.5]));
    handleSessionEvent(telemetry('s9', 1, [7]));
    handleSessionEvent(telemetry('s1', 3, [0.25, 0.125]));
    const t = useTraining.getState();
    expect(t.loss.toArrays()).toEqual({ x: [1, 2, 3, 4], y: [1, 0.5, 0.25, 0.125] });
    expect(t.metric.toArrays().y).toEqual([0.5, 0.25, 0.125, 0.0625]);
    expect(t.run).toMatchObject({ step: 4, stepsPerSecond: 50 });
    handleSessionEvent({ name: 'session.diverged', payload: { sessionId: 's1', divergence: { stage: 'forward', node: 'cell', value: 'cell.h.out', step: 3, found: 'NaN', trainingStep: 5, message: 'NaN in cell' } } });
    handleSessionEvent({ name: 'session.ended', payload: { sessionId: 's1', status: 'diverged', step: 4, elapsedMs: 80, lastLoss: 0.125 } });
    const run = useTraining.getState().run;
    expect(run).toMatchObject({ status: 'diverged', divergence: { node: 'cell', step: 3, trainingStep: 5 } });
    expect(canKeep(run)).toBe(true);
  });
});
