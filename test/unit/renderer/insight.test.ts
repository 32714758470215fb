import { describe, expect, it } from 'vitest';
import { absMax, classifySteps, diverging, firstLastRatio, isSigmoidGate, lastLiveStep, logTick, logRange, logUnit, pct, saturation, sequential, traceSteps, traceTokens } from '../../../renderer/insight/compute';
import { decodeRecords, ingestTelemetry, useInsight } from '../../../renderer/insight/insightStore';
import { typedToBase64, type TelemetryFrame } from '../../../src/protocol';

describe('log colour scaling', () => {
  it('takes the log10 range of the positive finite values only', () => {
    expect(logRange([1e-6, 0, -3, NaN, Infinity, 1e-2, 1])).toEqual({ lo: -6, hi: 0 });
    expect(logRange([0, NaN])).toBeUndefined();
    expect(logRange([10, 10])).toEqual({ lo: 0.5, hi: 1.5 });
  });
  it('maps values onto 0…1 by their logarithm, clamped, NaN for no value', () => {
    expect(logUnit(1e-3, -6, 0)).toBeCloseTo(0.5);
    expect(logUnit(1e-9, -6, 0)).toBe(0);
    expect(logUnit(10, -6, 0)).toBe(1);
    expect(logUnit(0, -6, 0)).toBeNaN();
    expect(logUnit(-1, -6, 0)).toBeNaN();
  });
  it('labels log-axis ticks without rounding small values to 0', () => {
    expect([1e-9, 1e-3, 0.01, 0.5, 1, 100, 1e5].map(logTick)).toEqual(['1e-9', '1e-3', '0.01', '0.5', '1', '100', '1e+5']);
    expect(logTick(0)).toBe('');
  });
  it('ramps colours from dark to bright, and blue through white to red', () => {
    expect(sequential(0)).toEqual([68, 1, 84]);
    expect(sequential(1)).toEqual([253, 231, 37]);
    expect(diverging(0)).toEqual([255, 255, 255]);
    expect(diverging(-1)).toEqual([37, 99, 235]);
    expect(diverging(1)).toEqual([220, 38, 38]);
  });
});

describe('gradient through time', () => {
  it('divides the first step by the last live one (padded zero steps skipped)', () => {
    expect(firstLastRatio([1e-4, 1e-2, 1, 0, 0])).toBeCloseTo(1e-4);
    expect(lastLiveStep([1, 2, 0])).toBe(1);
    expect(firstLastRatio([0, 0])).toBeNaN();
    expect(firstLastRatio([5e3, 1])).toBe(5e3);
  });
  it('classifies steps more than 3 orders of magnitude from the last step as vanishing or exploding', () => {
    expect(classifySteps([1e-5, 2e-3, 1, 0.5, 9e2, 1])).toEqual(['vanishing', 'normal', 'normal', 'normal', 'normal', 'normal']);
    expect(classifySteps([5e4, 1e-2, 1, 10])).toEqual(['exploding', 'normal', 'normal', 'normal']);
    expect(classifySteps([1, 1e-9, 0])).toEqual(['exploding', 'normal', 'none']);
    expect(classifySteps([1e-9, 1], 10)).toEqual(['normal', 'normal']);
  });
  it('puts sigmoid gates on the 0…1 scale, the tanh candidate and states on a symmetric one', () => {
    expect(['f', 'i', 'o', 'z', 'r'].every((g) => isSigmoidGate('gate', g))).toBe(true);
    expect(isSigmoidGate('gate', 'g')).toBe(false);
    expect(isSigmoidGate('state', 'h')).toBe(false);
  });
});

describe('gate saturation', () => {
  it('counts shares below 0.1 and above 0.9 over the valid rows only', () => {
    // [T=3, H=2]; the third row is padding.
    const v = [0.05, 0.95, 0.5, 0.99, 0.01, 0.01];
    const s = saturation(v, 2, 2);
    expect(s.count).toBe(4);
    expect(s.below).toBeCloseTo(0.25);
    expect(s.above).toBeCloseTo(0.5);
    expect(saturation(v, 2, 3).below).toBeCloseTo(0.5);
    expect(saturation([], 2, 2).below).toBeNaN();
  });
  it('scales states by their largest magnitude and formats shares', () => {
    expect(absMax([-3, 2, NaN])).toBe(3);
    expect(absMax([0, 0])).toBe(1);
    expect(pct(0.1234)).toBe('12.3%');
    expect(pct(NaN)).toBe('–');
  });
});

