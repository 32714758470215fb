import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import type { GraphDocument } from '../../../src/graph/document';
import { restore } from '../../../src/graph/restore';
import { typedToBase64, type HostEvent } from '../../../src/protocol';
import { OMEGA_METRIC } from '../../../src/training';
import { useApp } from '../../../renderer/store';
import { fieldOfPath, handleSessionEvent, parseForm } from '../../../renderer/training/actions';
import { cellNodeIds, offeredNodes, pascanuBlock, pascanuNodes, pascanuProblem, toggledNodes } from '../../../renderer/training/pascanu';
import { formFromTraining, useTraining, type TrainingForm } from '../../../renderer/training/trainingStore';

function example(name: string): GraphDocument {
  const r = restore(readFileSync(new URL(`../../../examples/${name}.unroll.json`, import.meta.url), 'utf8'));
  if (!r.ok) throw new Error(`example ${name} does not restore`);
  return r.doc;
}

/** The Elman adding example with a second RNN `top` stacked on `cell` (so two RNN nodes to choose from). */
function stacked(): GraphDocument {
  const json = JSON.parse(readFileSync(new URL('../../../examples/elman-adding.unroll.json', import.meta.url), 'utf8')) as {
    nodes: unknown[];
    edges: { id: string; source: { node: string; port: string }; target: { node: string; port: string } }[];
  };
  json.nodes.push({ id: 'top', type: 'RNN', version: 1, position: { x: 360, y: 120 }, params: { activation: 'tanh', hidden: 8, init: 'zeros' } });
  json.edges = json.edges.filter((e) => e.id !== 'e2');
  json.edges.push({ id: 'e6', source: { node: 'cell', port: 'h' }, target: { node: 'top', port: 'in' } }, { id: 'e7', source: { node: 'top', port: 'h' }, target: { node: 'last', port: 'in' } });
  const r = restore(JSON.stringify(json));
  if (!r.ok) throw new Error(r.problems.map((p) => `${p.path}: ${p.message}`).join('; '));
  return r.doc;
}

const form = (doc: GraphDocument, patch: Partial<TrainingForm> = {}): TrainingForm => ({ ...formFromTraining(doc.training), ...patch });

