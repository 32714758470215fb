import { describe, expect, it } from 'vitest';
import { commandForKey, COMMAND_IDS, COMMAND_KEYS, dispatch, displayAccelerator, fail, formatPath, matchesAccelerator, ok, parseHostEvent, parsePayload, REQUEST_NAMES, type RequestHandlers } from '../../../src/protocol';

const validDoc = { format: 'unroll.graph', version: 1, meta: { name: 'g' }, nodes: [], edges: [] };

/** Handlers that echo what they received, so the tests see what dispatch passed on. */
const echo = {
  'app.info': async () => ok({ name: 'Unroll', version: '0.0.0', host: 'web' as const }),
  'examples.list': async () => ok({ examples: [] }),
  'examples.open': async () => ok({ status: 'refused' as const, problems: [] }),
  'document.open': async ({ text }) => ok({ status: 'refused' as const, problems: [{ code: 'echo', path: '$', message: text }] }),
  'document.save': async () => {
    throw new Error('disk on fire');
  },
  'document.openFile': async () => fail('unsupported', 'no dialogs here'),
  'document.export': async ({ withWeights }) => ok({ text: String(withWeights), fileName: 'x.unroll.json' }),
  'recent.list': async () => ok({ files: [] }),
  'autosave.write': async () => ok({ savedAt: 'now' }),
  'autosave.read': async () => ok({ status: 'none' as const }),
  'autosave.clear': async () => ok({ cleared: false }),
  'app.setLanguage': async () => ok({}),
  'session.start': async () => fail('session', 'no sessions here'),
  'session.pause': async () => ok({ changed: false }),
  'session.resume': async () => ok({ changed: false }),
  'session.stop': async () => ok({ changed: false }),
  'session.resetState': async () => ok({ changed: false }),
  'session.weights': async ({ sessionId }) => fail('not-found', `no session ${sessionId}`, 'sessionId'),
  infer: async () => fail('unsupported', 'no inference here'),
  'trace.run': async () => fail('unsupported', 'no step-through here'),
  'trace.gradcheck': async () => fail('unsupported', 'no gradient check here'),
} satisfies RequestHandlers;

