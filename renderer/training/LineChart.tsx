import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { alignSeries } from './compare';

/** Another series drawn over the chart's own, on its own x (kept runs in the loss chart). */
export interface ChartOverlay {
  readonly label: string;
  readonly color: string;
  readonly x: readonly number[];
  readonly y: readonly (number | null)[];
}

export interface LineChartProps {
  readonly x: readonly number[];
  readonly y: readonly number[];
  readonly label: string;
  /** Logarithmic y axis (values ≤ 0 are left out). */
  readonly log: boolean;
  readonly color: string;
  readonly testId: string;
  /** Extra attributes on the chart's element (figures for tests and screen readers). */
  readonly data?: Readonly<Record<string, string>>;
  /** Series drawn with the chart's own (behind it); x values are merged. */
  readonly overlays?: readonly ChartOverlay[];
  /** Leave the chart's own series out (only the overlays are drawn). */
  readonly hideOwn?: boolean;
}

/** A live line chart (uPlot on a canvas): recreated when the scale or the set of series changes, fed new data otherwise. */
export function LineChart({ x, y, label, log, color, testId, data, overlays = [], hideOwn = false }: LineChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  const look = JSON.stringify([log, label, color, hideOwn, overlays.map((o) => [o.label, o.color])]);

  const shown = (v: number | null): number | null => (v === null || !Number.isFinite(v) || (log && v <= 0) ? null : v);
  const series = (): uPlot.AlignedData => {
    if (overlays.length === 0) return [x as number[], y.map(shown)];
    const all = alignSeries([...overlays, ...(hideOwn ? [] : [{ x, y }])]);
    return [all.x, ...all.ys.map((s) => s.map(shown))];
  };

  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const axis = { stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.2)' }, ticks: { stroke: 'rgba(128,128,128,0.4)' } };
    const lines = [...overlays.map((o) => ({ label: o.label, stroke: o.color, width: 1.25, spanGaps: true })), ...(hideOwn && overlays.length > 0 ? [] : [{ label, stroke: color, width: 1.75, spanGaps: true }])];
    const u = new uPlot(
      {
        width: Math.max(120, el.clientWidth),
        height: Math.max(80, el.clientHeight),
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: false }, y: log ? { distr: 3 } : { auto: true } },
        axes: [axis, { ...axis, size: 56 }],
        series: [{}, ...lines],
      },
      series(),
      el,
    );
    plot.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(120, el.clientWidth), height: Math.max(80, el.clientHeight) }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = undefined;
    };
    // Recreated only when the scale or the series' look changes; data goes through setData below.
  }, [look]);

  useEffect(() => {
    plot.current?.setData(series());
  }, [x, y, overlays]);

  const attrs = Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [`data-${k}`, v]));
  return <div className="line-chart" ref={box} data-testid={testId} role="img" aria-label={label} {...attrs} />;
}
