import type { HistogramData, InsightRecord, ParamHistogramData } from './insightStore';

/** One bar of a drawn histogram, in the drawing's units (y down). */
export interface HistogramBar {
  readonly x: number;
  readonly width: number;
  readonly y: number;
  readonly height: number;
  /** The bin's count and edges, for its tooltip. */
  readonly count: number;
  readonly from: number;
  readonly to: number;
}

/** The newest record that carries histograms, if any. */
export function latestHistograms(records: readonly InsightRecord[]): { step: number; histograms: readonly ParamHistogramData[] } | undefined {
  for (let i = records.length - 1; i >= 0; i--) {
    const h = records[i]!.histograms;
    if (h !== undefined && h.length > 0) return { step: records[i]!.step, histograms: h };
  }
  return undefined;
}

/** The number of values in the bins. */
export const binned = (h: HistogramData): number => h.counts.reduce((s, c) => s + c, 0);

/**
 * The bars of `h` in a `width × height` drawing: equal widths over the bins, heights in proportion
 * to the count, or to log10(1 + count) with `logCount` (so single outliers stay visible).
 */
export function histogramBars(h: HistogramData, width: number, height: number, logCount: boolean): HistogramBar[] {
  const n = h.counts.length;
  const scale = (c: number) => (logCount ? Math.log10(1 + c) : c);
  const top = h.counts.reduce((m, c) => Math.max(m, scale(c)), 0);
  const w = width / n;
  return Array.from(h.counts, (count, k) => {
    const bh = top > 0 ? (scale(count) / top) * height : 0;
    return { x: k * w, width: w, y: height - bh, height: bh, count, from: h.lo + (k * (h.hi - h.lo)) / n, to: h.lo + ((k + 1) * (h.hi - h.lo)) / n };
  });
}
