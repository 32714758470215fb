/**
 * The app's commands, declared once: the Electron menu sends them as `menu.command` events, the
 * renderer runs them from its toolbar, its keyboard shortcuts and those events. `accelerator` uses
 * Electron's syntax (`CmdOrCtrl` is ⌘ on macOS and Ctrl elsewhere); the renderer matches key events
 * against the same strings, so the menu and the keyboard always agree.
 */
export const COMMAND_IDS = [
  'file.new',
  'file.open',
  'file.openRecent',
  'file.save',
  'file.saveAs',
  'file.exportWithWeights',
  'file.exportWithoutWeights',
  'file.import',
  'edit.undo',
  'edit.redo',
  'edit.cut',
  'edit.copy',
  'edit.paste',
  'edit.duplicate',
  'edit.selectAll',
  'edit.delete',
  'view.fit',
  'view.autoLayout',
  'view.inference',
  'view.unrolled',
  'view.toggleTheme',
  'view.language',
  'help.shortcuts',
  'help.about',
] as const;
export type CommandId = (typeof COMMAND_IDS)[number];

export interface CommandKeys {
  /** The accelerator shown in the menu and matched by the renderer. */
  readonly accelerator: string;
  /** Further key combinations that run the command (not shown in the menu). */
  readonly alternates?: readonly string[];
}

/** Keyboard shortcuts by command; commands without one are reached by menu or toolbar only. */
export const COMMAND_KEYS: Readonly<Partial<Record<CommandId, CommandKeys>>> = {
  'file.new': { accelerator: 'CmdOrCtrl+N' },
  'file.open': { accelerator: 'CmdOrCtrl+O' },
  'file.save': { accelerator: 'CmdOrCtrl+S' },
  'file.saveAs': { accelerator: 'CmdOrCtrl+Shift+S' },
  'edit.undo': { accelerator: 'CmdOrCtrl+Z' },
  'edit.redo': { accelerator: 'CmdOrCtrl+Shift+Z', alternates: ['CmdOrCtrl+Y'] },
  'edit.cut': { accelerator: 'CmdOrCtrl+X' },
  'edit.copy': { accelerator: 'CmdOrCtrl+C' },
  'edit.paste': { accelerator: 'CmdOrCtrl+V' },
  'edit.duplicate': { accelerator: 'CmdOrCtrl+D' },
  'edit.selectAll': { accelerator: 'CmdOrCtrl+A' },
  'edit.delete': { accelerator: 'Delete', alternates: ['Backspace'] },
  'view.fit': { accelerator: 'F' },
  'view.autoLayout': { accelerator: 'Shift+L' },
  'view.inference': { accelerator: 'I' },
  'view.unrolled': { accelerator: 'U' },
};

/** The languages of the UI: English and Simplified Chinese. */
export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** A key event reduced to what shortcuts look at. */
export interface KeyStroke {
  /** `KeyboardEvent.key`. */
  readonly key: string;
  readonly ctrl: boolean;
  readonly meta: boolean;
  readonly shift: boolean;
  readonly alt: boolean;
}

/**
 * True when `stroke` is the accelerator `accelerator` (`CmdOrCtrl+Shift+S`, `Delete`, `F`).
 * `CmdOrCtrl` is ⌘ on macOS (`mac`) and Ctrl elsewhere; modifiers must match exactly.
 */
export function matchesAccelerator(accelerator: string, stroke: KeyStroke, mac: boolean): boolean {
  const parts = accelerator.split('+');
  const key = parts[parts.length - 1]!.toLowerCase();
  const mods = new Set(parts.slice(0, -1).map((p) => p.toLowerCase()));
  const wantCmd = mods.has('cmdorctrl');
  const wantCtrl = mods.has('ctrl') || (wantCmd && !mac);
  const wantMeta = mods.has('cmd') || mods.has('meta') || (wantCmd && mac);
  if (stroke.ctrl !== wantCtrl || stroke.meta !== wantMeta) return false;
  if (stroke.shift !== mods.has('shift') || stroke.alt !== mods.has('alt')) return false;
  return stroke.key.toLowerCase() === key;
}

/** The command a key stroke runs, if any. */
export function commandForKey(stroke: KeyStroke, mac: boolean): CommandId | undefined {
  for (const id of COMMAND_IDS) {
    const keys = COMMAND_KEYS[id];
    if (keys === undefined) continue;
    if ([keys.accelerator, ...(keys.alternates ?? [])].some((a) => matchesAccelerator(a, stroke, mac))) return id;
  }
  return undefined;
}

/** `CmdOrCtrl+Shift+S` → `Ctrl+Shift+S` (or `⌘+Shift+S` on macOS), for tooltips and the shortcuts table. */
export function displayAccelerator(accelerator: string, mac: boolean): string {
  return accelerator.replace('CmdOrCtrl', mac ? '⌘' : 'Ctrl');
}
