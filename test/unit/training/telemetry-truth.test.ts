import { describe, expect, it } from 'vitest';
import { createSession, type TelemetryBatch } from '../../../src/training';
import type { Recording } from '../../../src/training/telemetry';
import { createBackend } from '../../../kernels';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { restore } from '../../../src/graph/restore';
import { addingDoc, type Doc } from './fixtures';

/**
 * What the dashboard draws is what the model computes: the records a training run takes on a
 * float32 backend (‖∂L/∂h_t‖ per step, gate activations, hidden and cell states) equal the float64
 * reference backend's for the same batch and weights. Runs are seeded, so both backends train on the
 * same batches from the same initial weights; the first record (step 1) is the same batch at the
 * same weights exactly, and later ones differ only by float32 rounding of the updates.
 */

async function recordsOf(doc: Doc, backend: string): Promise<Recording[]> {
  const out: TelemetryBatch[] = [];
  const s = createSession({ doc: doc as never, backend: createBackend(backend).backend, telemetry: { intervalMs: Infinity, everySteps: 100, recordEvery: 2, recordSample: 1 }, onEvent: (e) => e.type === 'telemetry' && out.push(e.batch) });
  await s.start();
  return out.flatMap((b) => b.records);
}

function worstRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1e-3 * scale, 1e-30));
  return worst;
}

describe('recorded telemetry equals the reference backend’s', () => {
  for (const cell of ['LSTM', 'GRU', 'RNN'] as const) {
    for (const backend of ['f32', 'gpujs:webasm']) {
      it(`${cell} on ${backend}: ‖∂L/∂h_t‖ at every t, gates and states, relative error < 1e-4`, async () => {
        const doc = addingDoc(cell, { steps: 5, taskParams: { T: 12 }, batchSize: 6 });
        const [ref, got] = await Promise.all([recordsOf(doc, 'reference'), recordsOf(doc, backend)]);
        expect(got.map((r) => r.step)).toEqual(ref.map((r) => r.step));
        expect(ref.length).toBeGreaterThanOrEqual(2);
        let compared = 0;
        let worstSeen = 0;
        ref.forEach((r, k) => {
          const g = got[k];
          expect(g.sample).toBe(r.sample);
          expect(g.length).toBe(r.length);
          for (const n of r.gradNorms) {
            const m = g.gradNorms.find((x) => x.name === n.name)!;
            const w = worstRelative(m.perStep, n.perStep);
            worstSeen = Math.max(worstSeen, w);
            expect(w, `${n.name} step ${r.step}`).toBeLessThan(1e-4);
            compared += n.perStep.length;
          }
          for (const [mine, theirs] of [
            [g.gates, r.gates],
            [g.states, r.states],
          ] as const) {
            for (const t of theirs) {
              const m = mine.find((x) => x.node === t.node && x.name === t.name)!;
              expect(worstRelative(m.values, t.values), `${t.node}.${t.name} step ${r.step}`).toBeLessThan(1e-4);
              compared += t.values.length;
            }
          }
        });
        expect(compared).toBeGreaterThan(100);
        // float32 arithmetic does differ from float64: the two runs really used different backends
        expect(worstSeen).toBeGreaterThan(0);
      });
    }
  }

  for (const backend of ['f32', 'gpujs:webasm']) {
    it(`an encoder–decoder on ${backend}: attention weights, decoder and encoder ‖∂L/∂h_t‖, relative error < 1e-4`, async () => {
      const r = restore(readFileSync(join(__dirname, '..', '..', '..', 'examples', 'seq2seq-attention-reverse.unroll.json'), 'utf8'));
      if (!r.ok) throw new Error('example does not restore');
      const doc = { ...r.doc, training: { ...r.doc.training!, steps: 4, batchSize: 8 } };
      const [ref, got] = await Promise.all([recordsOf(doc, 'reference'), recordsOf(doc, backend)]);
      expect(got.map((x) => x.step)).toEqual(ref.map((x) => x.step));
      let worst = 0;
      ref.forEach((rr, k) => {
        const g = got[k];
        expect(rr.attention?.length).toBe(1);
        const a = rr.attention![0];
        const b = g.attention!.find((x) => x.node === a.node)!;
        expect(b.shape).toEqual(a.shape);
        expect(a.shape[0]).toBeGreaterThan(1);
        const w = worstRelative(b.alpha, a.alpha);
        expect(w, `alpha step ${rr.step}`).toBeLessThan(1e-4);
        worst = Math.max(worst, w);
        for (const n of rr.gradNorms) {
          const m = g.gradNorms.find((x) => x.name === n.name)!;
          expect(worstRelative(m.perStep, n.perStep), `${n.name} step ${rr.step}`).toBeLessThan(1e-4);
        }
        expect(rr.gradNorms.map((n) => n.name).sort()).toEqual(['dec', 'enc']);
      });
      expect(worst).toBeGreaterThan(0);
    });
  }
});
