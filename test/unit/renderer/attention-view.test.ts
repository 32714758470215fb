import { describe, expect, it } from 'vitest';
import { toWire } from '../../../main/sessions/telemetry';
import { ALL_NODES, alphaAt, cellReadout, centreMarks, hasAttentionNode, hasTokens, matrixHeight, rowSums, shownAttention, stepTick, stepWithToken } from '../../../renderer/insight/attention';
import { cellAt, HEATMAP_MARGIN, squareWidth } from '../../../renderer/insight/heatmapGeometry';
import { decodeRecords, type AttentionTrace, type InsightRecord } from '../../../renderer/insight/insightStore';
import { parseHostEvent, RecordWireSchema, typedToBase64 } from '../../../src/protocol';
import type { Recording, TelemetryBatch } from '../../../src/training';

/** α of a 2 × 3 alignment (rows sum to 1) and local centres p = 1 and 3 (1-based). */
const ALPHA = new Float32Array([0.7, 0.2, 0.1, 0.05, 0.15, 0.8]);
const P = new Float32Array([1, 3]);

function recording(attention: Recording['attention']): Recording {
  return { step: 25, T: 3, sample: 1, length: 3, gradNorms: [], gates: [], states: [], edgeGrads: {}, zeroGradNodes: [], ...(attention === undefined ? {} : { attention }) };
}

function batch(records: Recording[]): TelemetryBatch {
  return { count: 0, step: new Int32Array(0), loss: new Float64Array(0), lr: new Float64Array(0), gradNorm: new Float64Array(0), clipped: new Uint8Array(0), metrics: {}, paramNames: [], paramGradNorms: new Float64Array(0), stepsPerSecond: 0, elapsedMs: 0, records };
}

const wireAttention = () => ({ node: 'attn', kind: 'attend' as const, shape: [2, 3] as [number, number], alpha: typedToBase64(ALPHA), p: typedToBase64(P) });
const wireRecord = (attention: unknown[]) => ({ step: 25, T: 3, sample: 1, length: 3, gradNorms: [], traces: [], attention });

