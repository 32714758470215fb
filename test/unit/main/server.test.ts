import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createService } from '../../../main/service';
import { parsePort, startWebServer, type WebServer } from '../../../main/web/server';
import { readStatic } from '../../../main/web/static';

const TOKEN = 'test-token-0123456789';
let server: WebServer;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'unroll-web-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Unroll</title>');
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(tmpdir(), 'unroll-secret.txt'), 'TOP-SECRET-CONTENT');
  server = await startWebServer({ handlers: createService({ host: 'web', name: 'Unroll', version: '9.9.9', dataDir: join(dir, 'data') }), staticDir: dir, token: TOKEN });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(join(tmpdir(), 'unroll-secret.txt'), { force: true });
});

const base = (): string => `http://127.0.0.1:${server.port}`;

async function api(name: string, payload: unknown, headers: Record<string, string> = { 'x-unroll-token': TOKEN }): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base()}/api/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(payload) });
  return { status: res.status, body: await res.json() };
}

/** A raw request, for what fetch will not send (an unnormalised path, a foreign Host header). */
function raw(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('web host', () => {
  it('prints a 127.0.0.1 URL that carries the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${TOKEN}`);
    expect(server.port).toBeGreaterThan(0);
  });

  it('serves the renderer with a strict CSP', async () => {
    const res = await fetch(`${base()}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await res.text()).toContain('<title>Unroll</title>');
    const js = await fetch(`${base()}/assets/app.js`);
    expect(js.headers.get('content-type')).toContain('text/javascript');
  });

  it('never serves a file outside the app folder', async () => {
    for (const path of ['/../unroll-secret.txt', '/%2e%2e/unroll-secret.txt', '/assets/..%2f..%2funroll-secret.txt', '/..%5cunroll-secret.txt']) {
      const res = await raw(path);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.body, path).not.toContain('TOP-SECRET-CONTENT');
    }
    expect((await raw('/nope.js')).status).toBe(404);
  });

  it('readStatic refuses a path that climbs out, before touching the disk', async () => {
    expect(await readStatic(dir, '/assets/..%2f..%2funroll-secret.txt')).toMatchObject({ ok: false, status: 400 });
    expect(await readStatic(dir, '/%zz')).toMatchObject({ ok: false, status: 400 });
    expect(await readStatic(dir, '/a%00b')).toMatchObject({ ok: false, status: 400 });
    expect(await readStatic(dir, '/')).toMatchObject({ ok: true, type: 'text/html; charset=utf-8' });
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const res = await raw('/', { host: 'evil.example:80' });
    expect(res.status).toBe(403);
  });

  it('answers a request that carries the token', async () => {
    const { status, body } = await api('app.info', {});
    expect(status).toBe(200);
    expect(body).toEqual({ ok: true, result: { name: 'Unroll', version: '9.9.9', host: 'web' } });
  });

  it('refuses requests without the token, or with a wrong one, with 401', async () => {
    const none = await api('app.info', {}, {});
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('unauthorized');
    expect(none.body.error.message).toContain('x-unroll-token');
    const wrong = await api('app.info', {}, { 'x-unroll-token': 'test-token-0123456780' });
    expect(wrong.status).toBe(401);
  });

  it('refuses a bad payload with 400 and names the field', async () => {
    const { status, body } = await api('document.open', { text: 5 });
    expect(status).toBe(400);
    expect(body.ok).toBe(false);
    expect(body.error.code).toBe('bad-payload');
    expect(body.error.path).toBe('text');
  });

  it('refuses a body that is not JSON, an unknown request and a GET', async () => {
    const res = await fetch(`${base()}/api/app.info`, { method: 'POST', headers: { 'x-unroll-token': TOKEN }, body: '{nope' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.message).toContain('not JSON');
    expect((await api('document.delete', {})).status).toBe(404);
    expect((await fetch(`${base()}/api/app.info`)).status).toBe(405);
  });

  it('refuses a request from a foreign page origin', async () => {
    const { status } = await api('app.info', {}, { 'x-unroll-token': TOKEN, origin: 'http://evil.example' });
    expect(status).toBe(403);
  });

  it('opens an example and saves it back', async () => {
    const list = await api('examples.list', {});
    expect(list.body.result.examples.map((e: { id: string }) => e.id)).toContain('elman-classifier');
    const opened = await api('examples.open', { id: 'elman-classifier' });
    expect(opened.body.ok).toBe(true);
    expect(opened.body.result.status).toBe('restored');
    const doc = opened.body.result.doc;
    const saved = await api('document.save', { doc });
    expect(saved.body.ok).toBe(true);
    expect(saved.body.result.fileName).toBe('Elman RNN classifier.unroll.json');
    expect(saved.body.result.path).toBeUndefined();
    const reopened = await api('document.open', { text: saved.body.result.text });
    expect(reopened.body.result).toEqual({ status: 'restored', doc, warnings: [] });
  });

  it('answers a broken document with its problems, not an error', async () => {
    const { status, body } = await api('document.open', { text: '{"format":"unroll.graph"' });
    expect(status).toBe(200);
    expect(body.result.status).toBe('refused');
    expect(body.result.problems.length).toBeGreaterThan(0);
  });

  it('refuses an unknown example by name', async () => {
    const { body } = await api('examples.open', { id: 'nope' });
    expect(body.error).toMatchObject({ code: 'not-found', path: 'id' });
    expect(body.error.message).toContain('"nope"');
  });

  it('pushes events over a WebSocket that carries the token', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events?token=${TOKEN}`);
    const first = await new Promise<any>((resolve, reject) => {
      ws.once('message', (m) => resolve(JSON.parse(m.toString())));
      ws.once('error', reject);
    });
    expect(first).toEqual({ name: 'host.notice', payload: { level: 'info', message: 'Connected to the Unroll web host' } });
    const next = new Promise<any>((resolve) => ws.once('message', (m) => resolve(JSON.parse(m.toString()))));
    server.broadcast({ name: 'host.notice', payload: { level: 'warning', message: 'autosave failed' } });
    expect((await next).payload.message).toBe('autosave failed');
    ws.close();
  });

  it('refuses a WebSocket without the token', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events`);
    const status = await new Promise<number>((resolve) => {
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('error', () => resolve(-1));
    });
    expect(status === 401 || status === -1).toBe(true);
  });
});

describe('parsePort', () => {
  it('reads --port, --port=, UNROLL_PORT, and defaults to 0', () => {
    expect(parsePort(['--port', '8123'], {})).toBe(8123);
    expect(parsePort(['--port=8124'], { UNROLL_PORT: '1' })).toBe(8124);
    expect(parsePort([], { UNROLL_PORT: '8125' })).toBe(8125);
    expect(parsePort([], {})).toBe(0);
  });

  it('refuses a port that is not an integer in range', () => {
    expect(() => parsePort(['--port', 'http'], {})).toThrow(/bad port "http"/);
    expect(() => parsePort([], { UNROLL_PORT: '70000' })).toThrow(/0 to 65535/);
  });
});
