import { useEffect } from 'react';
import { commandForKey } from '../../src/protocol';
import { useApp } from '../store';
import { isTextField, runCommand } from './commands';

const isMac = (): boolean => /Mac|iPhone|iPad/.test(navigator.platform);

/**
 * Keyboard shortcuts: the accelerators of `src/protocol/commands.ts` (the same ones Electron's menu
 * shows), with ⌘ instead of Ctrl on macOS. Ignored while typing in a text field and while a dialog
 * is open.
 */
export function useShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.defaultPrevented || isTextField(e.target) || useApp.getState().dialog !== undefined) return;
      const command = commandForKey({ key: e.key, ctrl: e.ctrlKey, meta: e.metaKey, shift: e.shiftKey, alt: e.altKey }, isMac());
      if (command === undefined) return;
      e.preventDefault();
      runCommand(command);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
