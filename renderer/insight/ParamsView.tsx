import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { HistogramChart } from './HistogramChart';
import { latestHistograms } from './histogram';
import { MultiChart } from './MultiChart';
import { useInsight } from './insightStore';
import './histogram.css';

const COLOURS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777', '#4b5563', '#65a30d'];

/** The latest recorded histograms of one parameter (picked from a list): its values and its gradient. */
function Histograms() {
  const { t } = useTranslation();
  const records = useInsight((s) => s.records);
  const picked = useInsight((s) => s.histParam);
  const logCount = useInsight((s) => s.histLog);
  const latest = latestHistograms(records);
  if (latest === undefined) {
    return (
      <div className="muted" data-testid="hist-empty">
        {t('insight.noHistograms')}
      </div>
    );
  }
  const p = latest.histograms.find((h) => h.name === picked) ?? latest.histograms[0]!;
  return (
    <div className="insight-node" data-testid="param-histograms" data-step={String(latest.step)} data-param={p.name} data-params={String(latest.histograms.length)}>
      <div className="insight-node-head">
        <strong>{t('insight.histTitle', { step: latest.step })}</strong>
        <label className="hist-controls">
          {t('insight.histParam')}{' '}
          <select value={p.name} onChange={(e) => useInsight.getState().setHistParam(e.target.value)} data-testid="hist-param">
            {latest.histograms.map((h) => (
              <option key={h.name} value={h.name}>
                {h.name}
              </option>
            ))}
          </select>
        </label>
        <label className="hist-controls">
          <input type="checkbox" checked={logCount} onChange={(e) => useInsight.getState().setHistLog(e.target.checked)} data-testid="hist-log" />
          {t('insight.histLog')}
        </label>
      </div>
      <div className="muted">{t('insight.histIntro')}</div>
      <div className="hist-pair">
        <HistogramChart h={p.values} title={t('insight.histValues', { name: p.name })} logCount={logCount} colour="#2563eb" testId="hist-values" />
        {p.grads === undefined ? (
          <div className="muted hist-none" data-testid="hist-no-grads">
            {t('insight.histNoGrads')}
          </div>
        ) : (
          <HistogramChart h={p.grads} title={t('insight.histGrads', { name: p.name })} logCount={logCount} colour="#ea580c" testId="hist-grads" />
        )}
      </div>
    </div>
  );
}

/** Parameters: each trainable parameter's pre-clip gradient norm over training (log y), and the latest histograms of one parameter. */
export function ParamsView() {
  const { t } = useTranslation();
  const version = useInsight((s) => s.version);
  const names = useInsight((s) => s.paramNames);
  const data = useMemo(() => {
    const s = useInsight.getState();
    const arrays = s.params.map((p) => p.toArrays());
    return { x: arrays[0]?.x ?? [], ys: arrays.map((a) => a.y) };
  }, [version, names]);
  const series = names.map((name, i) => ({ label: name, y: data.ys[i] ?? [], color: COLOURS[i % COLOURS.length]!, ...(i >= COLOURS.length ? { dash: [5, 3] } : {}) }));
  return (
    <div className="insight-view" data-testid="insight-params" data-params={String(names.length)}>
      {names.length === 0 ? (
        <div className="muted" data-testid="insight-empty">
          {t('insight.noParams')}
        </div>
      ) : (
        <>
          <MultiChart x={data.x} series={series} xLabel={t('insight.trainingStep')} yLabel={t('insight.paramNorm')} log height={260} testId="params-chart" data={{ points: String(data.x.length) }} />
          <Histograms />
        </>
      )}
    </div>
  );
}
