import { useTranslation } from 'react-i18next';
import { useInsight } from '../insight/insightStore';
import { traceSteps, useStep } from '../stepthrough/stepStore';
import { useTime } from './viewStore';

/** Steps the scrubber spans: the traced batch's, else the latest recording's T, else k. */
export function useScrubLength(): number {
  const trace = useStep((s) => s.trace);
  const recordT = useInsight((s) => s.records[s.records.length - 1]?.T);
  const k = useTime((s) => s.k);
  return trace !== undefined ? traceSteps(trace) : recordT !== undefined && recordT > 0 ? recordT : k;
}

/** The time scrubber: selects the step (1 … T) that the unrolled view highlights and the gradient and gates views mark. */
export function TimeScrubber() {
  const { t } = useTranslation();
  const T = useScrubLength();
  const step = useTime((s) => s.step);
  const setStep = useTime((s) => s.setStep);
  const shown = Math.min(step, T);
  return (
    <label className="time-scrubber" title={t('unrolled.scrubberTitle')}>
      {t('unrolled.scrubber')}
      <input type="range" min={1} max={T} step={1} value={shown} onChange={(e) => setStep(Number(e.target.value))} data-testid="time-scrubber" aria-valuemin={1} aria-valuemax={T} />
      <output data-testid="time-step" data-step={String(shown)} data-max={String(T)}>
        {shown} / {T}
      </output>
    </label>
  );
}
