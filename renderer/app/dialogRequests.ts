import type { DocumentProblem } from '../../src/protocol';
import { useApp } from '../store';

/** Opens the confirm dialog; resolves true when the user confirms. */
export function confirmDialog(title: string, body: string, confirm: string): Promise<boolean> {
  return new Promise((resolve) => {
    useApp.getState().showDialog({
      kind: 'confirm',
      title,
      body,
      confirm,
      resolve(ok) {
        useApp.getState().showDialog(undefined);
        resolve(ok);
      },
    });
  });
}

/** Asks for one line of text; undefined when cancelled. */
export function promptDialog(title: string, body: string, value: string, confirm: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    useApp.getState().showDialog({
      kind: 'prompt',
      title,
      body,
      value,
      confirm,
      resolve(v) {
        useApp.getState().showDialog(undefined);
        resolve(v);
      },
    });
  });
}

/** Lists every problem of a refused file with its JSON path. */
export function showProblems(title: string, intro: string, problems: readonly DocumentProblem[]): void {
  useApp.getState().showDialog({ kind: 'problems', title, intro, problems });
}
