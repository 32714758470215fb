import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { COMMAND_IDS, COMMAND_KEYS, displayAccelerator } from '../../src/protocol';
import { TRAINING_ACCELERATOR } from '../training/trainingStore';
import { useApp } from '../store';

const mac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

interface ModalProps {
  readonly title: string;
  readonly testId: string;
  readonly onClose: () => void;
  readonly children: ReactNode;
  readonly actions: ReactNode;
  readonly wide?: boolean;
}

/** A modal dialog: focus moves into it, Escape closes it, the page behind is inert. */
function Modal({ title, testId, onClose, children, actions, wide }: ModalProps) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const first = box.current?.querySelector<HTMLElement>('input, [data-autofocus], button');
    first?.focus();
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') {
        e.preventDefault();
        onClose();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div className="modal-backdrop">
      <div className={`modal${wide ? ' wide' : ''}`} role="dialog" aria-modal="true" aria-labelledby={`${testId}-title`} data-testid={testId} ref={box}>
        <h2 id={`${testId}-title`}>{title}</h2>
        <div className="modal-body">{children}</div>
        <div className="modal-actions">{actions}</div>
      </div>
    </div>
  );
}

function PromptBody({ body, value, onChange, onSubmit }: { body: string; value: string; onChange(v: string): void; onSubmit(): void }) {
  return (
    <label className="prompt">
      {body}
      <input
        type="text"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') onSubmit();
        }}
        data-testid="prompt-input"
      />
    </label>
  );
}

/** Whichever dialog the store says is open. */
export function DialogHost({ version }: { version: string | undefined }) {
  const { t } = useTranslation();
  const dialog = useApp((s) => s.dialog);
  const close = (): void => useApp.getState().showDialog(undefined);
  const [text, setText] = useState('');
  useEffect(() => {
    if (dialog?.kind === 'prompt') setText(dialog.value);
  }, [dialog]);

  if (dialog === undefined) return null;
  switch (dialog.kind) {
    case 'problems':
      return (
        <Modal title={dialog.title} testId="problems-dialog" onClose={close} wide actions={<button type="button" onClick={close} data-autofocus>{t('dialog.ok')}</button>}>
          <p>{dialog.intro}</p>
          <ol className="problem-list" data-testid="problems-list">
            {dialog.problems.map((p, i) => (
              <li key={i} data-testid="problem-item">
                <code className="path">{p.path}</code>
                <span className="problem-text">{p.message}</span>
              </li>
            ))}
          </ol>
        </Modal>
      );
    case 'confirm':
      return (
        <Modal
          title={dialog.title}
          testId="confirm-dialog"
          onClose={() => dialog.resolve(false)}
          actions={
            <>
              <button type="button" onClick={() => dialog.resolve(false)} data-testid="confirm-cancel" data-autofocus>
                {t('dialog.cancel')}
              </button>
              <button type="button" className="danger" onClick={() => dialog.resolve(true)} data-testid="confirm-ok">
                {dialog.confirm}
              </button>
            </>
          }
        >
          <p>{dialog.body}</p>
        </Modal>
      );
    case 'prompt':
      return (
        <Modal
          title={dialog.title}
          testId="prompt-dialog"
          onClose={() => dialog.resolve(undefined)}
          actions={
            <>
              <button type="button" onClick={() => dialog.resolve(undefined)}>
                {t('dialog.cancel')}
              </button>
              <button type="button" className="primary" onClick={() => dialog.resolve(text)} data-testid="prompt-ok">
                {dialog.confirm}
              </button>
            </>
          }
        >
          <PromptBody body={dialog.body} value={text} onChange={setText} onSubmit={() => dialog.resolve(text)} />
        </Modal>
      );
    case 'shortcuts':
      return (
        <Modal title={t('dialog.shortcutsTitle')} testId="shortcuts-dialog" onClose={close} actions={<button type="button" onClick={close}>{t('dialog.close')}</button>}>
          <table className="shortcuts">
            <thead>
              <tr>
                <th>{t('dialog.shortcutKeys')}</th>
                <th>{t('dialog.shortcutAction')}</th>
              </tr>
            </thead>
            <tbody>
              {COMMAND_IDS.filter((id) => COMMAND_KEYS[id] !== undefined).map((id) => {
                const k = COMMAND_KEYS[id]!;
                return (
                  <tr key={id}>
                    <td>
                      {[k.accelerator, ...(k.alternates ?? [])].map((a) => (
                        <kbd key={a}>{displayAccelerator(a, mac)}</kbd>
                      ))}
                    </td>
                    <td>{t(`command.${id}`)}</td>
                  </tr>
                );
              })}
              <tr>
                <td>
                  <kbd>{TRAINING_ACCELERATOR}</kbd>
                </td>
                <td>{t('training.shortcut')}</td>
              </tr>
            </tbody>
          </table>
        </Modal>
      );
    case 'about':
      return (
        <Modal title={t('dialog.aboutTitle')} testId="about-dialog" onClose={close} actions={<button type="button" onClick={close}>{t('dialog.close')}</button>}>
          <p>{t('dialog.aboutBody', { version: version ?? '' })}</p>
        </Modal>
      );
  }
}
