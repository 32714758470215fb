import { describe, expect, it } from 'vitest';
import { decodeHistogram, decodeRecords } from '../../../renderer/insight/insightStore';
import { histogramToWire, toWire } from '../../../main/sessions/telemetry';
import { HistogramWireSchema, RecordWireSchema, TelemetryWireSchema, typedToBase64 } from '../../../src/protocol';
import { createSession, type TelemetryBatch } from '../../../src/training';
import { histogram, histogramEdges, HISTOGRAM_BINS, paramHistograms, type Histogram } from '../../../src/training/telemetry';
import { addingDoc } from './fixtures';

const sum = (h: Histogram) => h.counts.reduce((s, c) => s + c, 0);

/** The bin each value falls into, by the edges (the last bin closed). */
function binOf(edges: Float64Array, v: number): number {
  const n = edges.length - 1;
  for (let k = 0; k < n; k++) if (v >= edges[k]! && (v < edges[k + 1]! || k === n - 1)) return k;
  return -1;
}

describe('histogram', () => {
  it('counts every element once, in bins whose edges run from the smallest to the largest value', () => {
    let seed = 1;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 6 - 2;
    const values = Float64Array.from({ length: 1001 }, rand);
    const h = histogram(values);
    expect(h.counts.length).toBe(HISTOGRAM_BINS);
    expect(sum(h)).toBe(values.length);
    expect(h.nonFinite).toBe(0);
    expect(h.lo).toBe(Math.min(...values));
    expect(h.hi).toBe(Math.max(...values));
    const edges = histogramEdges(h);
    expect(edges.length).toBe(HISTOGRAM_BINS + 1);
    expect(edges[0]).toBe(h.lo);
    expect(edges[HISTOGRAM_BINS]).toBe(h.hi);
    // Each bin holds exactly the values between its edges.
    const expected = new Array<number>(HISTOGRAM_BINS).fill(0);
    for (const v of values) expected[binOf(edges, v)]!++;
    expect(Array.from(h.counts)).toEqual(expected);
  });

  it('puts the smallest value in the first bin and the largest in the last', () => {
    const h = histogram([0, 1, 2, 3, 4], 4);
    expect(Array.from(h.counts)).toEqual([1, 1, 1, 2]);
    expect([h.lo, h.hi]).toEqual([0, 4]);
    expect(Array.from(histogramEdges(h))).toEqual([0, 1, 2, 3, 4]);
  });

  it('widens the range of a constant tensor around its value', () => {
    const zero = histogram(new Float64Array(10));
    expect([zero.lo, zero.hi]).toEqual([-0.5, 0.5]);
    expect(sum(zero)).toBe(10);
    const one = histogram([1, 1, 1], 4);
    expect([one.lo, one.hi]).toEqual([0.5, 1.5]);
    expect(Array.from(one.counts)).toEqual([0, 0, 3, 0]);
    const big = histogram([-300, -300]);
    expect([big.lo, big.hi]).toEqual([-450, -150]);
    expect(sum(big)).toBe(2);
  });

  it('handles an empty tensor and counts non-finite values apart', () => {
    const empty = histogram([]);
    expect(sum(empty)).toBe(0);
    expect(empty.hi).toBeGreaterThan(empty.lo);
    const bad = histogram([NaN, Infinity, -Infinity, 2, 3], 2);
    expect(bad.nonFinite).toBe(3);
    expect(Array.from(bad.counts)).toEqual([1, 1]);
    expect([bad.lo, bad.hi]).toEqual([2, 3]);
    const none = histogram([NaN, NaN]);
    expect(none.nonFinite).toBe(2);
    expect(sum(none)).toBe(0);
    expect(() => histogram([1], 0)).toThrow(/bins/);
  });

  it('takes each parameter’s values and, when given, its gradient', () => {
    const w = new Map([['a.W', Float64Array.from([1, 2, 3])], ['a.b', Float64Array.from([0])]]);
    const g = new Map([['a.W', Float64Array.from([-1, 0, 1])]]);
    const hs = paramHistograms(['a.W', 'a.b'], (n) => w.get(n)!, g);
    expect(hs.map((h) => h.name)).toEqual(['a.W', 'a.b']);
    expect(sum(hs[0]!.values)).toBe(3);
    expect(sum(hs[0]!.grads!)).toBe(3);
    expect(hs[1]!.grads).toBeUndefined();
    expect(paramHistograms(['a.W'], (n) => w.get(n)!)[0]!.grads).toBeUndefined();
  });
});

