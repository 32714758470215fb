import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { logTick } from './compute';

export interface ChartSeries {
  readonly label: string;
  /** Values on the shared x (`null` or non-finite: no point). */
  readonly y: readonly (number | null)[];
  readonly color: string;
  readonly dash?: readonly number[];
  /** Draw points only (marks), no line. */
  readonly marks?: boolean;
}

export interface ChartBand {
  /** Shade everything below `below` / above `above` (y units). */
  readonly below?: number;
  readonly above?: number;
  readonly color: string;
}

export interface MultiChartProps {
  readonly x: readonly number[];
  readonly series: readonly ChartSeries[];
  readonly xLabel: string;
  readonly yLabel: string;
  /** Logarithmic y axis (values ≤ 0 are left out). */
  readonly log: boolean;
  readonly bands?: readonly ChartBand[];
  readonly height: number;
  readonly testId: string;
  readonly data?: Readonly<Record<string, string>>;
}

/** Several lines (uPlot) sharing x, with a legend, axis labels and optional shaded y bands. */
export function MultiChart({ x, series, xLabel, yLabel, log, bands, height, testId, data }: MultiChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  const bandsRef = useRef(bands);
  bandsRef.current = bands;
  const look = JSON.stringify([series.map((s) => [s.label, s.color, s.dash, s.marks]), log, xLabel, yLabel, height]);

  const shown = (v: number | null): number | null => (v === null || !Number.isFinite(v) || (log && v <= 0) ? null : v);
  const aligned = (): uPlot.AlignedData => [x as number[], ...series.map((s) => s.y.map(shown))];

  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const axis = { stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.2)' }, ticks: { stroke: 'rgba(128,128,128,0.4)' } };
    const shade = (u: uPlot) => {
      const ctx = u.ctx;
      const { left, top, width, height: h } = u.bbox;
      for (const b of bandsRef.current ?? []) {
        ctx.fillStyle = b.color;
        if (b.below !== undefined && b.below > 0) {
          const y = Math.max(top, Math.min(top + h, u.valToPos(b.below, 'y', true)));
          ctx.fillRect(left, y, width, top + h - y);
        }
        if (b.above !== undefined && b.above > 0) {
          const y = Math.max(top, Math.min(top + h, u.valToPos(b.above, 'y', true)));
          ctx.fillRect(left, top, width, y - top);
        }
      }
    };
    const u = new uPlot(
      {
        width: Math.max(160, el.clientWidth),
        height,
        legend: { show: true, live: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: false }, y: log ? { distr: 3 } : { auto: true } },
        axes: [
          { ...axis, label: xLabel, labelSize: 18 },
          { ...axis, label: yLabel, labelSize: 18, size: 60, ...(log ? { values: (_u: uPlot, splits: number[]) => splits.map(logTick) } : {}) },
        ],
        series: [
          { label: xLabel },
          ...series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: s.marks === true ? 0 : 1.5,
            spanGaps: s.marks !== true,
            ...(s.dash === undefined ? {} : { dash: [...s.dash] }),
            ...(s.marks === true ? { paths: () => null, points: { show: true, size: 6, stroke: s.color, fill: s.color } } : { points: { show: false } }),
          })),
        ],
        hooks: { drawClear: [shade] },
      },
      aligned(),
      el,
    );
    plot.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(160, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = undefined;
    };
    // Recreated when the series' look changes; data goes through setData below.
  }, [look]);

  useEffect(() => {
    plot.current?.setData(aligned());
  });

  const attrs = Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [`data-${k}`, v]));
  return <div className="multi-chart" ref={box} data-testid={testId} role="img" aria-label={yLabel} {...attrs} />;
}
