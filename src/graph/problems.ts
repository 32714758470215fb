/**
 * Problems found in a document: data, never exceptions. Every problem names the offending place
 * with a `$`-rooted JSON path (`$.nodes[3].params.units`), a stable code and a sentence a person can
 * act on.
 */
export interface Problem {
  /** JSON path of the offending value, e.g. `$.edges[2].target.port`; `$` is the whole document. */
  readonly path: string;
  /** Stable, machine-readable code, e.g. `unknown-node-type`. */
  readonly code: string;
  readonly message: string;
}

export type PathSegment = string | number;

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Formats path segments as a JSON path: numbers as `[3]`, identifiers as `.name`, other keys as `["a.b"]`. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '$';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (IDENT.test(s)) out += `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** A path built by linking a child to its parent, formatted only when a problem needs it. */
export interface PathLink {
  readonly parent: PathLink | null;
  readonly key: PathSegment;
}

export function linkToSegments(link: PathLink | null): PathSegment[] {
  const out: PathSegment[] = [];
  for (let l = link; l !== null; l = l.parent) out.push(l.key);
  return out.reverse();
}

/** Most problems one call reports; a hostile file must not make the report itself huge. */
export const MAX_PROBLEMS = 500;

/** Collects problems up to `MAX_PROBLEMS`, then records that more were left out. */
export class ProblemList {
  readonly items: Problem[] = [];
  private readonly paths = new Set<string>();
  private dropped = 0;

  constructor(private readonly limit = MAX_PROBLEMS) {}

  add(path: readonly PathSegment[] | string, code: string, message: string): void {
    if (this.items.length >= this.limit) {
      this.dropped++;
      return;
    }
    const p = typeof path === 'string' ? path : formatPath(path);
    this.paths.add(p);
    this.items.push({ path: p, code, message });
  }

  /** Whether a problem at exactly `path` was already reported. */
  has(path: readonly PathSegment[]): boolean {
    return this.paths.has(formatPath(path));
  }

  get size(): number {
    return this.items.length + this.dropped;
  }

  get full(): boolean {
    return this.items.length >= this.limit;
  }

  /** The problems, with a final note when some were left out. */
  result(): Problem[] {
    if (this.dropped === 0) return this.items.slice();
    return [
      ...this.items,
      { path: '$', code: 'too-many-problems', message: `${this.dropped} more problems were found and left out of this report; fix the ones above first` },
    ];
  }
}

/** zod issue paths (`['nodes', 3, 'params']`) prefixed by `base`, as JSON path segments. */
export function zodPath(base: readonly PathSegment[], issuePath: readonly PropertyKey[]): PathSegment[] {
  return [...base, ...issuePath.map((k) => (typeof k === 'number' ? k : String(k)))];
}

/** The parts of a zod issue this module reads (zod 4's `$ZodIssue`). */
interface ZodIssueLike {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** Adds every zod issue as a problem: code `schema-<zod code>`, path rooted at `base`. */
export function addZodIssues(list: ProblemList, base: readonly PathSegment[], issues: readonly ZodIssueLike[]): void {
  for (const issue of issues) {
    const path = zodPath(base, issue.path);
    if (list.has(path)) continue; // already reported more precisely (e.g. a non-finite number)
    list.add(path, `schema-${issue.code.replace(/_/g, '-')}`, issue.message);
  }
}

/** One-line summary of zod issues for an edit refusal: `units: Too small: expected number to be >=1`. */
export function zodSummary(issues: readonly ZodIssueLike[]): string {
  return issues
    .slice(0, 3)
    .map((i) => (i.path.length > 0 ? `${i.path.map(String).join('.')}: ${i.message}` : i.message))
    .join('; ');
}
