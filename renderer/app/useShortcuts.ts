import { useEffect } from 'react';
import { commandForKey, matchesAccelerator } from '../../src/protocol';
import { toggleTraining, TRAINING_ACCELERATOR } from '../training/trainingStore';
import { useApp } from '../store';
import { isTextField, runCommand } from './commands';

const isMac = (): boolean => /Mac|iPhone|iPad/.test(navigator.platform);

/**
 * Keyboard shortcuts: the accelerators of `src/protocol/commands.ts` (the same ones Electron's menu
 * shows), with ⌘ instead of Ctrl on macOS. Ignored while typing in a text field and while a dialog
 * is open. `T` shows or hides the training dashboard.
 */
export function useShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.defaultPrevented || isTextField(e.target) || useApp.getState().dialog !== undefined) return;
      const stroke = { key: e.key, ctrl: e.ctrlKey, meta: e.metaKey, shift: e.shiftKey, alt: e.altKey };
      if (matchesAccelerator(TRAINING_ACCELERATOR, stroke, isMac())) {
        e.preventDefault();
        toggleTraining();
        return;
      }
      const command = commandForKey(stroke, isMac());
      if (command === undefined) return;
      e.preventDefault();
      runCommand(command);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
