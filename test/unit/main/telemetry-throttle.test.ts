import { describe, expect, it } from 'vitest';
import { decodeTelemetry, type TelemetryWire } from '../../../src/protocol';
import type { TelemetryBatch } from '../../../src/training';
import { mergeBatches, TelemetryThrottle, toWire } from '../../../main/sessions/telemetry';

function batch(from: number, count: number, metric = true): TelemetryBatch {
  const steps = Int32Array.from({ length: count }, (_, i) => from + i);
  return {
    count,
    step: steps,
    loss: Float64Array.from(steps, (s) => 1 / s),
    lr: new Float64Array(count).fill(0.01),
    gradNorm: Float64Array.from(steps, (s) => s),
    clipped: new Uint8Array(count),
    metrics: metric ? { 'loss.mse': Float64Array.from(steps, (s) => 2 / s) } : {},
    paramNames: ['a.W', 'a.b'],
    paramGradNorms: Float64Array.from({ length: 2 * count }, (_, i) => i),
    stepsPerSecond: 100,
    elapsedMs: from * 10,
    records: [],
  };
}

describe('telemetry on the wire', () => {
  it('round-trips through base64 and merges batches in order, NaN where a metric is missing', () => {
    const merged = mergeBatches(batch(1, 3), batch(4, 2, false));
    const f = decodeTelemetry(toWire('s1', merged, 10));
    expect([...f.step]).toEqual([1, 2, 3, 4, 5]);
    expect([...f.loss]).toEqual([1, 1 / 2, 1 / 3, 1 / 4, 1 / 5]);
    expect([...f.metrics['loss.mse']!].slice(0, 3)).toEqual([2, 1, 2 / 3]);
    expect(Number.isNaN(f.metrics['loss.mse']![4])).toBe(true);
    expect([...f.paramGradNorms]).toEqual([0, 1, 2, 3, 4, 5, 0, 1, 2, 3]);
    expect(f.totalSteps).toBe(10);
  });

  it('refuses a message whose arrays do not have count rows, naming the field', () => {
    const w = toWire('s1', batch(1, 3), 10);
    expect(() => decodeTelemetry({ ...w, count: 4 })).toThrow(/step/);
    expect(() => decodeTelemetry({ ...w, loss: 'AAAA' })).toThrow(/loss/);
  });
});

describe('TelemetryThrottle', () => {
  it('forwards at most 30 messages a second and loses no step', async () => {
    const sent: { at: number; wire: TelemetryWire }[] = [];
    const t0 = performance.now();
    const throttle = new TelemetryThrottle((wire) => sent.push({ at: performance.now() - t0, wire }), { perSecond: 30 });
    // Two sessions, each pushing a batch every 2 ms for 600 ms: 600 batches.
    let step = 1;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        throttle.push('s1', batch(step, 1), 1000);
        throttle.push('s2', batch(step, 1), 1000);
        step++;
        if (performance.now() - t0 > 600) {
          clearInterval(timer);
          resolve();
        }
      }, 2);
    });
    await new Promise((r) => setTimeout(r, 150));
    throttle.close();
    for (let i = 0; i < sent.length; i++) {
      const inWindow = sent.filter((s) => s.at >= sent[i]!.at && s.at < sent[i]!.at + 1000).length;
      expect(inWindow).toBeLessThanOrEqual(30);
    }
    for (const id of ['s1', 's2']) {
      const steps = sent.filter((s) => s.wire.sessionId === id).flatMap((s) => [...decodeTelemetry(s.wire).step]);
      expect(steps).toEqual(Array.from({ length: step - 1 }, (_, i) => i + 1));
    }
    expect(sent.length).toBeLessThan(step);
  });
});
