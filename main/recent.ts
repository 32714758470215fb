import { mkdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { RecentFileSchema, type RecentFile } from '../src/protocol';

/** The recent-files list inside the data folder (Electron). */
export const RECENT_FILE = 'recent.json';
/** How many files the list keeps. */
export const RECENT_LIMIT = 10;

const RecentListSchema = z.strictObject({ files: z.array(RecentFileSchema).max(100) });

/**
 * Files opened or saved recently, newest first, kept in `recent.json` (written atomically). A list
 * that cannot be read or parsed counts as empty and is rewritten on the next change.
 */
export interface RecentFiles {
  list(): Promise<RecentFile[]>;
  /** Puts `path` first (moving it if present) and returns the new list. */
  add(path: string, at?: Date): Promise<RecentFile[]>;
  has(path: string): Promise<boolean>;
}

export function createRecentFiles(dataDir: string, limit = RECENT_LIMIT): RecentFiles {
  const file = join(dataDir, RECENT_FILE);
  let cache: RecentFile[] | undefined;
  // Changes are applied one after another, so two quick adds never lose one.
  let queue: Promise<unknown> = Promise.resolve();

  async function load(): Promise<RecentFile[]> {
    if (cache !== undefined) return cache;
    try {
      const parsed = RecentListSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
      cache = parsed.success ? parsed.data.files.slice(0, limit) : [];
    } catch {
      cache = [];
    }
    return cache;
  }

  return {
    list: () => load().then((l) => l.slice()),
    has: async (path) => (await load()).some((f) => f.path === path),
    add(path, at = new Date()) {
      const next = queue.then(async () => {
        const files = [{ path, name: basename(path), at: at.toISOString() }, ...(await load()).filter((f) => f.path !== path)].slice(0, limit);
        cache = files;
        await mkdir(dataDir, { recursive: true });
        await writeFileAtomic(file, `${JSON.stringify({ files }, null, 2)}\n`, { encoding: 'utf8' });
        return files.slice();
      });
      queue = next.catch(() => undefined);
      return next;
    },
  };
}
