import { useTranslation } from 'react-i18next';
import { fmtNum } from './compute';
import { binned, histogramBars } from './histogram';
import type { HistogramData } from './insightStore';

const W = 320;
const H = 120;
const PAD = { left: 8, right: 8, top: 6, bottom: 18 };

/** One histogram as SVG bars, with its range, the zero line when the range spans it, and the values in no bin. */
export function HistogramChart({ h, title, logCount, colour, testId }: { h: HistogramData; title: string; logCount: boolean; colour: string; testId: string }) {
  const { t } = useTranslation();
  const iw = W - PAD.left - PAD.right;
  const ih = H - PAD.top - PAD.bottom;
  const bars = histogramBars(h, iw, ih, logCount);
  const total = binned(h);
  const max = h.counts.reduce((m, c) => Math.max(m, c), 0);
  const zero = h.lo < 0 && h.hi > 0 ? PAD.left + (-h.lo / (h.hi - h.lo)) * iw : undefined;
  return (
    <figure className="histogram" data-testid={testId} data-bins={String(h.counts.length)} data-total={String(total)} data-lo={String(h.lo)} data-hi={String(h.hi)} data-nonfinite={String(h.nonFinite)}>
      <figcaption>
        <strong>{title}</strong> <span className="muted">{t('insight.histCount', { count: total, max })}</span>
        {h.nonFinite > 0 && <span className="histogram-bad"> {t('insight.histNonFinite', { count: h.nonFinite })}</span>}
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title}>
        <g transform={`translate(${PAD.left},${PAD.top})`}>
          {bars.map((b, k) => (
            <rect key={k} x={b.x + 0.5} width={Math.max(0.5, b.width - 1)} y={b.y} height={b.height} fill={colour}>
              <title>{t('insight.histBin', { from: fmtNum(b.from), to: fmtNum(b.to), count: b.count })}</title>
            </rect>
          ))}
          <line x1={0} x2={iw} y1={ih} y2={ih} stroke="currentColor" strokeOpacity={0.4} />
        </g>
        {zero !== undefined && <line x1={zero} x2={zero} y1={PAD.top} y2={PAD.top + ih} stroke="currentColor" strokeOpacity={0.5} strokeDasharray="3 3" />}
        <text x={PAD.left} y={H - 4} fontSize={10} fill="currentColor">
          {fmtNum(h.lo)}
        </text>
        {zero !== undefined && (
          <text x={zero} y={H - 4} fontSize={10} fill="currentColor" textAnchor="middle">
            0
          </text>
        )}
        <text x={W - PAD.right} y={H - 4} fontSize={10} fill="currentColor" textAnchor="end">
          {fmtNum(h.hi)}
        </text>
      </svg>
    </figure>
  );
}
