import { useTranslation } from 'react-i18next';
import { useApp } from '../store';
import { graphSignature } from '../training/actions';
import { goTo, runTrace, stepBy } from './actions';
import { momentAt, traceSteps, useStep } from './stepStore';
import './stepthrough.css';

const fmt = (v: number) => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toPrecision(4));

/**
 * Step through one batch: the host runs it forward and backward once (reference backend, float64);
 * here the walk goes forward t = 1 … T, then backward t = T … 1, and the unrolled view shows the
 * values (forward) or gradients (backward) on its wires up to the current step.
 */
export function StepThroughPanel() {
  const { t } = useTranslation();
  const data = useStep((s) => s.data);
  const running = useStep((s) => s.running);
  const trace = useStep((s) => s.trace);
  const traced = useStep((s) => s.signature);
  const moment = useStep((s) => s.moment);
  const error = useStep((s) => s.error);
  const stale = useApp((s) => trace !== undefined && graphSignature(s.doc) !== traced);
  const T = trace === undefined ? 0 : traceSteps(trace);
  const walk = trace === undefined ? undefined : momentAt(moment, T);
  const weights = trace === undefined ? '' : t(`stepThrough.weights.${trace.weights.source}`, { step: trace.weights.step ?? 0 });
  return (
    <section className="step-panel floating-pane" data-testid="step-panel" aria-label={t('stepThrough.title')}>
      <div className="step-head">
        <h2>{t('stepThrough.title')}</h2>
        <span className="spacer" />
        <button type="button" className="step-close" onClick={() => useStep.getState().setOpen(false)} aria-label={t('stepThrough.close')} title={t('stepThrough.close')} data-testid="step-close">
          ×
        </button>
      </div>
      <div className="step-row">
        <label>
          {t('stepThrough.data')}{' '}
          <select value={data} onChange={(e) => useStep.getState().setData(e.target.value === 'random' ? 'random' : 'task')} data-testid="step-data">
            <option value="task">{t('stepThrough.task')}</option>
            <option value="random">{t('stepThrough.random')}</option>
          </select>
        </label>
        <button type="button" className="primary" disabled={running} onClick={() => void runTrace()} data-testid="step-run">
          {running ? t('stepThrough.running') : t('stepThrough.run')}
        </button>
      </div>
      {error !== undefined && (
        <div className="step-error" role="alert" data-testid="step-error" data-path={error.path ?? ''}>
          {error.message}
        </div>
      )}
      {trace === undefined || walk === undefined ? (
        <div className="muted">{t('stepThrough.empty')}</div>
      ) : (
        <>
          <div className="muted" data-testid="step-summary">
            {t('stepThrough.summary', { B: trace.B, T: trace.targetT > 0 ? `${trace.T} + ${trace.targetT}` : trace.T, loss: fmt(trace.loss), weights })}
          </div>
          {stale && <div className="step-error">{t('stepThrough.stale')}</div>}
          <div className={`step-position phase-${walk.phase}`} data-testid="step-position" data-phase={walk.phase} data-t={String(walk.t)}>
            {t(`stepThrough.${walk.phase}`, { t: walk.t, T })}
          </div>
          <div className="step-row">
            <button type="button" onClick={() => goTo(0)} disabled={moment === 0} data-testid="step-start">
              {t('stepThrough.toStart')}
            </button>
            <button type="button" onClick={() => stepBy(-1)} disabled={moment === 0} data-testid="step-prev">
              {t('stepThrough.prev')}
            </button>
            <button type="button" onClick={() => stepBy(1)} disabled={moment >= 2 * T - 1} data-testid="step-next">
              {t('stepThrough.next')}
            </button>
            <button type="button" onClick={() => goTo(T)} disabled={moment === T} data-testid="step-backward">
              {t('stepThrough.toBackward')}
            </button>
          </div>
          <div className="muted step-hint">{t('stepThrough.hint')}</div>
        </>
      )}
    </section>
  );
}
