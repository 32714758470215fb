import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the host keeps its own files (the autosave, the recent-files list): `UNROLL_DATA_DIR` when
 * set, else the platform's per-user application-data folder. Electron passes `app.getPath('userData')`
 * as `fallback` instead of the platform rule.
 */
export function dataDirFor(platform: NodeJS.Platform, env: Readonly<Record<string, string | undefined>>, home: string, fallback?: string): string {
  const set = env.UNROLL_DATA_DIR;
  if (set !== undefined && set !== '') return set;
  if (fallback !== undefined) return fallback;
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Unroll');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Unroll');
  const xdg = env.XDG_DATA_HOME;
  return join(xdg !== undefined && xdg !== '' ? xdg : join(home, '.local', 'share'), 'unroll');
}

/** The data folder of this process. */
export function resolveDataDir(fallback?: string): string {
  return dataDirFor(process.platform, process.env, homedir(), fallback);
}
