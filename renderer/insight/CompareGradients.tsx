import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { chosenCurve, shapedCurve } from '../training/compare';
import { keptCopyOf, useCompare } from '../training/compareStore';
import { useTraining } from '../training/trainingStore';
import { useInsight } from './insightStore';
import { MultiChart, type ChartSeries } from './MultiChart';
import '../training/compare.css';

const LIVE_COLOUR = '#2563eb';

/**
 * Runs compared: for each visible kept run (and the live one, unless it is kept), the latest
 * ‖∂L/∂h_t‖ curve over t of a chosen recurrent value, optionally divided by its value at t = T so
 * that the vanishing ratios line up.
 */
export function CompareGradients() {
  const { t } = useTranslation();
  const kept = useCompare((s) => s.runs);
  const keptFrom = useCompare((s) => s.keptFrom);
  const normalise = useCompare((s) => s.normalise);
  const pick = useCompare((s) => s.curvePick);
  const run = useTraining((s) => s.run);
  const records = useInsight((s) => s.records);
  const visible = useMemo(() => kept.filter((r) => r.visible && r.grads.length > 0), [kept]);
  const live = records[records.length - 1];
  const showLive = live !== undefined && live.gradNorms.length > 0 && keptCopyOf(run, { runs: kept, keptFrom }) === undefined;

  const chart = useMemo(() => {
    const curves: { label: string; color: string; y: (number | null)[] }[] = visible.map((r) => {
      const c = chosenCurve(r.grads, pick[r.id])!;
      return { label: r.grads.length > 1 ? `${r.name} · ${c.name}` : r.name, color: r.colour, y: shapedCurve(c.perStep, normalise) };
    });
    if (showLive) {
      const c = chosenCurve(live.gradNorms, undefined)!;
      curves.push({ label: t('compare.liveRun', { name: c.name }), color: LIVE_COLOUR, y: shapedCurve(Array.from(c.perStep), normalise) });
    }
    const T = curves.reduce((m, c) => Math.max(m, c.y.length), 0);
    const x = Array.from({ length: T }, (_, k) => k + 1);
    const series: ChartSeries[] = curves.map((c) => ({ label: c.label, color: c.color, y: x.map((_, k) => c.y[k] ?? null) }));
    return { x, series };
  }, [visible, pick, normalise, showLive, live, t]);

  if (visible.length === 0) return null;
  return (
    <div className="insight-node" data-testid="compare-gradients">
      <div className="insight-node-head">
        <strong>{t('compare.gradTitle')}</strong>
        <label className="compare-controls">
          <input type="checkbox" checked={normalise} onChange={(e) => useCompare.getState().setNormalise(e.target.checked)} data-testid="compare-normalise" />
          {t('compare.normalise')}
        </label>
      </div>
      <div className="compare-controls">
        {visible
          .filter((r) => r.grads.length > 1)
          .map((r) => (
            <label key={r.id}>
              {r.name}{' '}
              <select value={chosenCurve(r.grads, pick[r.id])!.name} onChange={(e) => useCompare.getState().pickCurve(r.id, e.target.value)} data-testid={`compare-pick-${r.id}`}>
                {r.grads.map((g) => (
                  <option key={g.name} value={g.name}>
                    {g.name}
                  </option>
                ))}
              </select>
            </label>
          ))}
      </div>
      <MultiChart
        x={chart.x}
        series={chart.series}
        xLabel={t('insight.timeStep')}
        yLabel={normalise ? t('compare.normalisedAxis') : '‖∂L/∂h_t‖'}
        log
        height={220}
        testId="compare-gradient-chart"
        data={{ runs: String(chart.series.length), 'run-names': JSON.stringify(chart.series.map((s) => s.label)), normalised: String(normalise) }}
      />
    </div>
  );
}
