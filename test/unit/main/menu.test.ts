import type { MenuItemConstructorOptions } from 'electron';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMAND_IDS, COMMAND_KEYS, type CommandId } from '../../../src/protocol';
import { buildMenuTemplate, menuLabels, type MenuOptions } from '../../../main/electron/menu';
import { createRecentFiles, RECENT_FILE } from '../../../main/recent';

function flatten(items: readonly MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flatten(i.submenu) : [])]);
}

function build(over: Partial<MenuOptions> = {}) {
  const sent: [CommandId, string | undefined][] = [];
  const template = buildMenuTemplate({ platform: 'linux', appName: 'Unroll', language: 'en', recent: [], send: (c, a) => sent.push([c, a]), ...over });
  const click = (id: string): void => {
    const item = flatten(template).find((i) => i.id === id);
    if (item?.click === undefined) throw new Error(`no clickable item ${id}`);
    (item.click as () => void)();
  };
  return { template, items: flatten(template), sent, click };
}

describe('application menu', () => {
  it('has File, Edit, View and Help, with an app menu first on macOS only', () => {
    expect(build().template.map((m) => m.label)).toEqual(['&File', '&Edit', '&View', '&Help']);
    expect(build({ platform: 'darwin' }).template.map((m) => m.label)).toEqual(['Unroll', '&File', '&Edit', '&View', '&Help']);
  });

  it('offers every command, each sending itself to the renderer', () => {
    const { items, sent, click } = build();
    for (const id of COMMAND_IDS) {
      if (id === 'file.openRecent' || id === 'view.language') continue;
      expect(items.some((i) => i.id === id), id).toBe(true);
      click(id);
      expect(sent[sent.length - 1]).toEqual([id, undefined]);
    }
  });

  it('shows the renderer shortcuts as accelerators without registering them', () => {
    const { items } = build();
    for (const [id, keys] of Object.entries(COMMAND_KEYS)) {
      const item = items.find((i) => i.id === id);
      expect(item?.accelerator, id).toBe(keys.accelerator);
      expect(item?.registerAccelerator, id).toBe(false);
    }
  });

  it('lists recent files and sends their path', () => {
    const empty = build().items.find((i) => i.id === 'file.recent');
    expect((empty?.submenu as MenuItemConstructorOptions[])[0]).toMatchObject({ enabled: false, label: 'No recent files' });
    const { items, sent, click } = build({ recent: [{ path: '/home/a/elman.unroll.json', name: 'elman.unroll.json', at: '2026-01-01T00:00:00.000Z' }] });
    expect(items.find((i) => i.id === 'file.openRecent:/home/a/elman.unroll.json')?.label).toBe('elman.unroll.json');
    click('file.openRecent:/home/a/elman.unroll.json');
    expect(sent).toEqual([['file.openRecent', '/home/a/elman.unroll.json']]);
  });

  it('switches language, with the current one checked', () => {
    const zh = build({ language: 'zh-CN' });
    expect(zh.template.map((m) => m.label)).toEqual(['文件(&F)', '编辑(&E)', '视图(&V)', '帮助(&H)']);
    expect(zh.items.find((i) => i.id === 'view.language:zh-CN')?.checked).toBe(true);
    zh.click('view.language:en');
    expect(zh.sent).toEqual([['view.language', 'en']]);
    expect(Object.keys(menuLabels('zh-CN')).sort()).toEqual(Object.keys(menuLabels('en')).sort());
  });
});

describe('recent files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'unroll-recent-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the newest first, without duplicates, up to the limit, across restarts', async () => {
    const recent = createRecentFiles(dir, 3);
    await Promise.all(['/a/1.json', '/a/2.json', '/a/3.json'].map((p, i) => recent.add(p, new Date(2026, 0, i + 1))));
    await recent.add('/a/1.json');
    await recent.add('/a/4.json');
    expect((await recent.list()).map((f) => f.path)).toEqual(['/a/4.json', '/a/1.json', '/a/3.json']);
    expect((await createRecentFiles(dir, 3).list()).map((f) => f.name)).toEqual(['4.json', '1.json', '3.json']);
    expect(await recent.has('/a/2.json')).toBe(false);
  });

  it('treats a corrupt list as empty', async () => {
    const other = join(dir, 'corrupt');
    const recent = createRecentFiles(other);
    await recent.add('/x.json');
    writeFileSync(join(other, RECENT_FILE), '{"files": [{"path": 3}]');
    expect(await createRecentFiles(other).list()).toEqual([]);
  });
});