describe('trace steps and tokens', () => {
  const enc = { shape: [6, 4] as const };
  const dec = { shape: [7, 4] as const, axis: 1 as const };
  it('draws the sample’s valid steps on the trace’s own axis: τ for the source, τ′ for a decoder', () => {
    const rec = { T: 6, length: 4, targetLength: 5 };
    expect(traceSteps(enc, rec)).toBe(4);
    expect(traceSteps(dec, rec)).toBe(5);
    expect(traceSteps(dec, { T: 6, length: 4 })).toBe(7); // no τ′ given: the whole padded axis
    expect(traceSteps(enc, { T: 6, length: 0 })).toBe(6);
    expect(traceSteps({ shape: [3, 4] as const }, rec)).toBe(3); // never beyond the trace
  });
  it('names source steps by the input tokens and decoder steps by the output tokens, only when they cover the steps', () => {
    const tokens = { inputs: ['A', 'B', 'C', 'D'], outputs: ['D', 'C', 'B', 'A', '⟨end⟩'], outputAxis: 1 as const };
    expect(traceTokens(undefined, tokens, 4)).toEqual(tokens.inputs);
    expect(traceTokens(1, tokens, 5)).toEqual(tokens.outputs);
    expect(traceTokens(1, { ...tokens, outputAxis: 0 }, 5)).toBeUndefined();
    expect(traceTokens(undefined, tokens, 5)).toBeUndefined();
    expect(traceTokens(undefined, undefined, 4)).toBeUndefined();
  });
});

describe('insight store', () => {
  const record = (step: number) => ({
    step,
    T: 3,
    sample: 0,
    length: 3,
    gradNorms: [{ name: 'rnn1.h', node: 'rnn1', perStep: typedToBase64(new Float32Array([1e-3, 0.1, 1])) }],
    traces: [{ kind: 'gate' as const, node: 'lstm1', name: 'f', value: 'lstm1.f', shape: [3, 2] as [number, number], values: typedToBase64(new Float32Array([0, 1, 0.5, 0.5, 0.95, 0.05])) }],
  });

  it('decodes records and refuses arrays of the wrong length, naming the value', () => {
    const [r] = decodeRecords([record(25)]);
    expect(Array.from(r!.gradNorms[0]!.perStep)).toEqual([Math.fround(1e-3), Math.fround(0.1), 1]);
    expect(r!.traces[0]!.shape).toEqual([3, 2]);
    expect(() => decodeRecords([{ ...record(25), T: 4 }])).toThrow(/rnn1\.h has 3 steps, expected T = 4/);
    expect(() => decodeRecords([{ ...record(25), traces: [{ ...record(25).traces[0]!, shape: [2, 2] }] }])).toThrow(/lstm1\.f has 6 values/);
  });

  it('collects norms, clip marks, per-parameter norms and records from telemetry', () => {
    useInsight.getState().reset(1);
    const frame: TelemetryFrame = {
      sessionId: 's1',
      count: 2,
      step: new Int32Array([1, 2]),
      loss: new Float64Array([1, 0.5]),
      lr: new Float64Array([0.01, 0.01]),
      gradNorm: new Float64Array([3, 0.5]),
      clipped: new Uint8Array([1, 0]),
      metrics: {},
      paramNames: ['a.W', 'a.b'],
      paramGradNorms: new Float32Array([2, 1, 0.25, 0.5]),
      stepsPerSecond: 10,
      elapsedMs: 200,
      totalSteps: 2,
    };
    ingestTelemetry(frame, [record(2)]);
    const s = useInsight.getState();
    expect(s.clip).toBe(1);
    expect(s.gradNorm.toArrays()).toEqual({ x: [1, 2], y: [3, 0.5] });
    expect(s.clipped.toArrays().y).toEqual([3, NaN]);
    expect(s.paramNames).toEqual(['a.W', 'a.b']);
    expect(s.params[1]!.toArrays().y).toEqual([1, 0.5]);
    expect(s.records.map((r) => r.step)).toEqual([2]);
    useInsight.getState().reset(undefined);
    expect(useInsight.getState().records).toEqual([]);
    expect(useInsight.getState().gradNorm.length).toBe(0);
  });
});
