/**
 * The built-in example graphs: the `*.unroll.json` files of the repository's `examples/` folder (the
 * same files the CLI and the learning tests use; Electron ships the folder as a resource). They are
 * opened like any file, through `restore()`; `test/unit/main/service.test.ts` checks that each
 * restores and validates cleanly.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Example {
  /** The file name without `.unroll.json`, e.g. `lstm-adding`. */
  readonly id: string;
  /** The document's `meta.name`. */
  readonly title: string;
  /** The document's `meta.description`. */
  readonly description: string;
  /** The document text, as read from the file. */
  text(): string;
}

const SUFFIX = '.unroll.json';

/** The repository's `examples/` folder, beside `main/`. */
export const DEFAULT_EXAMPLES_DIR = fileURLToPath(new URL('../examples/', import.meta.url));

/**
 * The examples in `dir`, sorted by id. A file whose text is not a JSON object with `meta.name` is
 * still listed (by its id), so `examples.open` reports its problems like any bad file would.
 */
export function loadExamples(dir: string = DEFAULT_EXAMPLES_DIR): readonly Example[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith(SUFFIX)).sort();
  } catch {
    return [];
  }
  return names.map((file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    let meta: { name?: unknown; description?: unknown } = {};
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { meta?: unknown }).meta === 'object') meta = (parsed as { meta: typeof meta }).meta;
    } catch {
      // listed by its id; opening it reports the problems
    }
    const id = file.slice(0, -SUFFIX.length);
    return {
      id,
      title: typeof meta.name === 'string' ? meta.name : id,
      description: typeof meta.description === 'string' ? meta.description : '',
      text: () => text,
    };
  });
}

/** The examples of the repository's `examples/` folder. */
export const EXAMPLES: readonly Example[] = loadExamples();
