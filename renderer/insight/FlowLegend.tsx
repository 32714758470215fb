import { useTranslation } from 'react-i18next';
import { fmtNum } from './compute';
import { flowGradientCss, type EdgeFlow } from './edgeFlow';
import { useInsight } from './insightStore';

const RAMP = flowGradientCss();

/**
 * The canvas overlay of gradient flow: the switch, and while it is on the record's training step and
 * the norms at both ends of the colour ramp. Shown once the dashboard holds a record; `stale` when the
 * graph changed since the run (no flow is drawn then).
 */
export function FlowLegend({ step, flow, stale }: { step: number; flow: EdgeFlow | undefined; stale: boolean }) {
  const { t } = useTranslation();
  const on = useInsight((s) => s.flow);
  return (
    <div className="flow-legend" data-testid="flow-legend" data-on={on ? 'true' : 'false'}>
      <label className="flow-legend-toggle">
        <input type="checkbox" data-testid="flow-toggle" checked={on} onChange={(e) => useInsight.getState().setFlow(e.target.checked)} />
        {on ? t('insight.flowTitle', { step }) : t('insight.flowShow')}
      </label>
      {on && stale && (
        <div className="flow-legend-range" data-testid="flow-stale">
          {t('insight.flowStale')}
        </div>
      )}
      {on && !stale && flow !== undefined && (
        <>
          <div className="flow-legend-bar" style={{ background: RAMP }} aria-hidden="true" />
          <div className="flow-legend-range" data-testid="flow-range" data-min={flow.min ?? ''} data-max={flow.max ?? ''}>
            {flow.min === undefined || flow.max === undefined ? t('insight.flowNone') : t('insight.flowRange', { min: fmtNum(flow.min), max: fmtNum(flow.max) })}
          </div>
        </>
      )}
    </div>
  );
}
