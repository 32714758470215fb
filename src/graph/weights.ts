import { decodeBase64, decodedLength, encodeBase64 } from './base64';
import { WeightNameSchema, type StoredWeight } from './document';
import { formatPath, type Problem } from './problems';

/**
 * Stored weights: `<nodeId>.<param>` → `{ shape, dtype, data }`, where `data` is the row-major
 * values (a matrix is `[out, in]`) as little-endian IEEE-754 bytes in base64. Round trips are
 * bit-exact, `-0` and subnormals included; NaN and ±Infinity are never stored.
 */
export type WeightDType = StoredWeight['dtype'];
export type WeightValues = Float32Array | Float64Array;

export const DTYPE_BYTES: Readonly<Record<WeightDType, number>> = { float32: 4, float64: 8 };

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Number of values a shape holds (`[]` is a scalar: 1). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function toBytes(values: WeightValues): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.byteLength);
  const view = new DataView(out.buffer);
  if (values instanceof Float32Array) values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  else values.forEach((v, i) => view.setFloat64(i * 8, v, true));
  return out;
}

function fromBytes(bytes: Uint8Array, dtype: WeightDType): WeightValues {
  // `bytes` is fresh from decodeBase64: its own buffer, offset 0, so it is aligned.
  const n = bytes.length / DTYPE_BYTES[dtype];
  if (LITTLE_ENDIAN) return dtype === 'float32' ? new Float32Array(bytes.buffer, 0, n) : new Float64Array(bytes.buffer, 0, n);
  const view = new DataView(bytes.buffer);
  if (dtype === 'float32') return Float32Array.from({ length: n }, (_, i) => view.getFloat32(i * 4, true));
  return Float64Array.from({ length: n }, (_, i) => view.getFloat64(i * 8, true));
}

/** Index of the first non-finite value and how many there are, or `undefined` when all are finite. */
export function findNonFinite(values: WeightValues): { readonly first: number; readonly count: number } | undefined {
  let first = -1;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) {
      if (first < 0) first = i;
      count++;
    }
  }
  return first < 0 ? undefined : { first, count };
}

export type EncodeResult = { readonly ok: true; readonly weight: StoredWeight } | { readonly ok: false; readonly problem: Problem };

/**
 * Stores `values` (row-major, `shape` e.g. `[out, in]`) as a weight named `name` (`<nodeId>.<param>`).
 * The dtype follows the array type. Refuses a bad name, a shape that does not match the number of
 * values, and any NaN or ±Infinity.
 */
export function encodeWeight(name: string, shape: readonly number[], values: WeightValues): EncodeResult {
  const path = formatPath(['weights', name]);
  const fail = (code: string, message: string): EncodeResult => ({ ok: false, problem: { path, code, message } });
  if (!WeightNameSchema.safeParse(name).success) return fail('weight-bad-name', `weight name ${JSON.stringify(name)} must be <nodeId>.<param>, e.g. "rnn1.W"`);
  if (shape.length > 8 || !shape.every((d) => Number.isInteger(d) && d >= 0 && d <= 1 << 24)) {
    return fail('weight-bad-shape', `weight ${name}: shape [${shape.join(', ')}] must have at most 8 dimensions, each an integer from 0 to ${1 << 24}`);
  }
  if (shapeSize(shape) !== values.length) {
    return fail('weight-size-mismatch', `weight ${name}: shape [${shape.join(', ')}] holds ${shapeSize(shape)} values but ${values.length} were given`);
  }
  const bad = findNonFinite(values);
  if (bad) return fail('weight-non-finite', `weight ${name}: value ${bad.first} is ${values[bad.first]} (${bad.count} non-finite in all); a document stores finite numbers only`);
  const dtype: WeightDType = values instanceof Float32Array ? 'float32' : 'float64';
  return { ok: true, weight: { shape: [...shape], dtype, data: encodeBase64(toBytes(values)) } };
}

export type DecodeResult = { readonly ok: true; readonly values: WeightValues } | { readonly ok: false; readonly code: string; readonly message: string };

/**
 * Decodes and checks a stored weight: strict base64, byte length = size(shape) × bytes(dtype), every
 * value finite. `restore()` runs this on every weight, so weights of a restored document always decode.
 */
export function checkWeight(w: StoredWeight): DecodeResult {
  const expected = shapeSize(w.shape) * DTYPE_BYTES[w.dtype];
  const actual = decodedLength(w.data);
  if (actual < 0) return { ok: false, code: 'weight-bad-base64', message: `data has ${w.data.length} characters, not a multiple of 4; it is not padded base64` };
  if (actual !== expected) {
    return {
      ok: false,
      code: 'weight-size-mismatch',
      message: `data holds ${actual} bytes but shape [${w.shape.join(', ')}] of ${w.dtype} needs ${expected} (${shapeSize(w.shape)} values × ${DTYPE_BYTES[w.dtype]} bytes)`,
    };
  }
  const decoded = decodeBase64(w.data);
  if (!decoded.ok) return { ok: false, code: 'weight-bad-base64', message: decoded.message };
  const values = fromBytes(decoded.bytes, w.dtype);
  const bad = findNonFinite(values);
  if (bad) return { ok: false, code: 'weight-non-finite', message: `value ${bad.first} is ${values[bad.first]} (${bad.count} non-finite in all); a document stores finite numbers only` };
  return { ok: true, values };
}

/** The values of a stored weight (row-major). Throws a RangeError only for a weight that `checkWeight` refuses. */
export function decodeWeight(w: StoredWeight): WeightValues {
  const r = checkWeight(w);
  if (!r.ok) throw new RangeError(`${r.code}: ${r.message}`);
  return r.values;
}
