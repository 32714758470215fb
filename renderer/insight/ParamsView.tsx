import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { MultiChart } from './MultiChart';
import { useInsight } from './insightStore';

const COLOURS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777', '#4b5563', '#65a30d'];

/** Parameters: each trainable parameter's pre-clip gradient norm over training (log y). */
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
        <MultiChart x={data.x} series={series} xLabel={t('insight.trainingStep')} yLabel={t('insight.paramNorm')} log height={260} testId="params-chart" data={{ points: String(data.x.length) }} />
      )}
    </div>
  );
}
