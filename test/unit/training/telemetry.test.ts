import { describe, expect, it } from 'vitest';
import { createSession, telemetryToJson, TelemetryBuffer, type TelemetryBatch } from '../../../src/training';
import { resolveTelemetry } from '../../../src/training/config';
import { addingDoc, fakeClock } from './fixtures';

async function batchesOf(options: Parameters<typeof createSession>[0]): Promise<TelemetryBatch[]> {
  const out: TelemetryBatch[] = [];
  const s = createSession({ ...options, onEvent: (e) => e.type === 'telemetry' && out.push(e.batch) });
  await s.start();
  return out;
}

describe('telemetry', () => {
  it('emits at most one batch per interval, covering every step once, as typed arrays', async () => {
    const batches = await batchesOf({ doc: addingDoc('GRU', { steps: 30 }), clock: fakeClock(1), telemetry: { intervalMs: 20, recordEvery: 0 } });
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.length).toBeLessThan(30);
    const steps = batches.flatMap((b) => Array.from(b.step));
    expect(steps).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    for (let i = 1; i < batches.length - 1; i++) expect(batches[i].elapsedMs - batches[i - 1].elapsedMs).toBeGreaterThanOrEqual(20);
    const b = batches[0];
    expect(b.loss).toBeInstanceOf(Float64Array);
    expect(b.clipped).toBeInstanceOf(Uint8Array);
    expect(b.metrics['loss.mse']).toBeInstanceOf(Float64Array);
    expect(b.paramGradNorms.length).toBe(b.count * b.paramNames.length);
    expect(b.stepsPerSecond).toBeGreaterThan(0);
  });

  it('with a step limit, batches hold at most K steps', async () => {
    const batches = await batchesOf({ doc: addingDoc('RNN', { steps: 10 }), telemetry: { intervalMs: Infinity, everySteps: 4, recordEvery: 0 } });
    expect(batches.map((b) => b.count)).toEqual([4, 4, 2]);
  });

  it('records ‖∂L/∂h_t‖ per recurrent node and step, gate activations and hidden states at the recording interval', async () => {
    const batches = await batchesOf({ doc: addingDoc('LSTM', { steps: 10 }), telemetry: { intervalMs: Infinity, everySteps: 100, recordEvery: 5, recordSample: 2 } });
    const records = batches.flatMap((b) => b.records);
    expect(records.map((r) => r.step)).toEqual([1, 5, 10]);
    const r = records[1];
    expect(r).toMatchObject({ T: 8, sample: 2, length: 8 });
    expect(r.gradNorms.map((g) => g.name).sort()).toEqual(['cell', 'cell.c']);
    const h = r.gradNorms.find((g) => g.name === 'cell')!;
    expect(h.perStep.length).toBe(8);
    expect(h.perStep.every((v) => v > 0 && Number.isFinite(v))).toBe(true);
    expect(r.gates.map((g) => g.name).sort()).toEqual(['f', 'g', 'i', 'o']);
    const f = r.gates.find((g) => g.name === 'f')!;
    expect(f.shape).toEqual([8, 4]);
    expect(Array.from(f.values).every((v) => v > 0 && v < 1)).toBe(true);
    expect(r.states.map((s) => s.name).sort()).toEqual(['c', 'h']);
  });

  it('under truncated BPTT a record takes each step’s norm from the chunk that ran it', async () => {
    const batches = await batchesOf({ doc: addingDoc('GRU', { steps: 1, tbptt: { k1: 3, k2: 3 } }), telemetry: { recordEvery: 1 } });
    const norms = batches[0].records[0].gradNorms[0].perStep;
    expect(norms.length).toBe(8);
    // The n→1 loss sits in the last chunk: earlier chunks have no loss of their own.
    expect(Array.from(norms.subarray(0, 6))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(norms[7]).toBeGreaterThan(0);
  });

  it('converts to JSON lines and checks its options', () => {
    const buf = new TelemetryBuffer(resolveTelemetry({ intervalMs: 10 }), ['a.W0'], 0);
    expect(buf.due(100)).toBe(false); // nothing pending
    buf.push({ step: 1, loss: 0.5, lr: 0.1, gradNorm: 2, clipped: 1, paramNorms: Float64Array.of(2), metrics: { 'l.mse': 0.5 } });
    expect(buf.due(5)).toBe(false);
    expect(buf.due(10)).toBe(true);
    const b = buf.flush(10, 10)!;
    expect(JSON.parse(JSON.stringify(telemetryToJson(b)))).toMatchObject({ count: 1, step: [1], loss: [0.5], clipped: [1], metrics: { 'l.mse': [0.5] }, paramGradNorms: [2], stepsPerSecond: 100 });
    expect(buf.flush(20, 20)).toBeUndefined();
    expect(() => resolveTelemetry({ everySteps: 0 })).toThrow(/everySteps/);
    expect(() => resolveTelemetry({ recordEvery: -1 })).toThrow(/recordEvery/);
  });
});
