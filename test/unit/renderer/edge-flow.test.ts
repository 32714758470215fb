import { describe, expect, it } from 'vitest';
import { edgeFlow, flowColour, flowGradientCss, flowWidth, FLOW_MAX_WIDTH, FLOW_MIN_WIDTH, FLOW_RAMP } from '../../../renderer/insight/edgeFlow';
import { decodeRecords } from '../../../renderer/insight/insightStore';
import { typedToBase64 } from '../../../src/protocol';

const rgb = (c: readonly number[]) => `rgb(${c[0]}, ${c[1]}, ${c[2]})`;

describe('gradient flow mapping', () => {
  it('maps the log-scale position to a stroke width of 1.5–6 px, clamped, thinnest for no gradient', () => {
    expect(flowWidth(0)).toBe(FLOW_MIN_WIDTH);
    expect(flowWidth(1)).toBe(FLOW_MAX_WIDTH);
    expect(flowWidth(0.5)).toBeCloseTo(3.75);
    expect(flowWidth(-2)).toBe(1.5);
    expect(flowWidth(7)).toBe(6);
    expect(flowWidth(NaN)).toBe(1.5);
  });

  it('maps it to a fixed colour ramp, grey for no gradient', () => {
    expect(flowColour(0)).toBe(rgb(FLOW_RAMP[0]!));
    expect(flowColour(1)).toBe(rgb(FLOW_RAMP[FLOW_RAMP.length - 1]!));
    expect(flowColour(0.25)).toBe(rgb(FLOW_RAMP[1]!));
    const mid = (a: number, b: number) => Math.round((a + b) / 2);
    const [a, b] = [FLOW_RAMP[0]!, FLOW_RAMP[1]!];
    expect(flowColour(0.125)).toBe(`rgb(${mid(a[0], b[0])}, ${mid(a[1], b[1])}, ${mid(a[2], b[2])})`);
    expect(flowColour(NaN)).toBe('rgb(150, 150, 150)');
    expect(flowGradientCss()).toBe(`linear-gradient(to right, ${FLOW_RAMP.map(rgb).join(', ')})`);
  });

  it('places each edge on the log scale between the smallest and largest positive norm of the record', () => {
    const f = edgeFlow({ a: 1e-6, b: 1e-3, c: 1, d: 0 });
    expect(f.min).toBe(1e-6);
    expect(f.max).toBe(1);
    expect(f.edges.get('a')).toMatchObject({ norm: 1e-6, u: 0, width: 1.5, colour: rgb(FLOW_RAMP[0]!) });
    expect(f.edges.get('b')!.u).toBeCloseTo(0.5);
    expect(f.edges.get('b')!.width).toBeCloseTo(3.75);
    expect(f.edges.get('c')).toMatchObject({ u: 1, width: 6 });
    expect(f.edges.get('d')!.u).toBeNaN();
    expect(f.edges.get('d')!.colour).toBe('rgb(150, 150, 150)');
  });

  it('puts a single norm in the middle, and reports no range when nothing carries gradient', () => {
    expect(edgeFlow({ a: 0.2, b: 0.2 }).edges.get('a')!.u).toBeCloseTo(0.5);
    const none = edgeFlow({ a: 0, b: NaN });
    expect(none.min).toBeUndefined();
    expect(none.max).toBeUndefined();
    expect(none.edges.get('a')!.width).toBe(1.5);
  });
});

describe('records on the wire', () => {
  const wire = { step: 25, T: 2, sample: 0, length: 2, gradNorms: [{ name: 'cell', node: 'cell', perStep: typedToBase64(new Float32Array([1, 2])) }], traces: [] };
  it('keep the per-edge norms and the flagged nodes', () => {
    const [r] = decodeRecords([{ ...wire, edgeGrads: { e1: 0.5, e2: 3 }, zeroGradNodes: ['lin'] }]);
    expect(r!.edgeGrads).toEqual({ e1: 0.5, e2: 3 });
    expect(r!.zeroGradNodes).toEqual(['lin']);
  });
  it('read a record without them as no flow', () => {
    const [r] = decodeRecords([wire]);
    expect(r!.edgeGrads).toEqual({});
    expect(r!.zeroGradNodes).toEqual([]);
  });
});
