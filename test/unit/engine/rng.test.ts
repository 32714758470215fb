import { describe, expect, it } from 'vitest';
import { Rng, createRng, portableLog } from '../../../src/engine/rng';

const M32 = (1n << 32n) - 1n;

/** An independent BigInt transcription of splitmix32 + xoshiro128** (the published algorithms). */
function referenceStream(seed: number, n: number): number[] {
  let x = BigInt(seed);
  const split = (): bigint => {
    x = (x + 0x9e3779b9n) & M32;
    let z = x;
    z = ((z ^ (z >> 16n)) * 0x85ebca6bn) & M32;
    z = ((z ^ (z >> 13n)) * 0xc2b2ae35n) & M32;
    return z ^ (z >> 16n);
  };
  // splitmix32 chained: each word is the finaliser of the previous word plus the increment.
  const s: bigint[] = [];
  let w = BigInt(seed);
  for (let i = 0; i < 4; i++) {
    x = w;
    w = split();
    s.push(w);
  }
  const rotl = (v: bigint, k: bigint) => ((v << k) | (v >> (32n - k))) & M32;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    out.push(Number((rotl((s[1] * 5n) & M32, 7n) * 9n) & M32));
    const t = (s[1] << 9n) & M32;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11n);
  }
  return out;
}

describe('Rng (xoshiro128** seeded by splitmix32)', () => {
  it('reproduces the published xoshiro128** sequence from state [1, 2, 3, 4]', () => {
    const r = Rng.fromState({ s: [1, 2, 3, 4], key: 0, spare: null });
    expect(Array.from({ length: 6 }, () => r.nextUint32())).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it('matches an independent BigInt implementation for several seeds', () => {
    for (const seed of [0, 1, 42, 123456789, 2 ** 32 - 1]) {
      const r = createRng(seed);
      const got = Array.from({ length: 500 }, () => r.nextUint32());
      expect(got).toEqual(referenceStream(seed, 500));
    }
  });

  it('gives fixed values for seed 42 (the same on every platform)', () => {
    const r = createRng(42);
    expect([r.nextUint32(), r.nextUint32(), r.nextUint32(), r.nextUint32()]).toEqual([2014437610, 2536506388, 439704051, 682445763]);
    const n = createRng(42);
    expect([n.normal(), n.normal(), n.normal()]).toEqual([-0.8321234177794837, 2.433104637078629, 0.47478981223653177]);
    const u = createRng(7);
    expect([u.uniform(), u.int(10), u.int(1000)]).toEqual([0.4213278603274375, 7, 137]);
  });

  it('refuses seeds that are not uint32', () => {
    for (const bad of [-1, 1.5, 2 ** 32, NaN]) expect(() => createRng(bad)).toThrow(/seed must be an integer/);
  });

  it('uniform lies in [0, 1) with mean 1/2 and variance 1/12', () => {
    const r = createRng(3);
    let s = 0;
    let s2 = 0;
    const n = 200_000;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      if (!(u >= 0 && u < 1)) outside++;
      s += u;
      s2 += u * u;
    }
    expect(outside).toBe(0);
    expect(s / n).toBeCloseTo(0.5, 2);
    expect(s2 / n - (s / n) ** 2).toBeCloseTo(1 / 12, 3);
  });

  it('normal has mean 0, variance 1 and Gaussian tails', () => {
    const r = createRng(11);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    let beyond2 = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
      if (Math.abs(z) > 2) beyond2++;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.01);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.015);
    expect(beyond2 / n).toBeCloseTo(0.0455, 2); // P(|Z| > 2)
    expect(createRng(1).normal(5, 0)).toBe(5);
  });

  it('int(n) is in range and unbiased', () => {
    const r = createRng(5);
    const counts = new Array(7).fill(0);
    const n = 70_000;
    for (let i = 0; i < n; i++) counts[r.int(7)]++;
    // chi-square with 6 degrees of freedom: 22.5 is the 0.1% critical value.
    const chi2 = counts.reduce((a, c) => a + (c - n / 7) ** 2 / (n / 7), 0);
    expect(chi2).toBeLessThan(22.5);
    expect(r.int(1)).toBe(0);
    const big = r.int(2 ** 32);
    expect(big >= 0 && big < 2 ** 32).toBe(true);
    expect(() => r.int(0)).toThrow(RangeError);
    expect(() => r.int(2.5)).toThrow(RangeError);
  });

  it('bernoulli(p) has frequency p; p = 0 never, p = 1 always', () => {
    const r = createRng(9);
    let hits = 0;
    for (let i = 0; i < 100_000; i++) if (r.bernoulli(0.3)) hits++;
    expect(hits / 100_000).toBeCloseTo(0.3, 2);
    for (let i = 0; i < 1000; i++) {
      expect(r.bernoulli(0)).toBe(false);
      expect(r.bernoulli(1)).toBe(true);
    }
  });

  it('shuffle permutes deterministically and covers all orders', () => {
    const a = createRng(1).shuffle([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([...a].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(createRng(1).shuffle([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])).toEqual(a);
    const typed = createRng(1).shuffle(Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect(Array.from(typed)).toEqual(a);
    const seen = new Set<string>();
    const r = createRng(2);
    for (let i = 0; i < 600; i++) seen.add(r.shuffle([1, 2, 3]).join(''));
    expect(seen.size).toBe(6);
  });

  it('fork depends on the key and label only, not on draws already made', () => {
    const a = createRng(42);
    const b = createRng(42);
    for (let i = 0; i < 17; i++) b.normal();
    const fa = a.fork('data');
    const fb = b.fork('data');
    expect(fa.key).toBe(fb.key);
    expect(Array.from({ length: 10 }, () => fa.nextUint32())).toEqual(Array.from({ length: 10 }, () => fb.nextUint32()));
    const keys = new Set([a.key, a.fork('data').key, a.fork('init').key, a.fork('teacher').key, a.fork('data').fork('data').key, createRng(43).fork('data').key]);
    expect(keys.size).toBe(6);
    expect(a.fork('init').nextUint32()).not.toBe(a.fork('data').nextUint32());
  });

  it('state round-trips exactly, including a cached normal deviate', () => {
    const r = createRng(77);
    r.normal(); // leaves a spare
    const saved = JSON.parse(JSON.stringify(r.state()));
    expect(saved.spare).not.toBeNull();
    const resumed = Rng.fromState(saved);
    const seqA = [r.normal(), r.normal(), r.uniform(), r.int(1000)];
    const seqB = [resumed.normal(), resumed.normal(), resumed.uniform(), resumed.int(1000)];
    expect(seqB).toEqual(seqA);
    expect(resumed.fork('x').key).toBe(r.fork('x').key);
    expect(() => Rng.fromState({ s: [0, 0, 0, 0], key: 0, spare: null })).toThrow(/all-zero/);
  });

  it('portableLog agrees with Math.log to within 2 ulp-scale relative error', () => {
    const r = createRng(4);
    let worst = 0;
    for (let i = 0; i < 20_000; i++) {
      const x = i < 10_000 ? r.uniform() + 2 ** -40 : Math.exp(r.range(-700, 700));
      const want = Math.log(x);
      worst = Math.max(worst, Math.abs(portableLog(x) - want) / Math.max(1, Math.abs(want)));
    }
    expect(worst).toBeLessThanOrEqual(4e-16);
    expect(portableLog(1)).toBe(0);
    expect(portableLog(0)).toBe(-Infinity);
    expect(portableLog(-1)).toBeNaN();
  });
});
