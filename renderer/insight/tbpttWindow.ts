import { chunkRanges, type Tbptt } from '../../src/engine/bptt';

/**
 * Where truncated BPTT `(k1, k2)` cuts the time axis of a gradient-through-time view: a chunk
 * boundary after every k1 steps, and per chunk the window of k2 steps its gradient flows back
 * through (ending at the chunk's end). Positions are fractions of the axis (0…1), column `c`
 * (0-based) covering `[c/T, (c+1)/T)`, so they fit any pixel width.
 */

export interface WindowBand {
  /** The chunk's number, 1-based. */
  readonly chunk: number;
  /** First and last step (1-based) the chunk runs forward. */
  readonly first: number;
  readonly last: number;
  /** First step (1-based) of its backward window; the window ends at `last`. */
  readonly windowFirst: number;
  /** Row of the strip the bar is drawn in: neighbouring windows that overlap get different lanes. */
  readonly lane: number;
  /** The window's left and right edge on the axis (fractions). */
  readonly left: number;
  readonly right: number;
}

export interface ChunkBoundary {
  /** The last step (1-based) of the chunk before the boundary. */
  readonly after: number;
  /** Position on the axis (fraction): between step `after` and the next. */
  readonly at: number;
}

export interface TbpttGeometry {
  readonly bands: readonly WindowBand[];
  readonly boundaries: readonly ChunkBoundary[];
  /** Lanes the bars need (at most `maxLanes`; beyond that, overlapping bars share lanes). */
  readonly lanes: number;
}

/** The chunks and windows of `T` steps under `tbptt`; empty for T < 1 or a setting the engine refuses. */
export function tbpttGeometry(T: number, tbptt: Tbptt, maxLanes = 4): TbpttGeometry {
  if (!(Number.isInteger(T) && T >= 1)) return { bands: [], boundaries: [], lanes: 0 };
  let chunks;
  try {
    chunks = chunkRanges(T, tbptt);
  } catch {
    return { bands: [], boundaries: [], lanes: 0 };
  }
  // Lanes taken greedily (windows start in order): a bar goes to the first lane free at its left
  // edge; with every lane taken, to the one freed first. k2 ≤ k1 needs one lane, else about k2 / k1.
  const ends: number[] = [];
  const bands = chunks.map((c) => {
    let lane = ends.findIndex((end) => end <= c.windowFrom);
    if (lane < 0 && ends.length < maxLanes) lane = ends.push(0) - 1;
    if (lane < 0) lane = ends.indexOf(Math.min(...ends));
    ends[lane] = c.to;
    return { chunk: c.index, first: c.from + 1, last: c.to, windowFirst: c.windowFrom + 1, lane, left: c.windowFrom / T, right: c.to / T };
  });
  const boundaries = chunks.filter((c) => c.to < T).map((c) => ({ after: c.to, at: c.to / T }));
  return { bands, boundaries, lanes: ends.length };
}
