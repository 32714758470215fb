import { useTranslation } from 'react-i18next';
import { runGradcheck } from './actions';
import { useStep } from './stepStore';
import './stepthrough.css';

const fmt = (v: number) => (v === 0 ? '0' : v.toExponential(2));

/** The inspector's "Check gradients": finite differences against backpropagation for the selected node's weights, through the whole graph. */
export function GradCheck({ node }: { node: string }) {
  const { t } = useTranslation();
  const check = useStep((s) => s.checks[node]);
  const result = check?.result;
  return (
    <div className="gradcheck" data-testid="gradcheck">
      <div className="step-row">
        <button type="button" disabled={check?.running === true} onClick={() => void runGradcheck(node)} data-testid="gradcheck-run" title={t('gradcheck.hint')}>
          {check?.running === true ? t('gradcheck.running') : t('gradcheck.run')}
        </button>
        {result !== undefined && (
          <span className={`gradcheck-verdict ${result.pass ? 'pass' : 'fail'}`} data-testid="gradcheck-verdict" data-pass={String(result.pass)}>
            {result.pass ? t('gradcheck.pass') : t('gradcheck.fail')}
          </span>
        )}
      </div>
      {check?.error !== undefined && (
        <div className="step-error" role="alert" data-testid="gradcheck-error">
          {check.error.message}
        </div>
      )}
      {result !== undefined && (
        <table className="gradcheck-table" data-testid="gradcheck-result">
          <thead>
            <tr>
              <th>{t('gradcheck.tensor')}</th>
              <th>{t('gradcheck.checked')}</th>
              <th>{t('gradcheck.error')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {result.params.map((p) => (
              <tr key={p.name} data-testid={`gradcheck-${p.name}`} data-pass={String(p.pass)}>
                <td>
                  <code>{p.name}</code>
                </td>
                <td>
                  {p.checked}/{p.size}
                </td>
                <td>{fmt(p.maxRelError)}</td>
                <td className={p.pass ? 'pass' : 'fail'}>{p.pass ? t('gradcheck.pass') : t('gradcheck.fail')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {result !== undefined && <div className="muted">{t('gradcheck.note', { rtol: result.rtol })}</div>}
    </div>
  );
}
