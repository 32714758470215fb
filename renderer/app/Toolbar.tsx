import { useEffect, useRef, useState, type ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { COMMAND_KEYS, displayAccelerator, type AppInfo, type CommandId, type ExampleSummary } from '../../src/protocol';
import { LANGUAGE_NAMES, LANGUAGES } from '../i18n';
import { exampleText } from '../i18n/nodes';
import { useApp } from '../store';
import { selectDirty } from '../store/documentSlice';
import { useInference } from '../inference/inferenceStore';
import { toggleTraining, TRAINING_ACCELERATOR, useTraining } from '../training/trainingStore';
import { useTime } from '../unrolled/viewStore';
import { changeLanguage, runCommand } from './commands';
import { openExample } from './fileActions';

export interface ToolbarProps {
  readonly info: AppInfo | undefined;
  readonly examples: readonly ExampleSummary[];
}

const mac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
/** A command's shortcut as shown in tooltips. */
export function keysOf(id: CommandId): string {
  const k = COMMAND_KEYS[id];
  return k === undefined ? '' : displayAccelerator(k.accelerator, mac);
}

/** The File ▾ menu: commands used less often than New / Open / Save. */
function FileMenu() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: Event): void => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !root.current?.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener('pointerdown', close);
    window.addEventListener('keydown', close);
    return () => {
      window.removeEventListener('pointerdown', close);
      window.removeEventListener('keydown', close);
    };
  }, [open]);
  const item = (id: CommandId, label: string, testId: string) => (
    <button
      type="button"
      role="menuitem"
      data-testid={testId}
      onClick={() => {
        setOpen(false);
        runCommand(id);
      }}
    >
      <span>{label}</span>
      <span className="keys">{keysOf(id)}</span>
    </button>
  );
  return (
    <div className="menu" ref={root}>
      <button type="button" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen(!open)} data-testid="file-menu" title={t('toolbar.moreTitle')}>
        {t('toolbar.more')} ▾
      </button>
      {open && (
        <div className="menu-popup" role="menu">
          {item('file.saveAs', t('toolbar.saveAs'), 'menu-save-as')}
          <hr />
          {item('file.exportWithWeights', t('toolbar.exportWithWeights'), 'menu-export-weights')}
          {item('file.exportWithoutWeights', t('toolbar.exportWithoutWeights'), 'menu-export-bare')}
          <hr />
          {item('file.import', t('toolbar.import'), 'menu-import')}
        </div>
      )}
    </div>
  );
}

