/**
 * Reading the files the commands take: a graph (restored, then validated and compiled, every
 * problem named by JSON path or by node and port) and plain JSON files (checkpoints, batches).
 */
import { readFile } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import { compile, type CompileOptions, type Plan } from '../../src/compiler';
import type { GraphDocument } from '../../src/graph/document';
import { restore } from '../../src/graph/restore';
import { UsageError } from './args';

/** A failure the command reports and exits 1 on; `lines` are printed as they are. */
export class CliFailure extends Error {
  constructor(readonly lines: readonly string[]) {
    super(lines.join('\n'));
    this.name = 'CliFailure';
  }
}

export async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new CliFailure([`${file}: cannot read the ${what}: ${(e as Error).message}`]);
  }
}

export async function readJson(file: string, what: string): Promise<unknown> {
  const text = await readText(file, what);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new CliFailure([`${file}: the ${what} is not valid JSON: ${(e as Error).message}`]);
  }
}

/** Restores `file` as a graph document; every problem is listed with its JSON path. */
export async function loadDocument(file: string | undefined, command: string): Promise<GraphDocument> {
  if (file === undefined) throw new UsageError(`unroll ${command}: give a graph file, e.g. unroll ${command} my-graph.unroll.json`);
  const restored = restore(await readText(file, 'graph'));
  if (!restored.ok) throw new CliFailure(restored.problems.map((p) => `${file}: ${p.path}: ${p.message} [${p.code}]`));
  return restored.doc;
}

/** Compiles a document; problems name the node and port. */
export function compileOrFail(file: string, doc: GraphDocument, options: CompileOptions = {}): Plan {
  const r = compile(doc, options);
  if (r.ok) return r.plan;
  throw new CliFailure(r.problems.map((p) => `${file}: ${p.port ? `node ${p.nodeId}, port ${p.port}` : `node ${p.nodeId}`}: ${p.message} [${p.code}]`));
}

/** Writes a file atomically; a failure names the file. */
export async function writeText(file: string, text: string, what: string): Promise<void> {
  try {
    await writeFileAtomic(file, text, { encoding: 'utf8' });
  } catch (e) {
    throw new CliFailure([`${file}: cannot write the ${what}: ${(e as Error).message}`]);
  }
}
