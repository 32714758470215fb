import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from '../../../src/graph/base64';
import { checkWeight, decodeWeight, encodeWeight } from '../../../src/graph/weights';

const bytesOf = (a: Float32Array | Float64Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

describe('base64 (written for src/, checked against Node Buffer)', () => {
  it('encodes like Buffer and decodes back to the same bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const text = encodeBase64(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64'));
        const back = decodeBase64(text);
        expect(back.ok && Array.from(back.bytes)).toEqual(Array.from(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it('handles buffers larger than one chunk', () => {
    const bytes = Uint8Array.from({ length: 100_003 }, (_, i) => (i * 31) & 255);
    expect(encodeBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
  });

  it.each([
    ['abc', 'length'],
    ['ab=c', 'not base64'],
    ['a===', 'not base64'],
    ['=AAA', 'not base64'],
    ['AA-A', 'not base64'],
    ['AAé=', 'not base64'],
    ['AA==AAAA', 'not base64'],
  ])('refuses %j', (text, why) => {
    const r = decodeBase64(text);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toContain(why);
  });
});

describe('weights', () => {
  it('round-trips float32 and float64 bit-exactly, -0 and subnormals included', () => {
    const special32 = new Float32Array([-0, 0, 1.401298464324817e-45, -1.401298464324817e-45, 1.1754942106924411e-38, 3.4028234663852886e38, -3.4028234663852886e38, 0.1]);
    const special64 = new Float64Array([-0, 0, Number.MIN_VALUE, -Number.MIN_VALUE, 2.225073858507201e-308, Number.MAX_VALUE, -Number.MAX_VALUE, 0.1]);
    for (const values of [special32, special64]) {
      const r = encodeWeight('rnn.W', [2, 4], values);
      if (!r.ok) throw new Error(r.problem.message);
      expect(r.weight.dtype).toBe(values instanceof Float32Array ? 'float32' : 'float64');
      const back = decodeWeight(r.weight);
      expect(bytesOf(back)).toEqual(bytesOf(values));
      expect(Object.is(back[0], -0)).toBe(true);
    }
  });

  it('stores little-endian IEEE-754', () => {
    const r = encodeWeight('n.b', [1], new Float32Array([1]));
    expect(r.ok && r.weight.data).toBe(Buffer.from([0, 0, 0x80, 0x3f]).toString('base64'));
  });

  it('round-trips arbitrary values bit for bit', () => {
    fc.assert(
      fc.property(fc.oneof(fc.float32Array({ noNaN: true, noDefaultInfinity: true }), fc.float64Array({ noNaN: true, noDefaultInfinity: true })), (values) => {
        const r = encodeWeight('a.W0', [values.length], values);
        if (!r.ok) throw new Error(r.problem.message);
        expect(bytesOf(decodeWeight(r.weight))).toEqual(bytesOf(values));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses NaN and ±Infinity on encode, naming the first one', () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      const r = encodeWeight('l.W0', [3], new Float64Array([1, bad, bad]));
      expect(r.ok).toBe(false);
      expect(!r.ok && r.problem).toMatchObject({ code: 'weight-non-finite', path: '$.weights["l.W0"]' });
      expect(!r.ok && r.problem.message).toContain('value 1');
    }
  });

  it('refuses a bad name and a shape that does not match the values', () => {
    expect(encodeWeight('nodot', [1], new Float32Array(1))).toMatchObject({ ok: false, problem: { code: 'weight-bad-name' } });
    expect(encodeWeight('n.W', [2, 3], new Float32Array(5))).toMatchObject({ ok: false, problem: { code: 'weight-size-mismatch' } });
    expect(encodeWeight('n.W', [-1], new Float32Array(0))).toMatchObject({ ok: false, problem: { code: 'weight-bad-shape' } });
  });

  it('checks stored weights: size, base64 and NaN bytes', () => {
    const nan = Buffer.from(new Float32Array([1, NaN]).buffer).toString('base64');
    expect(checkWeight({ shape: [2], dtype: 'float32', data: nan })).toMatchObject({ ok: false, code: 'weight-non-finite' });
    expect(checkWeight({ shape: [3], dtype: 'float32', data: nan })).toMatchObject({ ok: false, code: 'weight-size-mismatch' });
    expect(checkWeight({ shape: [1], dtype: 'float64', data: nan })).toMatchObject({ ok: true });
    expect(checkWeight({ shape: [2], dtype: 'float32', data: 'AAAAAAAAAAA' })).toMatchObject({ ok: false, code: 'weight-bad-base64' });
    expect(checkWeight({ shape: [0, 5], dtype: 'float64', data: '' })).toMatchObject({ ok: true });
    expect(() => decodeWeight({ shape: [2], dtype: 'float32', data: nan })).toThrow(/weight-non-finite/);
  });
});