describe('attention frames', () => {
  it('travel from a recording through the host’s wire form and the event check into the insight store', () => {
    const wire = toWire('s1', batch([recording([{ node: 'attn', kind: 'attend', shape: [2, 3], alpha: ALPHA, p: P }])]), 10);
    const event = parseHostEvent(JSON.parse(JSON.stringify({ name: 'session.telemetry', payload: wire })));
    expect(event?.name).toBe('session.telemetry');
    if (event?.name !== 'session.telemetry') return;
    const [r] = decodeRecords(event.payload.records);
    expect(r!.attention).toHaveLength(1);
    const a = r!.attention[0]!;
    expect(a).toMatchObject({ node: 'attn', kind: 'attend', shape: [2, 3] });
    expect(Array.from(a.alpha)).toEqual(Array.from(ALPHA));
    expect(Array.from(a.p!)).toEqual([1, 3]);
  });

  it('carry the steps’ tokens to the store, and refuse token lists whose length is not the shape’s', () => {
    const named = { node: 'attn', kind: 'attend' as const, shape: [2, 3] as const, alpha: ALPHA, rows: ['C', '⟨end⟩'], cols: ['A', 'B', 'C'] };
    const wire = toWire('s1', batch([recording([named])]), 10);
    const event = parseHostEvent(JSON.parse(JSON.stringify({ name: 'session.telemetry', payload: wire })));
    if (event?.name !== 'session.telemetry') throw new Error('the telemetry event was refused');
    const a = decodeRecords(event.payload.records)[0]!.attention[0]!;
    expect([a.rows, a.cols]).toEqual([['C', '⟨end⟩'], ['A', 'B', 'C']]);
    // the record's tokens, τ′ and a decoder trace's axis travel too
    const state = { node: 'dec', name: 'h', value: 'dec.h', shape: [2, 1] as const, values: new Float32Array(2), axis: 1 as const };
    const rich: Recording = { ...recording(undefined), targetLength: 2, tokens: { inputs: ['A', 'B', 'C'], outputs: ['C', '⟨end⟩'], outputAxis: 1 }, states: [state] };
    const ev = parseHostEvent(JSON.parse(JSON.stringify({ name: 'session.telemetry', payload: toWire('s1', batch([rich]), 10) })));
    if (ev?.name !== 'session.telemetry') throw new Error('the telemetry event was refused');
    const d = decodeRecords(ev.payload.records)[0]!;
    expect(d).toMatchObject({ targetLength: 2, tokens: { inputs: ['A', 'B', 'C'], outputs: ['C', '⟨end⟩'], outputAxis: 1 } });
    expect(d.traces[0]).toMatchObject({ node: 'dec', kind: 'state', axis: 1 });
    expect(RecordWireSchema.safeParse({ ...wireRecord([]), tokens: { inputs: 'ABC' } }).success).toBe(false);
    expect(RecordWireSchema.safeParse({ ...wireRecord([]), tokens: { outputAxis: 2 } }).success).toBe(false);
    const refused = (extra: object) => RecordWireSchema.safeParse(wireRecord([{ ...wireAttention(), ...extra }])).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
    expect(refused({ rows: ['C'] })).toMatch(/^attention\.0\.rows: rows of attn must name 2 query steps, got 1/m);
    expect(refused({ cols: ['A', 'B', 'C', 'D'] })).toMatch(/^attention\.0\.cols: cols of attn must name 3 memory steps, got 4/m);
    expect(refused({ cols: ['A', 'B', 7] })).toMatch(/^attention\.0\.cols\.2:/m);
    expect(refused({ rows: ['C', '⟨end⟩'], cols: ['A', 'B', 'C'] })).toBeUndefined();
  });

  it('are left out for graphs without attention, and records without them decode to no matrices', () => {
    const wire = toWire('s1', batch([recording(undefined), recording([])]), 10);
    expect(wire.records.map((r) => 'attention' in r)).toEqual([false, false]);
    expect(decodeRecords(wire.records).map((r) => r.attention)).toEqual([[], []]);
  });

  it('are refused when malformed, with a message naming the field', () => {
    expect(RecordWireSchema.safeParse(wireRecord([wireAttention()])).success).toBe(true);
    const refused = (a: unknown) => {
      const r = RecordWireSchema.safeParse(wireRecord([a]));
      expect(r.success).toBe(false);
      return r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
    };
    // alpha's length does not match its shape
    expect(refused({ ...wireAttention(), shape: [3, 3] })).toMatch(/^attention\.0\.alpha: alpha of attn must hold shape 3×3/m);
    // one centre too few
    expect(refused({ ...wireAttention(), p: typedToBase64(new Float32Array([1])) })).toMatch(/^attention\.0\.p: p of attn must hold 2 float32 values/m);
    expect(refused({ ...wireAttention(), kind: 'cross' })).toMatch(/^attention\.0\.kind:/m);
    expect(refused({ ...wireAttention(), shape: [2, -3] })).toMatch(/^attention\.0\.shape\.1:/m);
    expect(refused({ ...wireAttention(), extra: 1 })).toMatch(/extra/);
    const { alpha: _alpha, ...noAlpha } = wireAttention();
    expect(refused(noAlpha)).toMatch(/^attention\.0\.alpha:/m);
    // the host event check drops such a telemetry message
    const wire = toWire('s1', batch([recording([{ node: 'attn', kind: 'attend', shape: [2, 3], alpha: ALPHA }])]), 10);
    const bad = { ...wire, records: [{ ...wire.records[0]!, attention: [{ ...wireAttention(), shape: [1, 1] }] }] };
    expect(parseHostEvent({ name: 'session.telemetry', payload: bad })).toBeUndefined();
  });

  it('refuse, when decoding, base64 that holds the wrong number of values, naming the node', () => {
    // A record that skipped the schema (built in process): the decoder counts the values itself.
    const r = wireRecord([{ ...wireAttention(), alpha: typedToBase64(new Float32Array(5)) }]) as never;
    expect(() => decodeRecords([r])).toThrow(/attention\.attn\.alpha has 5 values, expected 2×3/);
  });
});

describe('records of encoder–decoder graphs', () => {
  it('accept ‖∂L/∂h_t‖ of a decoder state over its own T′ steps (its state trace’s length), and refuse other lengths', () => {
    const norms = { name: 'dec', node: 'dec', perStep: typedToBase64(new Float32Array([1, 2, 3, 4])) };
    const state = { kind: 'state' as const, node: 'dec', name: 'h', value: 'dec.h', shape: [4, 2] as [number, number], values: typedToBase64(new Float32Array(8)) };
    const base = { step: 25, T: 3, sample: 0, length: 3 };
    const [r] = decodeRecords([{ ...base, gradNorms: [norms], traces: [state] }]);
    expect(r!.gradNorms[0]!.perStep.length).toBe(4);
    expect(() => decodeRecords([{ ...base, gradNorms: [norms], traces: [] }])).toThrow(/dec has 4 steps, expected T = 3/);
    expect(() => decodeRecords([{ ...base, gradNorms: [{ ...norms, perStep: typedToBase64(new Float32Array(5)) }], traces: [state] }])).toThrow(/expected T = 3 or T′ = 4/);
  });
});