describe('the Pascanu control in the training form', () => {
  it('reads training.pascanu from the document, and is off with λ 1 and the default cells when there is none', () => {
    const doc = example('elman-adding');
    expect(formFromTraining(doc.training)).toMatchObject({ pascanu: false, pascanuLambda: '1', pascanuNodes: null });
    const f = formFromTraining({ ...doc.training!, pascanu: { nodes: ['cell'], lambda: 0.25 } });
    expect(f).toMatchObject({ pascanu: true, pascanuLambda: '0.25', pascanuNodes: ['cell'] });
  });

  it('offers only RNN, LSTM and GRU nodes, every one by default; a choice keeps document order and drops deleted nodes', () => {
    const doc = stacked();
    expect(cellNodeIds(doc)).toEqual(['cell', 'top']);
    const f = form(doc, { pascanu: true });
    expect(pascanuNodes(f, doc)).toEqual(['cell', 'top']);
    expect(offeredNodes(f, doc)).toEqual(['cell', 'top']);
    const onlyTop = toggledNodes(f, doc, 'cell', false);
    expect(onlyTop).toEqual(['top']);
    expect(toggledNodes({ pascanuNodes: onlyTop }, doc, 'cell', true)).toEqual(['cell', 'top']);
    expect(pascanuNodes({ pascanuNodes: ['gone', 'top'] }, doc)).toEqual(['top']);
    // A node of another kind named in the document stays listed, so it can be unticked (the engine refuses it).
    expect(offeredNodes({ pascanuNodes: ['readout'] }, doc)).toEqual(['cell', 'top', 'readout']);
  });

  it('offers LSTM and GRU nodes; by default leaves out a decoder’s cells (training refuses them)', () => {
    const stack = example('stacked-lstm');
    expect(cellNodeIds(stack)).toEqual(['lstm1', 'lstm2']);
    expect(pascanuNodes(form(stack), stack)).toEqual(['lstm1', 'lstm2']);
    const gru = example('gru-adding');
    expect(pascanuBlock(form(gru), gru)).toBeUndefined();
    expect(pascanuProblem(gru, { nodes: pascanuNodes(form(gru), gru) })).toBeUndefined();
    const s2s = example('seq2seq-context-reverse');
    expect(offeredNodes(form(s2s), s2s)).toEqual(['enc', 'dec']);
    expect(pascanuNodes(form(s2s), s2s)).toEqual(['enc']);
    const r = parseForm(form(stack, { pascanu: true, pascanuNodes: ['lstm2'] }), stack);
    expect(r.ok && r.payload.config?.pascanu).toEqual({ nodes: ['lstm2'], lambda: 1 });
  });

  it('is unavailable without an RNN, LSTM or GRU node, and under truncated BPTT', () => {
    expect(pascanuBlock(form(example('leaky-adding')), example('leaky-adding'))).toBe('noCell');
    expect(pascanuBlock(form(example('bilstm-parity')), example('bilstm-parity'))).toBe('noCell');
    expect(pascanuBlock(form(example('lstm-adding')), example('lstm-adding'))).toBeUndefined();
    const doc = example('elman-adding');
    expect(pascanuBlock(form(doc), doc)).toBeUndefined();
    expect(pascanuBlock(form(doc, { k1: '5', k2: '' }), doc)).toBe('tbptt');
    expect(pascanuBlock(form(doc, { k1: '', k2: '8' }), doc)).toBe('tbptt');
  });

  it('parses into training.pascanu of the session config: every cell by default, λ as typed', () => {
    const doc = stacked();
    const r = parseForm(form(doc, { pascanu: true, pascanuLambda: '0.5' }), doc);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.payload.config?.pascanu).toEqual({ nodes: ['cell', 'top'], lambda: 0.5 });
    const chosen = parseForm(form(doc, { pascanu: true, pascanuNodes: ['top'] }), doc);
    expect(chosen.ok && chosen.payload.config?.pascanu).toEqual({ nodes: ['top'], lambda: 1 });
  });

  it('off, it removes the document’s setting (null) and leaves a document without one alone', () => {
    const doc = example('elman-adding');
    const plain = parseForm(form(doc), doc);
    expect(plain.ok && 'pascanu' in plain.payload.config!).toBe(false);
    const withIt = { ...doc, training: { ...doc.training!, pascanu: { nodes: ['cell'], lambda: 1 } } };
    const off = parseForm(form(withIt, { pascanu: false }), withIt);
    expect(off.ok && off.payload.config?.pascanu).toBeNull();
    // Under truncated BPTT the control is unavailable: the setting is not sent either.
    const tbptt = parseForm(form(withIt, { k1: '5', k2: '5' }), withIt);
    expect(tbptt.ok && tbptt.payload.config).toMatchObject({ pascanu: null, tbptt: { k1: 5, k2: 5 } });
  });

  it('names a bad λ beside its field, and a setting the engine refuses with the engine’s message', () => {
    const doc = example('elman-adding');
    for (const bad of ['-1', '', 'abc', 'Infinity']) {
      const r = parseForm(form(doc, { pascanu: true, pascanuLambda: bad }), doc);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(Object.keys(r.errors)).toEqual(['pascanuLambda']);
    }
    const zero = parseForm(form(doc, { pascanu: true, pascanuLambda: '0' }), doc);
    expect(zero.ok).toBe(true);

    const none = parseForm(form(doc, { pascanu: true, pascanuNodes: [] }), doc);
    expect(none).toEqual({ ok: false, errors: { pascanu: 'name at least one RNN, LSTM or GRU node whose Ω to add' } });
    const linear = parseForm(form(doc, { pascanu: true, pascanuNodes: ['readout'] }), doc);
    expect(linear.ok ? '' : linear.errors.pascanu).toBe('node "readout" is a Linear: Ω is available for RNN (Elman), LSTM and GRU cells; the RNN, LSTM and GRU nodes are "cell" (RNN)');

    const skip = example('skip-rnn-adding');
    const r = parseForm(form(skip, { pascanu: true }), skip);
    expect(r.ok ? '' : r.errors.pascanu).toMatch(/^RNN node "cell" has a skip connection through time/);
    // The same check the control runs live.
    expect(pascanuProblem(skip, { nodes: ['cell'] })).toMatch(/skip connection/);
    expect(pascanuProblem(doc, { nodes: ['cell'] })).toBeUndefined();
  });

  it('maps the host’s errors on training.pascanu to the control', () => {
    expect(fieldOfPath('config.pascanu')).toBe('pascanu');
    expect(fieldOfPath('config.pascanu.nodes')).toBe('pascanu');
    expect(fieldOfPath('config.pascanu.lambda')).toBe('pascanuLambda');
  });

  it('follows the document: kept weights with training.pascanu put it in the form; undo takes it out again', () => {
    const doc = example('elman-adding');
    useApp.getState().load(doc);
    const training = { ...doc.training!, pascanu: { nodes: ['cell'], lambda: 2 } };
    useApp.getState().replaceTrained({ training, weights: {} });
    expect(formFromTraining(useApp.getState().doc.training)).toMatchObject({ pascanu: true, pascanuLambda: '2', pascanuNodes: ['cell'] });
    useApp.getState().undo();
    expect(useApp.getState().doc.training?.pascanu).toBeUndefined();
    expect(formFromTraining(useApp.getState().doc.training).pascanu).toBe(false);
  });
});

