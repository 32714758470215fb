import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { OMEGA_METRIC } from '../../src/training/trainer';
import { TEACHER_RATIO } from '../../src/training/teacher';
import { InsightTabs, InsightView } from '../insight/InsightTabs';
import { useInsight } from '../insight/insightStore';
import { useApp } from '../store';
import { canKeep, controlTraining, keepTrainedWeights, startTraining } from './actions';
import { ComparePanel } from './ComparePanel';
import { keptCopyOf, useCompare } from './compareStore';
import { LineChart, type ChartOverlay } from './LineChart';
import { TrainingForm } from './TrainingForm';
import { formFromTraining, isActive, useTraining, type DivergenceInfo, type Run } from './trainingStore';

/** Mean of the first and of the last `k` values: the chart's "first vs last" figures. */
function ends(y: readonly number[], k = 5): { first: number; last: number } | undefined {
  if (y.length === 0) return undefined;
  const mean = (a: readonly number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  return { first: mean(y.slice(0, k)), last: mean(y.slice(-k)) };
}

/** A metric's chart title: `MSE`, `Accuracy`, `Ω (…)`; the loss node is named when the run has several. */
function metricLabel(name: string, t: TFunction, several: boolean): string {
  if (name === OMEGA_METRIC) return t('training.omega');
  const dot = name.lastIndexOf('.');
  const kind = name.slice(dot + 1);
  if (kind === TEACHER_RATIO) return t('training.teacherRatio', { node: name.slice(0, dot) });
  const metric = kind === 'accuracy' ? t('training.accuracy') : kind === 'mse' ? t('training.mse') : name;
  return several && metric !== name ? t('training.metricOf', { metric, node: name.slice(0, dot) }) : metric;
}

/** The divergence banner's sentence: where the first non-finite number appeared (a decoder step named as such). */
export function divergenceText(d: DivergenceInfo, t: TFunction): string {
  const args = { found: d.found, node: d.node, value: d.value, step: d.step, trainingStep: d.trainingStep };
  if (d.step === undefined) return t('training.divergedNoStep', args);
  return t(d.axis === 'target' ? 'training.divergedDecoder' : 'training.diverged', args);
}

const CHART_COLORS = ['#16a34a', '#9333ea', '#ea580c', '#0891b2'];

const fmt = (v: number): string => (Number.isFinite(v) ? (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toPrecision(4)) : String(v));

function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

function Progress({ run }: { run: Run }) {
  const { t } = useTranslation();
  const fraction = run.total > 0 ? Math.min(1, run.step / run.total) : 0;
  const eta = run.stepsPerSecond > 0 && run.status === 'running' ? (run.total - run.step) / run.stepsPerSecond : NaN;
  return (
    <div className="train-progress">
      <progress max={run.total} value={run.step} data-testid="train-progress" aria-label={t('training.progress')} />
      <div className="train-figures">
        <span data-testid="train-step">{t('training.stepOf', { step: run.step, total: run.total })}</span>
        <span data-testid="train-rate">{t('training.rate', { rate: run.stepsPerSecond.toFixed(1) })}</span>
        <span data-testid="train-eta">{t('training.eta', { time: duration(eta) })}</span>
        <span className="muted">{Math.round(fraction * 100)}%</span>
      </div>
      <div className={`train-status status-${run.status}`} data-testid="train-status" data-status={run.status}>
        {t(`training.status.${run.status}`)}
      </div>
    </div>
  );
}

function BackendInfo({ run }: { run: Run }) {
  const { t } = useTranslation();
  const b = run.backend;
  if (b === undefined) return <div className="train-backend muted">{run.status === 'starting' ? t('training.choosingBackend') : ''}</div>;
  return (
    <details className="train-backend" data-testid="train-backend-info" data-backend={b.name}>
      <summary>{t('training.backendRuns', { name: b.name, precision: b.precision })}</summary>
      <div className="muted">{b.summary}</div>
      {b.passedOver.length > 0 && (
        <ul>
          {b.passedOver.map((c) => (
            <li key={c.name}>
              {t('training.passedOver', { name: c.name, reason: c.reason })}
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}

/**
 * The training dashboard: a pane under the canvas (the canvas stays usable) with the form, Start /
 * Pause / Resume / Stop, progress, the chosen backend, live loss and metric charts, a divergence
 * message, and "Keep trained weights".
 */
export function TrainingPanel() {
  const { t } = useTranslation();
  const training = useApp((s) => s.doc.training);
  const run = useTraining((s) => s.run);
  const stateful = useTraining((s) => s.form.stateful);
  const error = useTraining((s) => s.error);
  const version = useTraining((s) => s.version);
  const logScale = useTraining((s) => s.logScale);
  const setLogScale = useTraining((s) => s.setLogScale);
  const active = isActive(run);
  const tab = useInsight((s) => s.tab);

  // The form follows the document's training block (opened, recovered, or trained weights kept), unless a run is under way.
  useEffect(() => {
    if (!isActive(useTraining.getState().run)) useTraining.getState().setForm(formFromTraining(training));
  }, [training]);

  const loss = useMemo(() => useTraining.getState().loss.toArrays(), [version]);
  const metric = useMemo(() => useTraining.getState().metric.toArrays(), [version]);
  const lossEnds = ends(loss.y);
  const kept = useCompare((s) => s.runs);
  const keptFrom = useCompare((s) => s.keptFrom);
  // Kept runs under the live one; a live run that was kept is drawn once, as its kept copy.
  const liveKept = keptCopyOf(run, { runs: kept, keptFrom });
  const overlays = useMemo((): ChartOverlay[] => kept.filter((r) => r.visible).map((r) => ({ label: r.name, color: r.colour, x: r.loss.x, y: r.loss.y })), [kept]);
  const showLive = liveKept === undefined && loss.x.length > 0;
  // The first metric, then every other one the run listed (Ω of the Pascanu regulariser, further loss nodes, teacher-forcing ratios).
  const names = run?.metrics ?? (run?.metric === undefined ? [] : [run.metric]);
  const lossMetrics = names.filter((n) => n !== OMEGA_METRIC && !n.endsWith(`.${TEACHER_RATIO}`)).length;
  const metricName = run?.metric === undefined ? t('training.mse') : metricLabel(run.metric, t, lossMetrics > 1);
  const extras = useMemo(() => {
    const series = useTraining.getState().extras;
    return names.filter((n) => n !== run?.metric).map((name) => ({ name, ...(series.get(name)?.toArrays() ?? { x: [], y: [] }) }));
  }, [version, names, run?.metric]);

  return (
    <section className={`training-panel${tab === 'loss' ? '' : ' insight-wide'}`} data-testid="training-panel" aria-label={t('training.title')}>
      <div className="train-left">
        <h2>{t('training.title')}</h2>
        <TrainingForm locked={active} />
      </div>
      <div className="train-middle">
        <div className="train-buttons">
          <button type="button" className="primary" disabled={active} onClick={() => void startTraining()} data-testid="train-start">
            {t('training.start')}
          </button>
          <button type="button" disabled={run?.status !== 'running' || run.id === undefined} onClick={() => void controlTraining('pause')} data-testid="train-pause">
            {t('training.pause')}
          </button>
          <button type="button" disabled={run?.status !== 'paused'} onClick={() => void controlTraining('resume')} data-testid="train-resume">
            {t('training.resume')}
          </button>
          <button type="button" disabled={!active || run?.id === undefined} onClick={() => void controlTraining('stop')} data-testid="train-stop">
            {t('training.stop')}
          </button>
          {stateful && (
            <button type="button" disabled={!active || run?.id === undefined} onClick={() => void controlTraining('resetState')} title={t('training.resetStateHint')} data-testid="train-reset-state">
              {t('training.resetState')}
            </button>
          )}
        </div>
        {run !== undefined && <Progress run={run} />}
        {run !== undefined && <BackendInfo run={run} />}
        {run?.divergence !== undefined && (
          <div className="train-divergence" role="alert" data-testid="train-divergence" data-axis={run.divergence.axis ?? ''}>
            {divergenceText(run.divergence, t)}
            <div className="muted">{t('training.lastGoodKept')}</div>
          </div>
        )}
        {error !== undefined && (
          <div className="train-error" role="alert" data-testid="train-error">
            {error.message}
            {error.details !== undefined && error.details.length > 1 && (
              <ul>
                {error.details.map((d, i) => (
                  <li key={i}>
                    <code>{d.where}</code> {d.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
        <div className="train-buttons">
          <button type="button" disabled={!canKeep(run)} onClick={() => void keepTrainedWeights()} data-testid="train-keep" title={t('training.keepTitle')}>
            {t('training.keep')}
          </button>
          {run?.keptStep !== undefined && (
            <span className="muted" data-testid="train-kept">
              {t('training.keptAt', { step: run.keptStep })}
            </span>
          )}
        </div>
        <ComparePanel />
      </div>
      <div className="train-right">
        <InsightTabs />
        {tab !== 'loss' ? (
          <InsightView tab={tab} />
        ) : (
          // One column per chart: the loss, the first metric, then every other metric the run listed.
          <div className="train-charts" style={{ gridTemplateColumns: `repeat(${2 + extras.length}, minmax(0, 1fr))` }}>
            <div className="train-chart">
              <div className="train-chart-head">
                <strong>{t('training.loss')}</strong>
                {lossEnds !== undefined && (
                  <span className="muted" data-testid="loss-figures">
                    {t('training.firstLast', { first: fmt(lossEnds.first), last: fmt(lossEnds.last) })}
                  </span>
                )}
                <label className="train-log">
                  <input type="checkbox" checked={logScale} onChange={(e) => setLogScale(e.target.checked)} data-testid="train-log" />
                  {t('training.logScale')}
                </label>
              </div>
              <LineChart
                x={loss.x}
                y={loss.y}
                label={t('training.loss')}
                log={logScale}
                color="#2563eb"
                testId="loss-chart"
                overlays={overlays}
                hideOwn={!showLive}
                data={{
                  points: String(loss.y.length),
                  'first-loss': lossEnds === undefined ? '' : String(lossEnds.first),
                  'last-loss': lossEnds === undefined ? '' : String(lossEnds.last),
                  runs: String(overlays.length),
                  'run-names': JSON.stringify(overlays.map((o) => o.label)),
                  live: String(showLive),
                }}
              />
            </div>
            <div className="train-chart">
              <div className="train-chart-head">
                <strong>{metricName}</strong>
                {metric.y.length > 0 && <span className="muted">{fmt(metric.y[metric.y.length - 1]!)}</span>}
              </div>
              <LineChart x={metric.x} y={metric.y} label={metricName} log={false} color={CHART_COLORS[0]!} testId="metric-chart" data={{ points: String(metric.y.length) }} />
            </div>
            {extras.map((m, i) => {
              const label = metricLabel(m.name, t, lossMetrics > 1);
              return (
                <div className="train-chart" key={m.name}>
                  <div className="train-chart-head">
                    <strong>{label}</strong>
                    {m.y.length > 0 && <span className="muted">{fmt(m.y[m.y.length - 1]!)}</span>}
                  </div>
                  <LineChart x={m.x} y={m.y} label={label} log={false} color={CHART_COLORS[(i + 1) % CHART_COLORS.length]!} testId={`metric-chart-${m.name}`} data={{ points: String(m.y.length), last: m.y.length > 0 ? String(m.y[m.y.length - 1]) : '' }} />
                </div>
              );
            })}
          </div>
        )}
      </div>
    </section>
  );
}