describe('histograms in the recorded telemetry', () => {
  async function recordedBatches(): Promise<{ batches: TelemetryBatch[]; sizes: Map<string, number> }> {
    const batches: TelemetryBatch[] = [];
    const s = createSession({ doc: addingDoc('LSTM', { steps: 6 }), telemetry: { intervalMs: Infinity, everySteps: 100, recordEvery: 5 }, onEvent: (e) => e.type === 'telemetry' && batches.push(e.batch) });
    await s.start();
    const sizes = new Map(s.plan.params.filter((p) => p.trainable).map((p) => [p.name, s.weights.get(p.name).length]));
    return { batches, sizes };
  }

  it('a record carries a histogram of every trainable parameter, each counting all of its elements', async () => {
    const { batches, sizes } = await recordedBatches();
    const records = batches.flatMap((b) => b.records);
    expect(records.map((r) => r.step)).toEqual([1, 5]);
    for (const r of records) {
      expect(r.histograms?.map((h) => h.name)).toEqual([...sizes.keys()]);
      for (const h of r.histograms!) {
        expect(sum(h.values) + h.values.nonFinite).toBe(sizes.get(h.name));
        expect(h.grads).toBeDefined();
        expect(sum(h.grads!) + h.grads!.nonFinite).toBe(sizes.get(h.name));
      }
    }
  });

  it('travels small and checked, and decodes to the same counts', async () => {
    const { batches } = await recordedBatches();
    const wire = toWire('s1', batches[0]!, 6);
    expect(TelemetryWireSchema.safeParse(wire).success).toBe(true);
    const sent = wire.records[0]!.histograms!;
    expect(sent[0]!.values.counts.length).toBe(172);
    const decoded = decodeRecords(wire.records)[0]!.histograms!;
    const original = batches[0]!.records[0]!.histograms!;
    expect(decoded.map((h) => h.name)).toEqual(original.map((h) => h.name));
    decoded.forEach((h, i) => {
      expect(Array.from(h.values.counts)).toEqual(Array.from(original[i]!.values.counts));
      expect([h.values.lo, h.values.hi]).toEqual([original[i]!.values.lo, original[i]!.values.hi]);
    });
  });
});

describe('the histogram wire format', () => {
  const good = () => histogramToWire(histogram([1, 2, 3, 4]));
  const issue = (value: unknown) => {
    const r = HistogramWireSchema.safeParse(value);
    expect(r.success).toBe(false);
    return r.success ? undefined : r.error.issues[0]!;
  };

  it('accepts a histogram and refuses each malformed field by name', () => {
    expect(HistogramWireSchema.safeParse(good()).success).toBe(true);
    expect(issue({ ...good(), counts: typedToBase64(new Uint32Array(31)) })).toMatchObject({ path: ['counts'], message: expect.stringMatching(/32 uint32 values/) });
    expect(issue({ ...good(), hi: 0.5, lo: 1 })).toMatchObject({ path: ['hi'] });
    expect(issue({ ...good(), bins: 0 })?.path).toEqual(['bins']);
    expect(issue({ ...good(), nonFinite: -1 })?.path).toEqual(['nonFinite']);
    expect(issue({ ...good(), lo: null })?.path).toEqual(['lo']);
    expect(issue({ ...good(), extra: 1 })).toBeDefined();
  });

  it('refuses a record whose histogram is malformed, naming the field', () => {
    const record = { step: 1, T: 2, sample: 0, length: 2, gradNorms: [], traces: [], histograms: [{ name: 'cell.W', values: good(), grads: { ...good(), counts: 'AAAA' } }] };
    const r = RecordWireSchema.safeParse(record);
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.issues[0]!.path).toEqual(['histograms', 0, 'grads', 'counts']);
    expect(RecordWireSchema.safeParse({ ...record, histograms: [{ name: 'cell.W', values: good() }] }).success).toBe(true);
  });

  it('the renderer refuses counts that do not fill the bins, naming them', () => {
    expect(() => decodeHistogram({ ...good(), bins: 4 }, 'records[1].histograms.cell.W.values')).toThrow(/records\[1\]\.histograms\.cell\.W\.values\.counts: 32 values, expected 4/);
    expect(decodeHistogram(good(), 'x').counts.length).toBe(32);
  });
});
