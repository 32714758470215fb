import { useEffect, useState } from 'react';
import type { AppInfo, ExampleSummary } from '../../src/protocol';
import { getHost } from '../host';
import { currentLanguage, t } from '../i18n';
import { useApp } from '../store';
import { selectDirty } from '../store/documentSlice';
import { runCommand } from './commands';
import { handleSessionEvent } from '../training/actions';
import { refreshRecent, writeAutosave } from './fileActions';

/** How long after the last edit the autosave is written (ms). */
export const AUTOSAVE_DELAY_MS = 600;

/**
 * Asks the host who it is, which examples and recent files it has, and whether an autosave waits
 * to be recovered; listens to its notices and to menu commands.
 */
export function useHost(): { info: AppInfo | undefined; examples: readonly ExampleSummary[] } {
  const [info, setInfo] = useState<AppInfo>();
  const [examples, setExamples] = useState<readonly ExampleSummary[]>([]);
  useEffect(() => {
    const host = getHost();
    const { notify, setRecovery } = useApp.getState();
    if (host === null) {
      notify('warning', t('app.noHost'), 'no-host');
      return;
    }
    void host.call('app.info', {}).then((r) => (r.ok ? setInfo(r.result) : notify('error', t('app.hostError', { message: r.error.message }), r.error.code)));
    void host.call('examples.list', {}).then((r) => (r.ok ? setExamples(r.result.examples) : notify('error', t('app.examplesError', { message: r.error.message }), r.error.code)));
    void host.call('autosave.read', {}).then((r) => {
      if (r.ok && r.result.status !== 'none') setRecovery(r.result);
    });
    void host.call('app.setLanguage', { language: currentLanguage() });
    void refreshRecent();
    return host.onEvent((e) => {
      if (e.name === 'host.notice') notify(e.payload.level, e.payload.message);
      else if (e.name === 'menu.command') runCommand(e.payload.command, e.payload.arg);
      else handleSessionEvent(e);
    });
  }, []);
  return { info, examples };
}

/** Writes the autosave a moment after each edit, while there are unsaved changes. */
export function useAutosave(): void {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = useApp.subscribe((s, prev) => {
      if (s.rev === prev.rev || !selectDirty(s)) return;
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        const now = useApp.getState();
        if (selectDirty(now)) void writeAutosave(now.doc);
      }, AUTOSAVE_DELAY_MS);
    });
    return () => {
      unsubscribe();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, []);
}

/** The window title: the document's name, marked while it has unsaved changes. */
export function useWindowTitle(): void {
  const name = useApp((s) => s.doc.meta.name);
  const dirty = useApp(selectDirty);
  useEffect(() => {
    document.title = `${dirty ? '• ' : ''}${name} — Unroll`;
  }, [name, dirty]);
}
