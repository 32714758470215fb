import type { ProblemList } from './problems';

/**
 * Upgrades of the document format, one version step each. A file saved at version `n` is
 * migrated `n → n+1 → … → CURRENT_VERSION` before it is validated, so each migration only has to
 * know the version before it. A migration receives a plain JSON tree that `restore()` owns (it may
 * change it in place) and returns the tree of the next version; `restore()` sets `version` itself.
 *
 * Policy: bump CURRENT_VERSION whenever a saved file of the old version would not validate
 * against the new schema, add the migration here and a fixture of the old version under
 * `test/fixtures/graphs/v<n>/`. Node kinds version their own params separately (`NodeSpec.migrate`).
 */
export interface Migration {
  readonly from: number;
  readonly to: number;
  /** One sentence for the user: what changed. */
  readonly description: string;
  readonly migrate: (doc: Record<string, unknown>) => Record<string, unknown>;
}

/** Version 1 is the first version of the format: there is nothing to migrate yet. */
export const MIGRATIONS: readonly Migration[] = [];

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Runs `migrations` from `from` up to `to`, one step at a time. Returns the migrated tree and the
 * steps taken, or `undefined` after adding a problem at `$.version`.
 */
export function migrateDocument(
  doc: Record<string, unknown>,
  from: number,
  to: number,
  migrations: readonly Migration[],
  problems: ProblemList,
): { doc: Record<string, unknown>; steps: Migration[] } | undefined {
  let current = doc;
  const steps: Migration[] = [];
  for (let v = from; v < to; ) {
    const step = migrations.find((m) => m.from === v);
    if (!step || step.to <= v || step.to > to) {
      problems.add('$.version', 'migration-missing', `this Unroll cannot upgrade a version ${v} document to version ${to}: no migration starts at version ${v}`);
      return undefined;
    }
    try {
      const next: unknown = step.migrate(current);
      if (!isPlainObject(next)) throw new Error('it did not return an object');
      next.version = step.to;
      current = next;
    } catch (e) {
      problems.add('$', 'migration-failed', `upgrading the document from version ${step.from} to ${step.to} failed: ${e instanceof Error ? e.message : 'unknown error'}`);
      return undefined;
    }
    steps.push(step);
    v = step.to;
  }
  return { doc: current, steps };
}
