/**
 * `unroll conformance [FILE|DIR ...] [--backend B] [--rtol R --atol A] [--json out.json]`: checks
 * the engine against the independent reference cases (`shared/spec/cases/*.case.json`), one row per
 * case, and exits 1 when any case fails. Default folder: `$UNROLL_CASES`, else `../shared/spec/cases`
 * beside the repository.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveBackend } from './backends';
import { checkCase, describeMismatch, formatRow, summarise, tolerancesFor, type CaseReport, type Tolerance } from '../../src/conformance';
import type { Backend } from '../../src/engine/backend';

export interface ConformanceIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

export const CONFORMANCE_USAGE = `usage: unroll conformance [FILE|DIR ...] [--backend B] [--rtol R --atol A] [--json out.json]

  FILE|DIR       case files (*.case.json) or folders of them; default $UNROLL_CASES or ../shared/spec/cases
  --backend B    reference (default), f32, gpujs:<mode> or auto
  --rtol, --atol tolerances (default by the backend's precision: float64 1e-9/1e-12, float32 1e-4/1e-6)
  --json FILE    also write the full report as JSON
`;

/** The cases folder beside the repository, or `$UNROLL_CASES`. */
export function defaultCasesDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.UNROLL_CASES;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return fileURLToPath(new URL('../../../shared/spec/cases/', import.meta.url));
}

export type ResolvedCaseBackend = { ok: true; backend: Backend; release: () => void } | { ok: false; message: string };

/**
 * A backend by name from the kernels' registry (`reference`, `f32`, `gpujs:<mode>`, `auto`). A gpu.js
 * backend runs every op as a gpu.js kernel here (thresholds 0): the cases are small, and below the
 * default thresholds their ops would run as float32 loops, leaving the gpu.js kernels unchecked.
 */
export async function resolveCaseBackend(name: string): Promise<ResolvedCaseBackend> {
  try {
    const r = await resolveBackend(name, { gpujs: { thresholds: { matmul: 0, elementwise: 0 } } });
    return { ok: true, backend: r.backend, release: () => r.destroy() };
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
}

interface Args {
  paths: string[];
  backend: string;
  rtol?: number;
  atol?: number;
  json?: string;
  help: boolean;
}

function parseArgs(argv: readonly string[]): Args | string {
  const a: Args = { paths: [], backend: 'reference', help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string | undefined => argv[++i];
    if (arg === '-h' || arg === '--help') a.help = true;
    else if (arg === '--backend' || arg === '--json') {
      const v = value();
      if (v === undefined) return `${arg} needs a value`;
      if (arg === '--backend') a.backend = v;
      else a.json = v;
    } else if (arg === '--rtol' || arg === '--atol') {
      const v = Number(value());
      if (!(Number.isFinite(v) && v >= 0)) return `${arg} needs a number ≥ 0`;
      if (arg === '--rtol') a.rtol = v;
      else a.atol = v;
    } else if (arg.startsWith('--')) return `unknown option ${arg}`;
    else a.paths.push(arg);
  }
  return a;
}

/** Case files under the given paths: a folder gives its `*.case.json`, sorted. */
async function caseFiles(paths: readonly string[], io: ConformanceIo): Promise<string[] | null> {
  const out: string[] = [];
  for (const p of paths) {
    try {
      if ((await stat(p)).isDirectory()) {
        out.push(...(await readdir(p)).filter((f) => f.endsWith('.case.json')).sort().map((f) => join(p, f)));
      } else out.push(p);
    } catch (e) {
      io.err(`unroll conformance: cannot read ${p}: ${(e as Error).message}\n`);
      return null;
    }
  }
  return out;
}

async function checkFile(file: string, backend: Backend, tolerance: Tolerance): Promise<CaseReport> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    return { name: basename(file).replace(/\.case\.json$/, ''), source: file, status: 'fail', reason: `cannot read the case: ${(e as Error).message}` };
  }
  return checkCase(json, { backend, tolerance }, file);
}

/** The JSON report: every case with its status, reason and mismatches. Infinity is written as a string. */
function jsonReport(backend: Backend, tolerance: Tolerance, reports: readonly CaseReport[]): string {
  const cases = reports.map((r) => ({
    name: r.name,
    source: r.source,
    status: r.status,
    reason: r.reason,
    ...(r.comparison !== undefined
      ? { leaves: r.comparison.leaves, values: r.comparison.values, worstRatio: r.comparison.worstRatio, mismatches: r.comparison.mismatches.map((m) => ({ ...m, text: describeMismatch(m) })) }
      : {}),
  }));
  const { pass, fail, skipped } = summarise(reports);
  const body = { backend: backend.name, precision: backend.precision, tolerance, summary: { pass, fail, skipped }, cases };
  return JSON.stringify(body, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2) + '\n';
}

export async function conformance(argv: readonly string[], io: ConformanceIo): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    io.err(`unroll conformance: ${args}\n\n${CONFORMANCE_USAGE}`);
    return 2;
  }
  if (args.help) {
    io.out(CONFORMANCE_USAGE);
    return 0;
  }
  const resolved = await resolveCaseBackend(args.backend);
  if (!resolved.ok) {
    io.err(`unroll conformance: ${resolved.message}\n`);
    return 2;
  }
  try {
    return await runAll(args, resolved.backend, io);
  } finally {
    resolved.release();
  }
}

async function runAll(args: Args, backend: Backend, io: ConformanceIo): Promise<number> {
  const base = tolerancesFor(backend.precision);
  const tolerance: Tolerance = { rtol: args.rtol ?? base.rtol, atol: args.atol ?? base.atol };
  const files = await caseFiles(args.paths.length > 0 ? args.paths : [defaultCasesDir()], io);
  if (files === null) return 2;
  if (files.length === 0) {
    io.err('unroll conformance: no *.case.json files found\n');
    return 2;
  }
  io.out(`backend ${backend.name} (${backend.precision}), rtol ${tolerance.rtol}, atol ${tolerance.atol}\n`);
  const reports: CaseReport[] = [];
  for (const f of files) {
    const r = await checkFile(f, backend, tolerance);
    reports.push(r);
    io.out(formatRow(r) + '\n');
  }
  const summary = summarise(reports);
  io.out(summary.line + '\n');
  if (args.json !== undefined) {
    try {
      await writeFile(args.json, jsonReport(backend, tolerance, reports));
    } catch (e) {
      io.err(`unroll conformance: cannot write ${args.json}: ${(e as Error).message}\n`);
      return 2;
    }
  }
  return summary.fail > 0 ? 1 : 0;
}
