import { useTranslation } from 'react-i18next';
import { StepMarked } from '../unrolled/StepMarker';
import { Heatmap } from './Heatmap';
import { absMax, diverging, fmtNum, isSigmoidGate, pct, saturation, sequential } from './compute';
import { useInsight, type ValueTrace } from './insightStore';

function TraceMap({ trace, rows }: { trace: ValueTrace; rows: number }) {
  const { t } = useTranslation();
  const [T, H] = trace.shape;
  const gate = isSigmoidGate(trace.kind, trace.name);
  const m = gate ? 1 : absMax(trace.values);
  const sat = gate ? saturation(trace.values, H, rows) : undefined;
  const id = `${trace.node}-${trace.name}`;
  return (
    <div className="insight-trace">
      <div className="insight-node-head">
        <strong>{trace.kind === 'gate' ? t('insight.gateName', { node: trace.node, name: trace.name }) : t('insight.stateName', { node: trace.node, name: trace.name })}</strong>
        {sat !== undefined && (
          <span data-testid={`gate-sat-${id}`} data-below={String(sat.below)} data-above={String(sat.above)}>
            {t('insight.saturation', { below: pct(sat.below), above: pct(sat.above) })}
          </span>
        )}
      </div>
      <StepMarked cols={Math.min(T, rows)} testId={id}>
        <Heatmap
          rows={H}
          cols={Math.min(T, rows)}
          cell={(r, c) => (gate ? trace.values[c * H + r]! : trace.values[c * H + r]! / m)}
          colour={gate ? sequential : diverging}
          xLabel={t('insight.timeStep')}
          yLabel={t('insight.unit')}
          xTick={(c) => String(c + 1)}
          yTick={(r) => String(r + 1)}
          legend={gate ? { title: trace.name, lo: '0', hi: '1', from: 0, to: 1 } : { title: trace.name, lo: `-${fmtNum(m)}`, hi: fmtNum(m), from: -1, to: 1 }}
          height={Math.min(220, Math.max(120, 60 + H * 8))}
          testId={`${trace.kind}-heatmap-${id}`}
          label={t('insight.traceLabel', { node: trace.node, name: trace.name })}
        />
      </StepMarked>
    </div>
  );
}

/** Gates and states: LSTM f/i/o and GRU z/r activations and hidden states of the recorded sample, time × units, with saturation shares per gate. */
export function GatesView() {
  const { t } = useTranslation();
  const records = useInsight((s) => s.records);
  const latest = records[records.length - 1];
  if (latest === undefined)
    return (
      <div className="insight-view" data-testid="insight-gates">
        <div className="muted" data-testid="insight-empty">
          {t('insight.noRecords')}
        </div>
      </div>
    );
  const gates = latest.traces.filter((x) => x.kind === 'gate');
  const states = latest.traces.filter((x) => x.kind === 'state');
  const rows = latest.length > 0 ? latest.length : latest.T;
  return (
    <div className="insight-view" data-testid="insight-gates" data-step={String(latest.step)}>
      <div className="muted">{t('insight.gatesIntro', { step: latest.step, length: rows })}</div>
      {gates.length === 0 && <div className="muted">{t('insight.noGates')}</div>}
      <div className="insight-grid">
        {gates.map((g) => (
          <TraceMap key={`${g.node}.${g.name}`} trace={g} rows={rows} />
        ))}
        {states.map((g) => (
          <TraceMap key={`${g.node}.${g.name}`} trace={g} rows={rows} />
        ))}
      </div>
    </div>
  );
}
