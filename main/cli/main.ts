/**
 * `unroll` — Unroll on the command line. Each command returns an exit status; problems go to stderr
 * and name what is wrong (JSON path, or node and port).
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { GraphDocumentSchema } from '../../src/graph/document';
import { restore } from '../../src/graph/restore';
import { validateGraph } from '../../src/compiler';

const USAGE = `usage: unroll <command> [args]

commands:
  validate <graph.unroll.json>...   restore each file and validate its wiring; lists every problem
  schema                            print the JSON Schema of *.unroll.json
  help                              this text
`;

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

const stdio: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

export async function main(argv: readonly string[], io: Io = stdio): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'validate':
      return validate(rest, io);
    case 'schema':
      io.out(JSON.stringify(z.toJSONSchema(GraphDocumentSchema, { io: 'input' }), null, 2) + '\n');
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(USAGE);
      return command === undefined ? 2 : 0;
    default:
      io.err(`unroll: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
      return 2;
  }
}

async function validate(files: readonly string[], io: Io): Promise<number> {
  if (files.length === 0) {
    io.err('unroll validate: give at least one file, e.g. unroll validate my-graph.unroll.json\n');
    return 2;
  }
  let bad = 0;
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      io.err(`${file}: cannot read: ${(e as Error).message}\n`);
      bad++;
      continue;
    }
    const restored = restore(text);
    if (!restored.ok) {
      for (const p of restored.problems) io.err(`${file}: ${p.path}: ${p.message} [${p.code}]\n`);
      bad++;
      continue;
    }
    const { problems } = validateGraph(restored.doc);
    for (const p of problems) {
      const where = p.port ? `node ${p.nodeId}, port ${p.port}` : `node ${p.nodeId}`;
      io.err(`${file}: ${where}: ${p.message} [${p.code}]\n`);
    }
    if (problems.length > 0) bad++;
    else io.out(`${file}: ok (${restored.doc.nodes.length} nodes, ${restored.doc.edges.length} edges)\n`);
  }
  return bad === 0 ? 0 : 1;
}
