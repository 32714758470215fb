import { describe, expect, it } from 'vitest';
import { referenceBackend } from '../../../kernels/reference';
import { checkCase, loadCase, runCase, type LoadedCase } from '../../../src/conformance';
import { readCase } from './case-files';

/** `init: "given"`: initial states from the batch, fed to the cell's Delays; input_grads = ∂L/∂s_0. */

function withGiven(name: string, fill: (i: number) => number): Record<string, any> {
  const json = readCase(name);
  const layer = json.model.layers[0];
  layer.init = 'given';
  const B = json.batch.lengths?.length ?? (json.batch.x ?? json.batch.tokens).shape[0];
  const state = () => ({ shape: [B, layer.hidden], data: Array.from({ length: B * layer.hidden }, (_, i) => fill(i)) });
  json.batch.init = { l0: layer.cell === 'lstm' ? { h: state(), c: state() } : { h: state() } };
  return json;
}

function ready(json: unknown): LoadedCase {
  const r = loadCase(json);
  if (r.status !== 'ready') throw new Error(`not runnable: ${r.status}`);
  return r.case;
}

describe('cases with given initial states', () => {
  it('zero given states reproduce the zero-initialised case exactly', () => {
    const r = checkCase(withGiven('lstm_ce', () => 0), { backend: referenceBackend });
    expect(r.status).toBe('pass');
  });

  it('reports input_grads that agree with finite differences of the loss', () => {
    const json = withGiven('lstm_varlen_meanvalid_ce', (i) => 0.3 * Math.sin(i + 1));
    const c = ready(json);
    const res = runCase(c, referenceBackend);
    const g = res.get('input_grads.init.l0.c')!;
    expect(g.shape).toEqual([4, 6]);
    expect(res.get('input_grads.init.l0.h')!.shape).toEqual([4, 6]);
    const loss = (k: number, d: number) => {
      const j = structuredClone(json);
      j.batch.init.l0.c.data[k] += d;
      return runCase(ready(j), referenceBackend).get('loss')!.data[0];
    };
    for (const k of [0, 7, 23]) {
      const h = 1e-6;
      const numeric = (loss(k, h) - loss(k, -h)) / (2 * h);
      expect(g.data[k]).toBeCloseTo(numeric, 7);
    }
    expect(Math.max(...Array.from(g.data, Math.abs))).toBeGreaterThan(1e-4);
  });

  it('an RNN with a skip connection takes the given h_0 on both of its Delays (h_{t−d} = h_0 for t ≤ d)', () => {
    expect(checkCase(withGiven('rnn_skip_add_ce', () => 0), { backend: referenceBackend }).status).toBe('pass');
    const json = withGiven('rnn_skip_add_ce', (i) => 0.4 * Math.cos(i));
    const g = runCase(ready(json), referenceBackend).get('input_grads.init.l0.h')!;
    const loss = (k: number, d: number) => {
      const j = structuredClone(json);
      j.batch.init.l0.h.data[k] += d;
      return runCase(ready(j), referenceBackend).get('loss')!.data[0];
    };
    for (const k of [0, 4, 9]) expect(g.data[k]).toBeCloseTo((loss(k, 1e-6) - loss(k, -1e-6)) / 2e-6, 7);
    // h_1 = tanh(b + W h_0 + W_d h_0 + U x_1): h_0 enters through both Delays
    const w = (n: string): number[] => json.weights[`l0.${n}`].data;
    const [H, I, T] = [5, 3, json.batch.x.shape[1]];
    const h0: number[] = json.batch.init.l0.h.data;
    const h = runCase(ready(json), referenceBackend).get('outputs.l0.h')!;
    for (let u = 0; u < H; u++) {
      let a = w('b')[u];
      for (let k = 0; k < H; k++) a += (w('W')[u * H + k] + w('W_d')[u * H + k]) * h0[k];
      for (let i = 0; i < I; i++) a += w('U')[u * I + i] * json.batch.x.data[i];
      expect(h.data[u]).toBeCloseTo(Math.tanh(a), 12);
    }
    expect(h.shape).toEqual([2, T, H]);
  });

  it('refuses a given layer without its states, naming the batch field', () => {
    const json = withGiven('gru_default_ce', () => 0);
    delete json.batch.init;
    const r = loadCase(json);
    expect(r.status === 'invalid' && r.error.message).toMatch(/^batch\.init\.l0\.h: missing; layer "l0" has init "given"/);
  });
});