describe('the Ω curve', () => {
  beforeEach(() => {
    const t = useTraining.getState();
    t.resetSeries();
    t.setRun({ id: 's1', status: 'running', step: 0, total: 3, metric: 'loss.mse', metrics: ['loss.mse', OMEGA_METRIC], signature: '', stepsPerSecond: 0, elapsedMs: 0 });
  });

  const telemetry = (from: number, losses: number[], omega: number[] | undefined): HostEvent => ({
    name: 'session.telemetry',
    payload: {
      sessionId: 's1',
      count: losses.length,
      step: typedToBase64(Int32Array.from(losses, (_, i) => from + i)),
      loss: typedToBase64(Float64Array.from(losses)),
      lr: typedToBase64(new Float64Array(losses.length)),
      gradNorm: typedToBase64(new Float64Array(losses.length)),
      clipped: typedToBase64(new Uint8Array(losses.length)),
      metrics: { 'loss.mse': typedToBase64(Float64Array.from(losses)), ...(omega === undefined ? {} : { [OMEGA_METRIC]: typedToBase64(Float64Array.from(omega)) }) },
      paramNames: [],
      paramGradNorms: '',
      stepsPerSecond: 10,
      elapsedMs: 30,
      totalSteps: 3,
      records: [],
    },
  });

  it('fills a series for every listed metric after the first, and a new run starts it empty', () => {
    handleSessionEvent(telemetry(1, [0.9, 0.8], [0.3, 0.2]));
    handleSessionEvent(telemetry(3, [0.7], [0.1]));
    const t = useTraining.getState();
    expect(t.metric.toArrays().y).toEqual([0.9, 0.8, 0.7]);
    expect([...t.extras.keys()]).toEqual([OMEGA_METRIC]);
    expect(t.extras.get(OMEGA_METRIC)!.toArrays()).toEqual({ x: [1, 2, 3], y: [0.3, 0.2, 0.1] });
    t.resetSeries();
    expect(useTraining.getState().extras.size).toBe(0);
  });

  it('draws nothing extra for a run whose host listed only the loss metric', () => {
    useTraining.getState().patchRun({ metrics: ['loss.mse'] });
    handleSessionEvent(telemetry(1, [0.9], [0.3]));
    expect(useTraining.getState().extras.size).toBe(0);
  });
});
