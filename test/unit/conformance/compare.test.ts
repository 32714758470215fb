import { describe, expect, it } from 'vitest';
import { referenceBackend, withKernels } from '../../../kernels/reference';
import { checkCase, compareResult, formatRow, loadCase, runCase, tolerancesFor, type Leaf } from '../../../src/conformance';
import { readCase } from './case-files';

describe('compareResult', () => {
  const tol = tolerancesFor('float64');
  const got = new Map<string, Leaf>([
    ['loss', { shape: [], data: [1.5] }],
    ['grads.l0.W', { shape: [2, 2], data: [1, 2, 3, 4] }],
    ['dL_dh_norm.l0', { shape: [3], data: [0.1, 0.2, 0.3] }],
  ]);

  it('passes equal numbers, whether nested objects or dotted keys, tensors or plain lists', () => {
    const expected = { loss: 1.5, grads: { 'l0.W': { shape: [2, 2], data: [1, 2, 3, 4] } }, dL_dh_norm: { l0: [0.1, 0.2, 0.3] }, reference: 'text', mask: { shape: [1], data: [7] } };
    const r = compareResult(expected, got, tol);
    expect(r).toMatchObject({ leaves: 3, values: 8, mismatches: [] });
  });

  it('names the worst element of a failing tensor with its index and both values', () => {
    const expected = { grads: { l0: { W: { shape: [2, 2], data: [1, 2, 3.001, 4.1] } } } };
    const r = compareResult(expected, got, tol);
    expect(r.mismatches).toEqual([{ kind: 'value', path: 'grads.l0.W', index: [1, 1], ref: 4.1, got: 4, excess: expect.any(Number), bad: 2, size: 4 }]);
  });

  it('fails a path Unroll does not produce, and a tensor of another shape', () => {
    const r = compareResult({ outputs: { attn: { alpha: [1, 2] } }, dL_dh_norm: { l0: [0.1, 0.2] } }, got, tol);
    expect(r.mismatches.map((m) => [m.kind, m.path])).toEqual([
      ['missing', 'outputs.attn.alpha'],
      ['shape', 'dL_dh_norm.l0'],
    ]);
  });

  it('applies atol + rtol·|ref|', () => {
    const within = compareResult({ loss: 1.5 + 1e-9 }, got, { rtol: 1e-9, atol: 0 });
    const outside = compareResult({ loss: 1.5 + 1e-8 }, got, { rtol: 1e-9, atol: 0 });
    expect([within.mismatches.length, outside.mismatches.length]).toEqual([0, 1]);
  });
});

describe('a tampered case fails with the right path and index', () => {
  it('changes one expected gradient element and sees exactly that element reported', () => {
    const json = readCase('lstm_ce');
    const w = json.expected.grads['l0.W_f'];
    const k = 2 * w.shape[1] + 5; // element [2, 5]
    const ref = w.data[k] + 1e-6;
    w.data[k] = ref;
    const r = checkCase(json, { backend: referenceBackend });
    expect(r.status).toBe('fail');
    expect(r.comparison!.mismatches).toHaveLength(1);
    expect(r.comparison!.mismatches[0]).toMatchObject({ kind: 'value', path: 'grads.l0.W_f', index: [2, 5], ref, bad: 1 });
    expect(formatRow(r)).toMatch(/lstm_ce\s+FAIL\s+grads\.l0\.W_f\[2,5\]: ref \S+ got \S+ \(1\/64 outside\)/);
  });

  it('reports a tampered per-chunk truncated-BPTT loss under its chunk', () => {
    const json = readCase('gru_tbptt_k3_k5');
    json.expected.tbptt[1].loss += 1e-3;
    const r = checkCase(json, { backend: referenceBackend });
    expect(r.comparison!.mismatches.map((m) => m.path)).toEqual(['tbptt[1].loss']);
  });

  it('compares the Pascanu block: a tampered Ω or gradient of Ω fails under its path', () => {
    const json = readCase('rnn_tanh_ce');
    expect(checkCase(json, { backend: referenceBackend }).status).toBe('pass');
    json.expected.pascanu.omega += 1e-6;
    json.expected.pascanu.grads['l0.U'].data[3] += 1e-6;
    const r = checkCase(json, { backend: referenceBackend });
    expect(r.status).toBe('fail');
    expect(r.comparison!.mismatches.map((m) => m.path).sort()).toEqual(['pascanu.grads.l0.U', 'pascanu.omega']);
  });

  it('fails a Pascanu case on another node than the one its numbers are for', () => {
    const json = readCase('rnn_tanh_ce');
    json.training.pascanu.node = 'out';
    expect(checkCase(json, { backend: referenceBackend })).toMatchObject({ status: 'fail', reason: expect.stringMatching(/training\.pascanu: node "out" is a Linear: Ω is available for RNN \(Elman\), LSTM and GRU cells/) });
  });
});

describe('the runner takes any Backend, with tolerances by its precision', () => {
  // The reference kernels declared float32: a stand-in for a float32 backend (same numbers, looser bounds).
  const as32 = withKernels(referenceBackend, {}, { name: 'test-f32', precision: 'float32' });

  it('uses float32 tolerances for a float32 backend', () => {
    const json = readCase('gru_default_ce');
    json.expected.loss *= 1 + 1e-6; // within 1e-4 relative, far outside 1e-9
    expect(checkCase(json, { backend: as32 }).status).toBe('pass');
    expect(checkCase(json, { backend: referenceBackend }).status).toBe('fail');
  });

  it('runs every op of the case through the backend it is given', () => {
    const r = loadCase(readCase('lstm_ce'));
    if (r.status !== 'ready') throw new Error('lstm_ce should load');
    const types = new Set<string>();
    const spy = { ...referenceBackend, name: 'spy', forward: (op: { type: string; node: string; attrs: unknown }, ...rest: Parameters<typeof referenceBackend.forward> extends [unknown, ...infer R] ? R : never) => (types.add(op.type), referenceBackend.forward(op, ...rest)) };
    runCase(r.case, spy);
    expect([...types].sort()).toEqual(['Add', 'CrossEntropy', 'Linear', 'Multiply', 'Sigmoid', 'Tanh']);
  });
});
