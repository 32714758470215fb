import { describe, expect, it } from 'vitest';
import { dispatch, formatPath, ok, parseHostEvent, parsePayload, REQUEST_NAMES, type RequestHandlers } from '../../../src/protocol';

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

  it('formats paths with indices in brackets', () => {
    expect(formatPath(['doc', 'nodes', 3, 'position', 'x'])).toBe('doc.nodes[3].position.x');
    expect(formatPath([0, 'a'])).toBe('[0].a');
    expect(formatPath([])).toBe('');
  });
});
