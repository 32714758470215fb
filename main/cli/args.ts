/**
 * A small, strict flag parser for the `unroll` commands: `--name value` or `--name=value`,
 * positional arguments in between. An unknown flag, a missing value or a malformed number is a
 * `UsageError` naming the flag and what it expects.
 */

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type FlagKind = 'string' | 'number' | 'int' | 'boolean' | 'list';

export interface FlagSpec {
  readonly kind: FlagKind;
  /** Shown in errors and help, e.g. `N` or `k1,k2`. */
  readonly value?: string;
  /** For `number`/`int`: the least value accepted (inclusive unless `exclusive`). */
  readonly min?: number;
  readonly exclusive?: boolean;
  /** For `string`: the accepted values. */
  readonly choices?: readonly string[];
}

export type Flags = Readonly<Record<string, FlagSpec>>;

export interface Parsed {
  readonly positional: string[];
  readonly values: Map<string, string | number | boolean | string[]>;
}

function parseNumber(flag: string, spec: FlagSpec, raw: string): number {
  const trimmed = raw.trim();
  const n = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed) ? Number(trimmed) : NaN;
  const what = spec.kind === 'int' ? 'an integer' : 'a number';
  if (!Number.isFinite(n) || (spec.kind === 'int' && !Number.isInteger(n))) throw new UsageError(`--${flag}: expected ${what}, got ${JSON.stringify(raw)}`);
  if (spec.min !== undefined && (spec.exclusive ? n <= spec.min : n < spec.min)) {
    throw new UsageError(`--${flag}: must be ${spec.exclusive ? 'greater than' : 'at least'} ${spec.min}, got ${raw}`);
  }
  return n;
}

export function parseArgs(command: string, argv: readonly string[], flags: Flags): Parsed {
  const positional: string[] = [];
  const values = new Map<string, string | number | boolean | string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--') || arg === '--') {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = Object.hasOwn(flags, name) ? flags[name] : undefined;
    if (spec === undefined) {
      const known = Object.keys(flags).map((f) => `--${f}`).join(', ');
      throw new UsageError(`unroll ${command}: unknown flag --${name}; the flags are ${known || 'none'}`);
    }
    if (spec.kind === 'boolean') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      values.set(name, true);
      continue;
    }
    let raw: string;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else {
      if (i + 1 >= argv.length || argv[i + 1].startsWith('--')) throw new UsageError(`--${name}: missing value (${spec.value ?? spec.kind})`);
      raw = argv[++i];
    }
    if (spec.kind === 'number' || spec.kind === 'int') values.set(name, parseNumber(name, spec, raw));
    else if (spec.kind === 'list') values.set(name, [...((values.get(name) as string[] | undefined) ?? []), raw]);
    else {
      if (spec.choices && !spec.choices.includes(raw)) throw new UsageError(`--${name}: expected one of ${spec.choices.join(', ')}, got ${JSON.stringify(raw)}`);
      values.set(name, raw);
    }
  }
  return { positional, values };
}

/** Typed getters over a parse result. */
export function reader(p: Parsed) {
  return {
    str: (name: string) => p.values.get(name) as string | undefined,
    num: (name: string) => p.values.get(name) as number | undefined,
    bool: (name: string) => p.values.get(name) === true,
    list: (name: string) => (p.values.get(name) as string[] | undefined) ?? [],
  };
}

/** `k1,k2` → two integers with `1 ≤ k1 ≤ k2`. */
export function parseTbptt(raw: string): { k1: number; k2: number } {
  const m = /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(raw);
  if (!m) throw new UsageError(`--tbptt: expected k1,k2 (two integers, e.g. 10,20), got ${JSON.stringify(raw)}`);
  const k1 = Number(m[1]);
  const k2 = Number(m[2]);
  if (k1 < 1 || k2 < k1) throw new UsageError(`--tbptt: need 1 ≤ k1 ≤ k2, got k1 = ${k1}, k2 = ${k2}`);
  return { k1, k2 };
}

/** `KEY=VALUE` task params: numbers and true/false are typed, the rest kept as text. */
export function parseTaskParams(items: readonly string[]): Record<string, number | string | boolean> {
  const out: Record<string, number | string | boolean> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--task-param: expected KEY=VALUE (e.g. T=30), got ${JSON.stringify(item)}`);
    const key = item.slice(0, eq);
    const raw = item.slice(eq + 1);
    if (Object.hasOwn(out, key)) throw new UsageError(`--task-param: ${key} is given twice`);
    out[key] = raw === 'true' ? true : raw === 'false' ? false : raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  }
  return out;
}
