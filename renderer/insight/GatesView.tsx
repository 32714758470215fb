import { useTranslation } from 'react-i18next';
import { StepMarked } from '../unrolled/StepMarker';
import { Heatmap } from './Heatmap';
import { absMax, diverging, fmtNum, isSigmoidGate, pct, saturation, sequential, traceSteps, traceTokens } from './compute';
import { useInsight, type InsightRecord, type ValueTrace } from './insightStore';

/** One trace, time × units, cut to the sample's valid steps on the trace's own axis; ticks name the steps' tokens when the data have them. */
function TraceMap({ trace, record }: { trace: ValueTrace; record: InsightRecord }) {
  const { t } = useTranslation();
  const H = trace.shape[1];
  const rows = traceSteps(trace, record);
  const tokens = traceTokens(trace.axis, record.tokens, rows);
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
      <StepMarked cols={rows} testId={id}>
        <Heatmap
          rows={H}
          cols={rows}
          cell={(r, c) => (gate ? trace.values[c * H + r]! : trace.values[c * H + r]! / m)}
          colour={gate ? sequential : diverging}
          xLabel={t(tokens === undefined ? (trace.axis === 1 ? 'insight.decoderStep' : 'insight.timeStep') : trace.axis === 1 ? 'insight.decoderToken' : 'insight.timeToken')}
          yLabel={t('insight.unit')}
          xTick={(c) => tokens?.[c] ?? String(c + 1)}
          yTick={(r) => String(r + 1)}
          legend={gate ? { title: trace.name, lo: '0', hi: '1', from: 0, to: 1 } : { title: trace.name, lo: `-${fmtNum(m)}`, hi: fmtNum(m), from: -1, to: 1 }}
          height={Math.min(220, Math.max(120, 60 + H * 8))}
          testId={`${trace.kind}-heatmap-${id}`}
          label={t('insight.traceLabel', { node: trace.node, name: trace.name })}
          data={{ steps: String(rows), axis: trace.axis === 1 ? 'target' : 'source', tokens: JSON.stringify(tokens?.slice(0, rows) ?? []) }}
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
          <TraceMap key={`${g.node}.${g.name}`} trace={g} record={latest} />
        ))}
        {states.map((g) => (
          <TraceMap key={`${g.node}.${g.name}`} trace={g} record={latest} />
        ))}
      </div>
    </div>
  );
}
