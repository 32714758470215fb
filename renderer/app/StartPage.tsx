import { useTranslation } from 'react-i18next';
import type { ExampleSummary } from '../../src/protocol';
import { exampleText } from '../i18n/nodes';
import { useApp } from '../store';
import { showProblems } from './dialogRequests';
import { discardAutosave, openExample, openRecent, recoverAutosave } from './fileActions';
import { runCommand } from './commands';

/**
 * The start page, over the canvas while the document is empty: New, Open, the examples, recovery of
 * unsaved work (when the host kept an autosave), and recent files (Electron). Starting to drag a node
 * from the palette, or "New empty graph", puts it away.
 */
export function StartPage({ examples }: { examples: readonly ExampleSummary[] }) {
  const { t, i18n } = useTranslation();
  const empty = useApp((s) => s.doc.nodes.length === 0);
  const dismissed = useApp((s) => s.startDismissed);
  const recovery = useApp((s) => s.recovery);
  const recent = useApp((s) => s.recent);
  if (!empty || dismissed) return null;
  const dismiss = (): void => useApp.getState().setStartDismissed(true);
  const time = (iso: string): string => new Date(iso).toLocaleString();

  return (
    <section className="start-page" data-testid="start-page" aria-label={t('start.label')}>
      <div className="start-card">
        <h2>{t('start.title')}</h2>
        <p className="muted">{t('start.subtitle')}</p>
        {recovery?.status === 'found' && (
          <div className="start-recovery" role="alert">
            <button type="button" className="primary" onClick={() => recoverAutosave()} data-testid="start-recover">
              {t('start.recover')}
            </button>
            <span className="muted">{t('start.recoverDetail', { name: recovery.doc.meta.name, time: time(recovery.savedAt) })}</span>
            <span className="spacer" />
            <button type="button" className="link" onClick={() => void discardAutosave()} data-testid="start-discard-recovery">
              {t('start.discardRecovery')}
            </button>
          </div>
        )}
        {recovery?.status === 'refused' && (
          <div className="start-recovery broken" role="alert">
            <span>{t('start.autosaveBroken', { time: time(recovery.savedAt), count: recovery.problems.length })}</span>
            <button type="button" className="link" onClick={() => showProblems(t('dialog.autosaveRefusedTitle'), '', recovery.problems)}>
              {t('start.showProblems')}
            </button>
            <span className="spacer" />
            <button type="button" className="link" onClick={() => void discardAutosave()}>
              {t('start.discardRecovery')}
            </button>
          </div>
        )}
        <div className="start-actions">
          <button type="button" onClick={dismiss} data-testid="start-new">
            {t('start.new')}
          </button>
          <button type="button" onClick={() => runCommand('file.open')} data-testid="start-open">
            {t('start.open')}
          </button>
        </div>
        {examples.length > 0 && (
          <>
            <h3>{t('start.examples')}</h3>
            <ul className="start-list">
              {examples.map((x) => {
                const text = exampleText(x, i18n.language);
                return (
                  <li key={x.id}>
                    <button type="button" className="start-item" onClick={() => void openExample(x.id, text.title)} data-testid={`start-example-${x.id}`}>
                      <strong>{text.title}</strong>
                      <span className="muted">{text.description}</span>
                    </button>
                  </li>
                );
              })}
            </ul>
          </>
        )}
        <h3>{t('start.recent')}</h3>
        {recent.length === 0 ? (
          <p className="muted">{t('start.noRecent')}</p>
        ) : (
          <ul className="start-list">
            {recent.map((f, i) => (
              <li key={f.path}>
                <button type="button" className="start-item" onClick={() => void openRecent(f.path)} data-testid={`start-recent-${i}`} title={f.path}>
                  <strong>{f.name}</strong>
                  <span className="muted">{f.path}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
