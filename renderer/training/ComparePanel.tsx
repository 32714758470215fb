import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { canCompare, keepForComparison, useCompare } from './compareStore';
import { useTraining } from './trainingStore';
import './compare.css';

let loaded = false;

/**
 * "Keep for comparison" and the kept runs: a colour, an editable name, a visibility toggle and
 * delete each. Kept runs are drawn over the loss chart and the gradient-through-time view.
 */
export function ComparePanel() {
  const { t } = useTranslation();
  const run = useTraining((s) => s.run);
  const runs = useCompare((s) => s.runs);
  const keptFrom = useCompare((s) => s.keptFrom);
  const problem = useCompare((s) => s.problem);
  const { rename, setVisible, remove, dismissProblem } = useCompare.getState();

  // The stored runs are read once per app session (the store outlives this panel).
  useEffect(() => {
    if (loaded) return;
    loaded = true;
    useCompare.getState().load();
  }, []);

  return (
    <div className="compare-runs" data-testid="compare-runs" data-count={String(runs.length)}>
      <div className="train-buttons">
        <button type="button" disabled={!canCompare(run, keptFrom)} onClick={() => keepForComparison()} data-testid="compare-keep" title={t('compare.keepTitle')}>
          {t('compare.keep')}
        </button>
      </div>
      {problem !== undefined && (
        <div className="compare-problem" role="alert" data-testid="compare-problem" data-code={problem.code}>
          {problem.message}
          <button type="button" className="link" onClick={dismissProblem} aria-label={t('compare.dismiss')}>
            ×
          </button>
        </div>
      )}
      {runs.length > 0 && (
        <ul className="compare-list" aria-label={t('compare.listLabel')}>
          {[...runs].reverse().map((r) => (
            <li key={r.id} data-testid="compare-run" data-run={r.id} data-visible={String(r.visible)}>
              <input type="checkbox" checked={r.visible} onChange={(e) => setVisible(r.id, e.target.checked)} title={t('compare.visible')} aria-label={t('compare.visibleOf', { name: r.name })} data-testid="compare-visible" />
              <span className="compare-swatch" style={{ background: r.colour }} aria-hidden />
              <input className="compare-name" value={r.name} onChange={(e) => rename(r.id, e.target.value)} aria-label={t('compare.nameOf')} title={t('compare.stepsOf', { steps: r.steps })} data-testid="compare-name" />
              <button type="button" className="link" onClick={() => remove(r.id)} title={t('compare.remove')} aria-label={t('compare.removeOf', { name: r.name })} data-testid="compare-remove">
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
