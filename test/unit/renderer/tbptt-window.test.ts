import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { chunkRanges } from '../../../src/engine/bptt';
import { tbpttGeometry } from '../../../renderer/insight/tbpttWindow';

/** The truncation window of truncated BPTT on the gradient view's time axis. */

describe('tbpttGeometry', () => {
  it('T = 30, k1 = 5, k2 = 10: six chunks, boundaries after 5 … 25, windows of 10 steps ending at each chunk end', () => {
    const g = tbpttGeometry(30, { k1: 5, k2: 10 });
    expect(g.boundaries.map((b) => b.after)).toEqual([5, 10, 15, 20, 25]);
    expect(g.boundaries.map((b) => b.at)).toEqual([5 / 30, 10 / 30, 15 / 30, 20 / 30, 25 / 30]);
    expect(g.bands.map((b) => [b.chunk, b.first, b.last, b.windowFirst])).toEqual([
      [1, 1, 5, 1],
      [2, 6, 10, 1],
      [3, 11, 15, 6],
      [4, 16, 20, 11],
      [5, 21, 25, 16],
      [6, 26, 30, 21],
    ]);
    // Each window overlaps the next one: two lanes, alternating.
    expect(g.lanes).toBe(2);
    expect(g.bands.map((b) => b.lane)).toEqual([0, 1, 0, 1, 0, 1]);
    expect(g.bands[2]).toMatchObject({ left: 5 / 30, right: 15 / 30 });
    expect(g.bands[0]).toMatchObject({ left: 0, right: 5 / 30 }); // clipped at step 1
  });

  it('a last chunk shorter than k1 ends at T, its window still k2 long (a second lane); k1 = k2 otherwise needs one lane', () => {
    const g = tbpttGeometry(12, { k1: 5, k2: 5 });
    expect(g.bands.map((b) => [b.first, b.last, b.windowFirst])).toEqual([
      [1, 5, 1],
      [6, 10, 6],
      [11, 12, 8],
    ]);
    expect(g.boundaries.map((b) => b.after)).toEqual([5, 10]);
    expect(g.bands.map((b) => b.lane)).toEqual([0, 0, 1]);
    expect(g.lanes).toBe(2);
    expect(tbpttGeometry(15, { k1: 5, k2: 5 }).lanes).toBe(1);
  });

  it('no bands for an empty axis or a setting the engine refuses (k2 < k1)', () => {
    expect(tbpttGeometry(0, { k1: 5, k2: 10 }).bands).toEqual([]);
    expect(tbpttGeometry(20, { k1: 5, k2: 3 }).bands).toEqual([]);
    expect(tbpttGeometry(20, { k1: 0, k2: 3 }).boundaries).toEqual([]);
  });

  it('caps the lanes; a chunk longer than T is one band over the whole axis and no boundary', () => {
    expect(tbpttGeometry(40, { k1: 1, k2: 40 }).lanes).toBe(4);
    const one = tbpttGeometry(8, { k1: 10, k2: 20 });
    expect(one.bands).toEqual([{ chunk: 1, first: 1, last: 8, windowFirst: 1, lane: 0, left: 0, right: 1 }]);
    expect(one.boundaries).toEqual([]);
  });

  it('agrees with the engine’s chunks for any T, k1 ≤ k2: windows k2 long (or to step 1), inside the axis', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 60 }), (T, k1, extra) => {
        const k2 = k1 + extra;
        const g = tbpttGeometry(T, { k1, k2 });
        const chunks = chunkRanges(T, { k1, k2 });
        expect(g.bands.length).toBe(chunks.length);
        expect(g.boundaries.length).toBe(chunks.length - 1);
        for (const b of g.bands) {
          expect(b.last - b.windowFirst + 1).toBe(Math.min(k2, b.last));
          expect(b.left).toBeGreaterThanOrEqual(0);
          expect(b.right).toBeLessThanOrEqual(1);
          expect(b.right - b.left).toBeCloseTo((b.last - b.windowFirst + 1) / T, 12);
          expect(b.lane).toBeLessThan(g.lanes);
        }
        // bars in one lane never overlap (while there are lanes enough)
        if (g.lanes < 4)
          for (const a of g.bands) for (const c of g.bands) if (a.chunk < c.chunk && a.lane === c.lane) expect(c.left).toBeGreaterThanOrEqual(a.right - 1e-12);
        expect(g.lanes).toBeLessThanOrEqual(Math.ceil(k2 / k1) + 1);
        expect(g.bands.at(-1)?.last).toBe(T);
      }),
    );
  });
});