describe('parsePayload', () => {
  it('accepts a valid payload and returns the parsed value', () => {
    const r = parsePayload('document.open', { text: '{}' });
    expect(r).toEqual({ ok: true, result: { text: '{}' } });
  });

  it('rejects a wrong type and names the field', () => {
    const r = parsePayload('document.open', { text: 42 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('bad-payload');
    expect(r.error.path).toBe('text');
    expect(r.error.message).toMatch(/^payload\.text: .*string/);
  });

  it('rejects a missing field and names it', () => {
    const r = parsePayload('examples.open', {});
    expect(r.ok || r.error.path).toBe('id');
  });

  it('rejects unknown fields by name', () => {
    const r = parsePayload('app.info', { extra: 1 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.path).toBe('extra');
    expect(r.error.message).toContain('unknown field extra');
  });

  it('names a field deep inside a document', () => {
    const doc = { ...validDoc, nodes: [{ id: '1bad', type: 'Tanh', version: 1, position: { x: 0, y: 0 }, params: {} }] };
    const r = parsePayload('document.save', { doc });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.path).toBe('doc.nodes[0].id');
    expect(r.error.message).toContain('payload.doc.nodes[0].id');
  });

  it('refuses a file name with folders', () => {
    const r = parsePayload('document.save', { doc: validDoc, fileName: '../../etc/passwd' });
    expect(r.ok || r.error.path).toBe('fileName');
  });

  it('refuses a payload that is not an object', () => {
    const r = parsePayload('app.info', 'hello');
    expect(r.ok).toBe(false);
  });
});

describe('dispatch', () => {
  it('refuses an unknown request and lists the known ones', async () => {
    const r = await dispatch(echo, 'document.delete', {});
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('unknown-request');
    for (const n of REQUEST_NAMES) expect(r.error.message).toContain(n);
  });

  it('does not treat inherited properties as requests', async () => {
    const r = await dispatch(echo, 'toString', {});
    expect(r.ok || r.error.code).toBe('unknown-request');
  });

  it('passes the parsed payload to the handler', async () => {
    const r = await dispatch(echo, 'document.open', { text: 'hello' });
    expect(r).toEqual({ ok: true, result: { status: 'refused', problems: [{ code: 'echo', path: '$', message: 'hello' }] } });
  });

  it('never calls the handler with a bad payload', async () => {
    const r = await dispatch(echo, 'document.open', { text: ['x'] });
    expect(r.ok || r.error.path).toBe('text');
  });

  it('turns a thrown exception into an internal error naming the request', async () => {
    const r = await dispatch(echo, 'document.save', { doc: validDoc });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toEqual({ code: 'internal', message: 'document.save failed inside the host: disk on fire' });
  });
});

describe('events and paths', () => {
  it('parses a known event and refuses malformed ones', () => {
    expect(parseHostEvent({ name: 'host.notice', payload: { level: 'info', message: 'hi' } })).toEqual({ name: 'host.notice', payload: { level: 'info', message: 'hi' } });
    expect(parseHostEvent({ name: 'host.notice', payload: { level: 'loud', message: 'hi' } })).toBeUndefined();
    expect(parseHostEvent({ name: 'constructor', payload: {} })).toBeUndefined();
    expect(parseHostEvent(null)).toBeUndefined();
  });

  it('parses menu commands and refuses unknown ones', () => {
    expect(parseHostEvent({ name: 'menu.command', payload: { command: 'file.openRecent', arg: '/tmp/a.unroll.json' } })).toEqual({ name: 'menu.command', payload: { command: 'file.openRecent', arg: '/tmp/a.unroll.json' } });
    expect(parseHostEvent({ name: 'menu.command', payload: { command: 'file.format-disk' } })).toBeUndefined();
  });

  it('formats paths with indices in brackets', () => {
    expect(formatPath(['doc', 'nodes', 3, 'position', 'x'])).toBe('doc.nodes[3].position.x');
    expect(formatPath([0, 'a'])).toBe('[0].a');
    expect(formatPath([])).toBe('');
  });
});

describe('new requests', () => {
  it('refuses a language the UI does not have', () => {
    expect(parsePayload('app.setLanguage', { language: 'zh-CN' }).ok).toBe(true);
    const r = parsePayload('app.setLanguage', { language: 'fr' });
    expect(r.ok || r.error.path).toBe('language');
  });

  it('checks export and save payloads', () => {
    expect(parsePayload('document.export', { doc: validDoc, withWeights: false }).ok).toBe(true);
    expect(parsePayload('document.export', { doc: validDoc }).ok).toBe(false);
    const r = parsePayload('document.save', { doc: validDoc, path: '' });
    expect(r.ok || r.error.path).toBe('path');
  });

  it('passes an unsupported answer through dispatch as data', async () => {
    expect(await dispatch(echo, 'document.openFile', {})).toEqual({ ok: false, error: { code: 'unsupported', message: 'no dialogs here' } });
  });
});

describe('commands and accelerators', () => {
  const key = (k: string, mods: Partial<{ ctrl: boolean; meta: boolean; shift: boolean; alt: boolean }> = {}) => ({ key: k, ctrl: false, meta: false, shift: false, alt: false, ...mods });

  it('matches CmdOrCtrl as Ctrl off macOS and ⌘ on macOS, with exact modifiers', () => {
    expect(matchesAccelerator('CmdOrCtrl+S', key('s', { ctrl: true }), false)).toBe(true);
    expect(matchesAccelerator('CmdOrCtrl+S', key('s', { meta: true }), false)).toBe(false);
    expect(matchesAccelerator('CmdOrCtrl+S', key('s', { meta: true }), true)).toBe(true);
    expect(matchesAccelerator('CmdOrCtrl+S', key('S', { ctrl: true, shift: true }), false)).toBe(false);
    expect(matchesAccelerator('CmdOrCtrl+Shift+S', key('S', { ctrl: true, shift: true }), false)).toBe(true);
  });

  it('finds the command of a key stroke, alternates included', () => {
    expect(commandForKey(key('z', { ctrl: true }), false)).toBe('edit.undo');
    expect(commandForKey(key('Z', { ctrl: true, shift: true }), false)).toBe('edit.redo');
    expect(commandForKey(key('y', { ctrl: true }), false)).toBe('edit.redo');
    expect(commandForKey(key('Backspace'), false)).toBe('edit.delete');
    expect(commandForKey(key('L', { shift: true }), false)).toBe('view.autoLayout');
    expect(commandForKey(key('f'), false)).toBe('view.fit');
    expect(commandForKey(key('f', { ctrl: true }), false)).toBeUndefined();
    expect(commandForKey(key('l'), false)).toBeUndefined();
  });

  it('gives no two commands the same keys', () => {
    const seen = new Map<string, string>();
    for (const id of COMMAND_IDS) {
      const k = COMMAND_KEYS[id];
      for (const a of k === undefined ? [] : [k.accelerator, ...(k.alternates ?? [])]) {
        expect(seen.get(a), `${a} is used by ${seen.get(a)} and ${id}`).toBeUndefined();
        seen.set(a, id);
      }
    }
    expect(displayAccelerator('CmdOrCtrl+Shift+S', false)).toBe('Ctrl+Shift+S');
    expect(displayAccelerator('CmdOrCtrl+Z', true)).toBe('⌘+Z');
  });
});
