/**
 * Seeded randomness for Unroll: xoshiro128** (Blackman & Vigna), seeded through splitmix32 from a
 * uint32 seed. Every draw uses only 32-bit integer operations and IEEE-754 `+ − × ÷ √`, so the same
 * seed gives the same numbers on every platform and JavaScript engine — `normal()` included, whose
 * logarithm is computed here rather than by `Math.log` (whose last bit may differ between engines).
 *
 * `fork(label)` derives an independent stream from this generator's *key* (its seed lineage) and the
 * label, not from how many numbers were drawn, so `run.fork('data')` is the same stream however much
 * `run.fork('init')` was used.
 */

/** The full state of a generator: enough to resume its stream exactly (plain data, JSON-safe). */
export interface RngState {
  /** xoshiro128** state, four uint32 words (not all zero). */
  readonly s: readonly [number, number, number, number];
  /** Key that `fork` derives children from. */
  readonly key: number;
  /** A second normal deviate left over from the last polar Box–Muller draw, or null. */
  readonly spare: number | null;
}

const TWO_POW_32 = 4294967296;
const INV_TWO_POW_32 = 1 / TWO_POW_32;
const LN2 = 0.6931471805599453;
const SQRT2 = 1.4142135623730951;

/** splitmix32 step: the golden-ratio increment followed by murmur3's finaliser. */
function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** FNV-1a over the UTF-16 code units of `label`. */
function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function checkSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed >= TWO_POW_32) {
    throw new RangeError(`rng: seed must be an integer in [0, 2^32 − 1], got ${seed}`);
  }
}

/**
 * Natural logarithm of a positive finite `x`, from IEEE basic operations only (bit-identical on
 * every engine): `x = 2^e · m` with `m ∈ [√½, √2)`, then `ln m = 2 atanh f`, `f = (m−1)/(m+1)`,
 * summed as a fixed 12-term series (`|f| ≤ 0.172`, error below 1e-16 relative).
 */
export function portableLog(x: number): number {
  if (!(x > 0) || x === Infinity) return x === 0 ? -Infinity : x === Infinity ? Infinity : NaN;
  let e = 0;
  let m = x;
  while (m >= 2) {
    m *= 0.5;
    e++;
  }
  while (m < 1) {
    m *= 2;
    e--;
  }
  if (m > SQRT2) {
    m *= 0.5;
    e++;
  }
  const f = (m - 1) / (m + 1);
  const f2 = f * f;
  // 2f · Σ_{k=0}^{11} f^{2k} / (2k+1), Horner form.
  let p = 1 / 23;
  for (let k = 10; k >= 0; k--) p = p * f2 + 1 / (2 * k + 1);
  return e * LN2 + 2 * f * p;
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | null = null;
  /** Key that children are derived from (see `fork`). */
  readonly key: number;

  /** A generator for `seed` (an integer in [0, 2^32 − 1]). */
  constructor(seed: number) {
    checkSeed(seed);
    this.key = seed >>> 0;
    let x = this.key;
    x = splitmix32(x);
    this.s0 = x;
    x = splitmix32(x);
    this.s1 = x;
    x = splitmix32(x);
    this.s2 = x;
    x = splitmix32(x);
    this.s3 = x;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A generator resuming exactly from `state` (from `state()`). */
  static fromState(state: RngState): Rng {
    const [a, b, c, d] = state.s;
    for (const w of state.s) {
      if (!Number.isInteger(w) || w < 0 || w >= TWO_POW_32) throw new RangeError(`rng: state words must be uint32, got ${w}`);
    }
    if ((a | b | c | d) === 0) throw new RangeError('rng: the all-zero state is not a valid xoshiro128** state');
    checkSeed(state.key);
    if (state.spare !== null && !Number.isFinite(state.spare)) throw new RangeError(`rng: spare must be a finite number or null, got ${state.spare}`);
    const r = new Rng(state.key);
    r.s0 = a;
    r.s1 = b;
    r.s2 = c;
    r.s3 = d;
    r.spare = state.spare;
    return r;
  }

  state(): RngState {
    return { s: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0], key: this.key, spare: this.spare };
  }

  /** An independent stream determined by this generator's key and `label` only (not by draws made). */
  fork(label: string): Rng {
    return new Rng(splitmix32(this.key ^ splitmix32(hashLabel(label))));
  }

  /** Next uint32 of the stream (xoshiro128**). */
  nextUint32(): number {
    const s1 = this.s1;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return r >>> 0;
  }

  /** Uniform in [0, 1), 32-bit resolution. */
  uniform(): number {
    return this.nextUint32() * INV_TWO_POW_32;
  }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Standard normal (times `std`, plus `mean`): Box–Muller in Marsaglia's polar form, pairs cached. */
  normal(mean = 0, std = 1): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return mean + std * z;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * portableLog(s)) / s);
    this.spare = v * f;
    return mean + std * (u * f);
  }

  /** Uniform integer in [0, n), unbiased (rejection); `n` an integer in [1, 2^32]. */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) throw new RangeError(`rng.int: n must be an integer in [1, 2^32], got ${n}`);
    if (n === TWO_POW_32) return this.nextUint32();
    // Reject the lowest (2^32 mod n) values so every residue is equally likely.
    const threshold = (TWO_POW_32 - n) % n;
    for (;;) {
      const r = this.nextUint32();
      if (r >= threshold) return r % n;
    }
  }

  /** True with probability `p` (`p ≤ 0`: never, `p ≥ 1`: always). */
  bernoulli(p: number): boolean {
    return this.uniform() < p;
  }

  /** Fisher–Yates shuffle in place; returns `a`. */
  shuffle<A extends { length: number; [i: number]: unknown }>(a: A): A {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = a[i];
      a[i] = a[j];
      a[j] = tmp;
    }
    return a;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** A generator for `seed`; see `Rng`. */
export function createRng(seed: number): Rng {
  return new Rng(seed);
}
