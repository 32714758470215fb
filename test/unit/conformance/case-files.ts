import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The reference cases beside the repository (`../shared/spec/cases` from its root), read as JSON. */
export const CASES_DIR = fileURLToPath(new URL('../../../../shared/spec/cases/', import.meta.url));

export function caseFileNames(): string[] {
  return readdirSync(CASES_DIR)
    .filter((f) => f.endsWith('.case.json'))
    .sort();
}

/** A fresh copy of one case's JSON (tests may change it). */
export function readCase(name: string): Record<string, any> {
  const file = name.endsWith('.case.json') ? name : `${name}.case.json`;
  return JSON.parse(readFileSync(join(CASES_DIR, file), 'utf8')) as Record<string, any>;
}
