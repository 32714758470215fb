import type { MenuItemConstructorOptions } from 'electron';
import { COMMAND_KEYS, type CommandId, type Language, type RecentFile } from '../../src/protocol';

/**
 * The native application menu as a pure template (unit-tested without Electron). Every item sends
 * a command of `src/protocol/commands.ts` to the renderer, which runs it exactly as its toolbar and
 * keyboard shortcuts do. Accelerators are shown but not registered with the system
 * (`registerAccelerator: false`): the renderer handles the keys itself, so a key never runs a
 * command twice, and typing in a text field keeps its usual meaning.
 */
export interface MenuOptions {
  readonly platform: NodeJS.Platform;
  readonly appName: string;
  readonly language: Language;
  readonly recent: readonly RecentFile[];
  /** Sends a command to the renderer. */
  send(command: CommandId, arg?: string): void;
}

type Labels = Readonly<Record<string, string>>;

const EN: Labels = {
  file: '&File',
  'file.new': 'New',
  'file.open': 'Open…',
  'file.recent': 'Open Recent',
  'file.recentEmpty': 'No recent files',
  'file.save': 'Save',
  'file.saveAs': 'Save As…',
  'file.export': 'Export',
  'file.exportWithWeights': 'Graph JSON with weights…',
  'file.exportWithoutWeights': 'Graph JSON without weights…',
  'file.import': 'Import into this graph…',
  quit: 'Quit',
  edit: '&Edit',
  'edit.undo': 'Undo',
  'edit.redo': 'Redo',
  'edit.cut': 'Cut',
  'edit.copy': 'Copy',
  'edit.paste': 'Paste',
  'edit.duplicate': 'Duplicate',
  'edit.selectAll': 'Select All',
  'edit.delete': 'Delete',
  view: '&View',
  'view.fit': 'Fit to Window',
  'view.autoLayout': 'Auto-layout',
  'view.inference': 'Try the Model…',
  'view.unrolled': 'Folded / Unrolled View',
  'view.toggleTheme': 'Light / Dark Theme',
  'view.language': 'Language',
  'view.devTools': 'Developer Tools',
  help: '&Help',
  'help.shortcuts': 'Keyboard Shortcuts',
  'help.about': 'About Unroll',
};

const ZH: Labels = {
  file: '文件(&F)',
  'file.new': '新建',
  'file.open': '打开…',
  'file.recent': '最近打开',
  'file.recentEmpty': '没有最近的文件',
  'file.save': '保存',
  'file.saveAs': '另存为…',
  'file.export': '导出',
  'file.exportWithWeights': '图 JSON（含权重）…',
  'file.exportWithoutWeights': '图 JSON（不含权重）…',
  'file.import': '导入到当前图…',
  quit: '退出',
  edit: '编辑(&E)',
  'edit.undo': '撤销',
  'edit.redo': '重做',
  'edit.cut': '剪切',
  'edit.copy': '复制',
  'edit.paste': '粘贴',
  'edit.duplicate': '创建副本',
  'edit.selectAll': '全选',
  'edit.delete': '删除',
  view: '视图(&V)',
  'view.fit': '适应窗口',
  'view.autoLayout': '自动布局',
  'view.inference': '试用模型…',
  'view.unrolled': '折叠 / 展开视图',
  'view.toggleTheme': '浅色 / 深色主题',
  'view.language': '语言',
  'view.devTools': '开发者工具',
  help: '帮助(&H)',
  'help.shortcuts': '键盘快捷键',
  'help.about': '关于 Unroll',
};

/** The menu labels of one language (the language names themselves are always in their own language). */
export function menuLabels(language: Language): Labels {
  return language === 'zh-CN' ? ZH : EN;
}

export function buildMenuTemplate(o: MenuOptions): MenuItemConstructorOptions[] {
  const l = menuLabels(o.language);
  const mac = o.platform === 'darwin';
  const item = (command: CommandId, arg?: string): MenuItemConstructorOptions => {
    const keys = COMMAND_KEYS[command];
    return {
      id: command,
      label: l[command] ?? command,
      ...(keys === undefined ? {} : { accelerator: keys.accelerator, registerAccelerator: false }),
      click: () => o.send(command, arg),
    };
  };
  const recent: MenuItemConstructorOptions[] =
    o.recent.length === 0
      ? [{ label: l['file.recentEmpty'], enabled: false }]
      : o.recent.map((f) => ({ id: `file.openRecent:${f.path}`, label: f.name, sublabel: f.path, toolTip: f.path, click: () => o.send('file.openRecent', f.path) }));

  const file: MenuItemConstructorOptions = {
    label: l.file,
    submenu: [
      item('file.new'),
      item('file.open'),
      { id: 'file.recent', label: l['file.recent'], submenu: recent },
      { type: 'separator' },
      item('file.save'),
      item('file.saveAs'),
      { type: 'separator' },
      { id: 'file.export', label: l['file.export'], submenu: [item('file.exportWithWeights'), item('file.exportWithoutWeights')] },
      item('file.import'),
      ...(mac ? [] : [{ type: 'separator' } as const, { role: 'quit', label: l.quit } as const]),
    ],
  };
  const edit: MenuItemConstructorOptions = {
    label: l.edit,
    submenu: [
      item('edit.undo'),
      item('edit.redo'),
      { type: 'separator' },
      item('edit.cut'),
      item('edit.copy'),
      item('edit.paste'),
      item('edit.duplicate'),
      item('edit.delete'),
      { type: 'separator' },
      item('edit.selectAll'),
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: l.view,
    submenu: [
      item('view.fit'),
      item('view.autoLayout'),
      item('view.inference'),
      item('view.unrolled'),
      { type: 'separator' },
      item('view.toggleTheme'),
      {
        id: 'view.language',
        label: l['view.language'],
        submenu: [
          { id: 'view.language:en', label: 'English', type: 'radio', checked: o.language === 'en', click: () => o.send('view.language', 'en') },
          { id: 'view.language:zh-CN', label: '简体中文', type: 'radio', checked: o.language === 'zh-CN', click: () => o.send('view.language', 'zh-CN') },
        ],
      },
      { type: 'separator' },
      { role: 'toggleDevTools', label: l['view.devTools'] },
    ],
  };
  const help: MenuItemConstructorOptions = { role: 'help', label: l.help, submenu: [item('help.shortcuts'), item('help.about')] };
  const appMenu: MenuItemConstructorOptions[] = mac
    ? [{ label: o.appName, submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }] }]
    : [];
  return [...appMenu, file, edit, view, help];
}
