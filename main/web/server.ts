import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { API_PREFIX, dispatch, EVENTS_PATH, fail, TOKEN_HEADER, TOKEN_QUERY, type HostEvent, type Reply, type RequestHandlers } from '../../src/protocol';
import { contentSecurityPolicy } from '../csp';
import { resolveDataDir } from '../data-dir';
import { createService } from '../service';
import { createSessionManager } from '../sessions/manager';
import { readStatic } from './static';

/**
 * The web host: the renderer and the protocol served on 127.0.0.1 to a browser. Every request to
 * `/api/*` and the event socket must carry the per-launch token (header `x-unroll-token`, or
 * `?token=` for the socket); the page URL printed at start carries it for the renderer to pick up.
 */

export interface WebServerOptions {
  readonly handlers: RequestHandlers;
  /** Folder of the built renderer (`dist/renderer`). */
  readonly staticDir: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Fixed token (tests); a random one otherwise. */
  readonly token?: string;
}

export interface WebServer {
  readonly port: number;
  readonly token: string;
  /** The page URL, token included. */
  readonly url: string;
  /** Pushes an event to every connected renderer. */
  broadcast(event: HostEvent): void;
  close(): Promise<void>;
}

/** Largest request body accepted (bytes): a document text at its limit, with room for JSON escapes. */
export const MAX_BODY_BYTES = 48 * 1024 * 1024;

const HTTP_STATUS: Readonly<Record<string, number>> = { 'bad-payload': 400, unauthorized: 401, 'unknown-request': 404, internal: 500 };

function sameToken(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function sendJson(res: ServerResponse, status: number, body: Reply<unknown>): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve('too-large');
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const token = opts.token ?? randomBytes(24).toString('hex');
  const csp = contentSecurityPolicy();
  let port = 0;
  /** Only our own origin may talk to us: refuses DNS-rebinding hosts and foreign pages. */
  const hostOk = (host: string | undefined): boolean => host === `127.0.0.1:${port}` || host === `localhost:${port}`;
  const originOk = (origin: string | undefined): boolean => origin === undefined || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;

  async function handleApi(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return sendJson(res, 405, fail('bad-payload', `${API_PREFIX}${name} takes POST with a JSON body, not ${req.method}`));
    }
    const given = req.headers[TOKEN_HEADER];
    if (!sameToken(typeof given === 'string' ? given : undefined, token)) {
      return sendJson(res, 401, fail('unauthorized', `missing or wrong ${TOKEN_HEADER} header: open the URL the web host printed at start`));
    }
    if (!originOk(req.headers.origin)) return sendJson(res, 403, fail('unauthorized', `requests from origin ${req.headers.origin} are refused`));
    const body = await readBody(req);
    if (body === 'too-large') return sendJson(res, 413, fail('bad-payload', `request body is larger than ${MAX_BODY_BYTES} bytes`));
    let payload: unknown;
    try {
      payload = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    } catch (err) {
      return sendJson(res, 400, fail('bad-payload', `request body is not JSON: ${(err as Error).message}`));
    }
    const reply = await dispatch(opts.handlers, name, payload);
    sendJson(res, reply.ok ? 200 : (HTTP_STATUS[reply.error.code] ?? 200), reply);
  }

  async function handleStatic(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const file = await readStatic(opts.staticDir, path);
    if (!file.ok) {
      res.writeHead(file.status, { 'content-type': 'text/plain; charset=utf-8' }).end(file.message);
      return;
    }
    res.writeHead(200, {
      'content-type': file.type,
      'content-security-policy': csp,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  const server = createServer((req, res) => {
    if (!hostOk(req.headers.host)) {
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end(`host ${req.headers.host} is refused: use 127.0.0.1:${port}`);
      return;
    }
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const work = url.pathname.startsWith(API_PREFIX) ? handleApi(req, res, url.pathname.slice(API_PREFIX.length)) : handleStatic(req, res, url.pathname);
    work.catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, fail('internal', `web host failed: ${(err as Error).message}`));
      else res.destroy();
    });
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const clients = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (!hostOk(req.headers.host) || !originOk(req.headers.origin) || url.pathname !== EVENTS_PATH || !sameToken(url.searchParams.get(TOKEN_QUERY) ?? undefined, token)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      ws.send(JSON.stringify({ name: 'host.notice', payload: { level: 'info', message: 'Connected to the Unroll web host' } } satisfies HostEvent));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/?${TOKEN_QUERY}=${token}`,
    broadcast(event) {
      const text = JSON.stringify(event);
      for (const ws of clients) ws.send(text);
    },
    close() {
      for (const ws of clients) ws.terminate();
      sockets.close();
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** `--port 8080`, `--port=8080`, else `UNROLL_PORT`, else 0. Refuses anything but an integer 0–65535. */
export function parsePort(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): number {
  let raw: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--port') raw = argv[i + 1];
    else if (a.startsWith('--port=')) raw = a.slice('--port='.length);
  }
  raw ??= env.UNROLL_PORT;
  if (raw === undefined || raw === '') return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`bad port ${JSON.stringify(raw)}: give an integer from 0 to 65535 (0 picks a free port)`);
  return n;
}

async function main(): Promise<void> {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { productName?: string; version: string };
  // Events of training sessions go to every connected page (the server exists once the handlers do).
  let broadcast: (event: HostEvent) => void = () => {};
  const sessions = createSessionManager({ emit: (event) => broadcast(event) });
  const server = await startWebServer({
    handlers: createService({ host: 'web', name: pkg.productName ?? 'Unroll', version: pkg.version, dataDir: resolveDataDir(), sessions }),
    staticDir: `${root}dist/renderer`,
    port: parsePort(process.argv.slice(2), process.env),
    ...(process.env.UNROLL_TOKEN ? { token: process.env.UNROLL_TOKEN } : {}),
  });
  broadcast = (event) => server.broadcast(event);
  process.stdout.write(`Unroll web host: ${server.url}\n`);
  const stop = (): void => void Promise.all([sessions.close(), server.close()]).then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`Unroll web host could not start: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