describe('attention view data', () => {
  const trace = (node: string, extra: Partial<AttentionTrace> = {}): AttentionTrace => ({ node, kind: 'attend', shape: [2, 3], alpha: ALPHA, ...extra });
  const rec = (attention: AttentionTrace[]): InsightRecord => ({ step: 5, T: 3, length: 3, gradNorms: [], traces: [], edgeGrads: {}, zeroGradNodes: [], attention });

  it('shows every node, or only the picked one when the record has it', () => {
    const r = rec([trace('a1'), trace('a2')]);
    expect(shownAttention(r, ALL_NODES).map((a) => a.node)).toEqual(['a1', 'a2']);
    expect(shownAttention(r, 'a2').map((a) => a.node)).toEqual(['a2']);
    expect(shownAttention(r, 'gone').map((a) => a.node)).toEqual(['a1', 'a2']);
    expect(shownAttention(undefined, ALL_NODES)).toEqual([]);
  });

  it('reads cells row-major (rows output steps, columns input steps) with 1-based readouts', () => {
    const a = trace('attn', { p: P });
    expect(alphaAt(a, 1, 2)).toBeCloseTo(0.8);
    expect(alphaAt(a, 0, 1)).toBeCloseTo(0.2);
    expect(alphaAt(a, 2, 0)).toBeNaN();
    expect(Array.from(rowSums(a)).map((s) => Number(s.toFixed(5)))).toEqual([1, 1]);
    expect(cellReadout(a, 1, 2)).toEqual({ i: 2, t: 3, alpha: ALPHA[5], p: 3 });
    expect(cellReadout(trace('g'), 0, 0)).toEqual({ i: 1, t: 1, alpha: ALPHA[0] });
  });

  it('names ticks and readouts by the steps’ tokens when the record has them, by step numbers otherwise', () => {
    const named = trace('attn', { rows: ['C', '⟨end⟩'], cols: ['A', 'B', 'C'] });
    expect(hasTokens(named)).toBe(true);
    expect(hasTokens(trace('attn'))).toBe(false);
    expect([0, 1, 2].map((c) => stepTick(named.cols, c))).toEqual(['A', 'B', 'C']);
    expect([0, 1, 2].map((c) => stepTick(undefined, c))).toEqual(['1', '2', '3']);
    expect(cellReadout(named, 1, 0)).toEqual({ i: 2, t: 1, alpha: ALPHA[3], row: '⟨end⟩', col: 'A' });
    expect(stepWithToken(2, '⟨end⟩')).toBe('2 “⟨end⟩”');
    expect(stepWithToken(2, undefined)).toBe('2');
  });

  it('marks local centres at cell p_i − 1, clamped to the drawn columns, and none for global attention', () => {
    expect(centreMarks(trace('attn', { p: new Float32Array([1, 2.5]) }))).toEqual([
      { row: 0, col: 0 },
      { row: 1, col: 1.5 },
    ]);
    expect(centreMarks(trace('attn', { p: new Float32Array([0, 9]) }))).toEqual([
      { row: 0, col: -0.5 },
      { row: 1, col: 2.5 },
    ]);
    expect(centreMarks(trace('attn'))).toEqual([]);
  });

  it('finds the cell under the pointer and sizes square cells', () => {
    const { left, right, top, bottom } = HEATMAP_MARGIN;
    const w = left + right + 300; // 3 columns of 100 px
    const h = top + bottom + 200; // 2 rows of 100 px
    expect(cellAt(left + 1, top + 1, w, h, 2, 3)).toEqual({ row: 0, col: 0 });
    expect(cellAt(left + 250, top + 150, w, h, 2, 3)).toEqual({ row: 1, col: 2 });
    expect(cellAt(left - 1, top + 1, w, h, 2, 3)).toBeUndefined();
    expect(cellAt(left + 1, top + 201, w, h, 2, 3)).toBeUndefined();
    expect(squareWidth(2, 3, h)).toBe(w);
    expect(squareWidth(2, 1, h, 260)).toBe(260);
    expect(matrixHeight(1)).toBe(180);
    expect(matrixHeight(10)).toBe(282);
    expect(matrixHeight(100)).toBe(480);
  });

  it('knows which document nodes have alignment weights', () => {
    expect(hasAttentionNode([{ type: 'LSTM' }, { type: 'Attention' }])).toBe(true);
    expect(hasAttentionNode([{ type: 'SelfAttention' }])).toBe(true);
    expect(hasAttentionNode([{ type: 'LSTM' }, { type: 'KeyValueMemory' }])).toBe(false);
  });
});
