import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

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
}

/** A live line chart (uPlot on a canvas): recreated when the scale changes, fed new data otherwise. */
export function LineChart({ x, y, label, log, color, testId, data }: LineChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);

  const series = (): uPlot.AlignedData => [x as number[], log ? y.map((v) => (v > 0 && Number.isFinite(v) ? v : null)) : (y as number[])];

  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const axis = { stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.2)' }, ticks: { stroke: 'rgba(128,128,128,0.4)' } };
    const u = new uPlot(
      {
        width: Math.max(120, el.clientWidth),
        height: Math.max(80, el.clientHeight),
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: false }, y: log ? { distr: 3 } : { auto: true } },
        axes: [axis, { ...axis, size: 56 }],
        series: [{}, { label, stroke: color, width: 1.5, spanGaps: true }],
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
  }, [log, label, color]);

  useEffect(() => {
    plot.current?.setData(series());
  }, [x, y]);

  const attrs = Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [`data-${k}`, v]));
  return <div className="line-chart" ref={box} data-testid={testId} role="img" aria-label={label} {...attrs} />;
}
