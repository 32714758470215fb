import { isLanguage, type CommandId } from '../../src/protocol';
import { getHost } from '../host';
import { setLanguage } from '../i18n';
import { useApp } from '../store';
import { autoLayout, copySelection, cutSelection, deleteSelection, duplicateSelection, paste, selectAll } from '../store/actions';
import { toggleInference } from '../inference/inferenceStore';
import { toggleUnrolled } from '../unrolled/viewStore';
import { exportDocument, importDocument, newDocument, openDocument, openRecent, saveDocument } from './fileActions';
import { fitView, measuredSizes } from './flow';

/** Editing commands a text field does itself when it has the focus (from a menu; keys never reach here). */
const TEXT_COMMANDS: Partial<Record<CommandId, string>> = {
  'edit.undo': 'undo',
  'edit.redo': 'redo',
  'edit.cut': 'cut',
  'edit.copy': 'copy',
  'edit.paste': 'paste',
  'edit.selectAll': 'selectAll',
  'edit.delete': 'delete',
};

export function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** Switches the UI language and tells the host (Electron's menu follows it). */
export function changeLanguage(language: string): void {
  if (!isLanguage(language)) return;
  setLanguage(language);
  void getHost()?.call('app.setLanguage', { language });
}

/**
 * Runs one of the app's commands: the single place the toolbar, the keyboard shortcuts and
 * Electron's menu (`menu.command` events) all end up.
 */
export function runCommand(id: CommandId, arg?: string): void {
  const s = useApp.getState();
  const textCommand = TEXT_COMMANDS[id];
  if (textCommand !== undefined && isTextField(document.activeElement)) {
    document.execCommand(textCommand);
    return;
  }
  switch (id) {
    case 'file.new':
      return void newDocument();
    case 'file.open':
      return void openDocument();
    case 'file.openRecent':
      if (arg !== undefined) void openRecent(arg);
      return;
    case 'file.save':
      return void saveDocument(false);
    case 'file.saveAs':
      return void saveDocument(true);
    case 'file.exportWithWeights':
      return void exportDocument(true);
    case 'file.exportWithoutWeights':
      return void exportDocument(false);
    case 'file.import':
      return void importDocument();
    case 'edit.undo':
      s.undo();
      return;
    case 'edit.redo':
      s.redo();
      return;
    case 'edit.cut':
      cutSelection();
      return;
    case 'edit.copy':
      copySelection();
      return;
    case 'edit.paste':
      paste();
      return;
    case 'edit.duplicate':
      duplicateSelection();
      return;
    case 'edit.selectAll':
      return selectAll();
    case 'edit.delete':
      deleteSelection();
      return;
    case 'view.fit':
      return fitView();
    case 'view.autoLayout':
      if (autoLayout(measuredSizes())) setTimeout(() => fitView(), 30);
      return;
    case 'view.inference':
      return toggleInference();
    case 'view.unrolled':
      return toggleUnrolled();
    case 'view.toggleTheme':
      return s.setTheme(s.theme === 'light' ? 'dark' : 'light');
    case 'view.language':
      if (arg !== undefined) changeLanguage(arg);
      return;
    case 'help.shortcuts':
      return s.showDialog({ kind: 'shortcuts' });
    case 'help.about':
      return s.showDialog({ kind: 'about' });
  }
}
