import { useTranslation } from 'react-i18next';
import { useApp } from '../store';
import { useValidation } from '../store/validation';

/** The latest message (a refused edit, a host answer), the graph's problem count, and when it was last autosaved. */
export function StatusBar() {
  const { t } = useTranslation();
  const last = useApp((s) => s.messages[s.messages.length - 1]);
  const dismiss = useApp((s) => s.dismiss);
  const autosavedAt = useApp((s) => s.autosavedAt);
  const { problems } = useValidation();
  const graphLevel = problems.filter((p) => p.nodeId === undefined && p.edgeId === undefined);
  const summary = problems.length === 0 ? t('status.noProblems') : t('status.problems', { count: problems.length });
  return (
    <footer className="statusbar" role="status" aria-live="polite">
      <span className={`status-message level-${last?.level ?? 'none'}`} data-testid="status-message" title={last?.text}>
        {last === undefined ? t('status.hint') : last.text}
      </span>
      {last !== undefined && (
        <button type="button" className="link" onClick={() => dismiss(last.id)} aria-label={t('status.dismiss')}>
          ×
        </button>
      )}
      <span className="spacer" />
      {autosavedAt !== undefined && (
        <span className="autosaved muted" data-testid="autosave-status">
          {t('status.autosaved', { time: new Date(autosavedAt).toLocaleTimeString() })}
        </span>
      )}
      <span className={`problem-count${problems.length > 0 ? ' has-problems' : ''}`} data-testid="problem-count" title={graphLevel.map((p) => p.message).join('\n') || problems.map((p) => p.message).join('\n')}>
        {summary}
      </span>
    </footer>
  );
}
