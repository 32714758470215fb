import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

/** Content types of the files a Vite build emits. */
const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export type StaticFile = { readonly ok: true; readonly body: Buffer; readonly type: string } | { readonly ok: false; readonly status: 400 | 404; readonly message: string };

/**
 * Resolves a URL path inside `root` and reads the file. `/` is `index.html`. A path that would leave
 * `root` (`..`, encoded or not) is refused rather than normalised away.
 */
export async function readStatic(root: string, urlPath: string): Promise<StaticFile> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { ok: false, status: 400, message: `bad path ${JSON.stringify(urlPath)}: not valid percent-encoding` };
  }
  if (decoded.includes('\0')) return { ok: false, status: 400, message: 'bad path: contains a NUL character' };
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const base = resolve(root);
  const full = resolve(base, normalize(relative));
  if (full !== base && !full.startsWith(base + sep)) {
    return { ok: false, status: 400, message: `bad path ${JSON.stringify(urlPath)}: outside the app folder` };
  }
  try {
    const info = await stat(full);
    const file = info.isDirectory() ? join(full, 'index.html') : full;
    const body = await readFile(file);
    return { ok: true, body, type: MIME[extname(file).toLowerCase()] ?? 'application/octet-stream' };
  } catch {
    return { ok: false, status: 404, message: `not found: ${decoded}` };
  }
}