/** The document's name and state, file commands, examples, undo / redo, layout, theme and language. */
export function Toolbar({ info, examples }: ToolbarProps) {
  const { t, i18n } = useTranslation();
  const canUndo = useApp((s) => s.past.length > 0);
  const canRedo = useApp((s) => s.future.length > 0);
  const theme = useApp((s) => s.theme);
  const name = useApp((s) => s.doc.meta.name);
  const dirty = useApp(selectDirty);
  const training = useTraining((s) => s.open);
  const inference = useInference((s) => s.open);
  const unrolled = useTime((s) => s.view === 'unrolled');

  const onExample = async (e: ChangeEvent<HTMLSelectElement>): Promise<void> => {
    const example = examples.find((x) => x.id === e.target.value);
    e.target.value = '';
    if (example !== undefined) await openExample(example.id, exampleText(example, i18n.language).title);
  };

  return (
    <header className="toolbar" role="toolbar" aria-label={t('toolbar.label')}>
      <span className="brand" data-testid="app-info" title={info === undefined ? t('app.notConnected') : t('app.hostTitle', { name: info.name, version: info.version, host: info.host })}>
        Unroll{info !== undefined && <span className="muted"> {info.version} · {info.host}</span>}
      </span>
      <span className="doc-title">
        <span className="doc-name" data-testid="doc-name">
          {name}
        </span>
        {dirty && (
          <span className="dirty" data-testid="dirty-indicator" title={t('app.unsaved')} aria-label={t('app.unsaved')}>
            ●
          </span>
        )}
      </span>
      <span className="spacer" />
      <button type="button" onClick={() => runCommand('file.new')} title={t('toolbar.newTitle', { keys: keysOf('file.new') })} data-testid="new">
        {t('toolbar.new')}
      </button>
      <button type="button" onClick={() => runCommand('file.open')} title={t('toolbar.openTitle', { keys: keysOf('file.open') })} data-testid="open">
        {t('toolbar.open')}
      </button>
      <button type="button" onClick={() => runCommand('file.save')} data-testid="save" title={t('toolbar.saveTitle', { keys: keysOf('file.save') })}>
        {t('toolbar.save')}
      </button>
      <FileMenu />
      <select aria-label={t('toolbar.examplesLabel')} defaultValue="" onChange={(e) => void onExample(e)} data-testid="examples" disabled={examples.length === 0}>
        <option value="" disabled>
          {t('toolbar.examples')}
        </option>
        {examples.map((x) => {
          const text = exampleText(x, i18n.language);
          return (
            <option key={x.id} value={x.id} title={text.description}>
              {text.title}
            </option>
          );
        })}
      </select>
      <span className="separator" />
      <button type="button" disabled={!canUndo} onClick={() => runCommand('edit.undo')} data-testid="undo" title={t('toolbar.undoTitle', { keys: keysOf('edit.undo') })}>
        {t('toolbar.undo')}
      </button>
      <button type="button" disabled={!canRedo} onClick={() => runCommand('edit.redo')} data-testid="redo" title={t('toolbar.redoTitle', { keys: keysOf('edit.redo') })}>
        {t('toolbar.redo')}
      </button>
      <span className="separator" />
      <button type="button" onClick={() => runCommand('view.autoLayout')} data-testid="auto-layout" title={t('toolbar.layoutTitle', { keys: keysOf('view.autoLayout') })}>
        {t('toolbar.layout')}
      </button>
      <button type="button" onClick={() => runCommand('view.fit')} data-testid="fit-view" title={t('toolbar.fitTitle', { keys: keysOf('view.fit') })}>
        {t('toolbar.fit')}
      </button>
      <span className="separator" />
      <button type="button" className={training ? 'active' : undefined} aria-pressed={training} onClick={toggleTraining} data-testid="training-toggle" title={t('training.toggleTitle', { keys: TRAINING_ACCELERATOR })}>
        {t('training.toggle')}
      </button>
      <button type="button" className={inference ? 'active' : undefined} aria-pressed={inference} onClick={() => runCommand('view.inference')} data-testid="inference-toggle" title={t('inference.toggleTitle', { keys: keysOf('view.inference') })}>
        {t('inference.toggle')}
      </button>
      <button type="button" className={unrolled ? 'active' : undefined} aria-pressed={unrolled} onClick={() => runCommand('view.unrolled')} data-testid="unrolled-toggle" title={t('unrolled.toggleTitle', { keys: keysOf('view.unrolled') })}>
        {t('unrolled.toggle')}
      </button>
      <span className="separator" />
      <button type="button" onClick={() => runCommand('view.toggleTheme')} title={t('toolbar.themeTitle')} data-testid="theme">
        {theme === 'light' ? t('toolbar.dark') : t('toolbar.light')}
      </button>
      <select aria-label={t('toolbar.language')} title={t('toolbar.language')} value={i18n.language} onChange={(e) => changeLanguage(e.target.value)} data-testid="language">
        {LANGUAGES.map((l) => (
          <option key={l} value={l}>
            {LANGUAGE_NAMES[l]}
          </option>
        ))}
      </select>
      <button type="button" className="icon" onClick={() => runCommand('help.shortcuts')} title={t('toolbar.shortcuts')} aria-label={t('toolbar.shortcuts')} data-testid="shortcuts">
        ?
      </button>
    </header>
  );
}
