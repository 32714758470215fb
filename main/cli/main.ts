/**
 * `unroll` — Unroll on the command line. Each command returns an exit status (0 ok, 1 the command
 * failed, 2 bad arguments); problems go to stderr and name what is wrong (flag, file and JSON path,
 * node and port, weight). One file per command: `train.ts`, `check.ts`, `step.ts`, `plan.ts`.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { validateGraph } from '../../src/compiler';
import { GraphDocumentSchema } from '../../src/graph/document';
import { restore } from '../../src/graph/restore';
import { SessionError } from '../../src/training';
import { UsageError } from './args';
import { BackendUnavailable } from './backends';
import { checkCommand } from './check';
import type { Io } from './io';
import { CliFailure } from './load';
import { planCommand } from './plan';
import { stepCommand } from './step';
import { trainCommand } from './train';

export type { Io } from './io';

const USAGE = `usage: unroll <command> [args]

commands:
  validate <graph.unroll.json>...   restore each file and validate its wiring; lists every problem
  train <graph.unroll.json> [flags] train headless (flags override the document's training block):
      --task adding|copy|sine|parity|charlm  --task-param KEY=VALUE (repeatable)
      --steps N  --batch B  --optimizer adam|sgd|rmsprop  --lr X  --momentum M
      --lr-schedule constant|cosine[:minLr]|step:EVERY:GAMMA
      --clip-norm V | --clip-value V | --no-clip   --tbptt k1,k2 | --no-tbptt
      --backend reference|auto|gpujs[:mode]  --seed S  --reinit  --fused
      --out trained.unroll.json  --telemetry out.jsonl  --record-every N
      --checkpoint ck.json  --checkpoint-every N  --resume ck.json  --eval-batches N  --quiet
  check <graph.unroll.json>         finite-difference check of every parameter's gradient
      --batch B  --steps T  --seed S  --max-per-param N | --all  --h STEP  --rtol TOL  --verbose
  step <graph.unroll.json> --batch batch.json --dump out.json
                                    one forward and backward pass; loss, values and gradients as JSON
                                    (with training.pascanu also Ω, its gradient and L + λΩ)
      --tbptt k1,k2  --clip-norm V | --clip-value V  --seed S  --backend NAME  --fused
  plan <graph.unroll.json>          print the execution plan   [--fused] [--loop-everything]
  conformance [FILE|DIR ...]        check the engine against the reference cases (unroll conformance --help)
  schema                            print the JSON Schema of *.unroll.json
  help                              this text

docs/cli.md describes every command; docs/batch-format.md the batch and dump files.
`;

const stdio: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s), tty: process.stdout.isTTY === true };

const COMMANDS: Readonly<Record<string, (argv: readonly string[], io: Io) => Promise<number>>> = {
  validate,
  train: trainCommand,
  check: checkCommand,
  step: stepCommand,
  plan: planCommand,
};

export async function main(argv: readonly string[], io: Io = stdio): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== undefined && Object.hasOwn(COMMANDS, command)) {
    try {
      return await COMMANDS[command](rest, io);
    } catch (e) {
      return report(e, command, io);
    }
  }
  switch (command) {
    case 'conformance': return (await import('./conformance')).conformance(rest, io);
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

/** Known failures become messages and exit codes; anything else is a bug and is rethrown. */
function report(e: unknown, command: string, io: Io): number {
  if (e instanceof UsageError) {
    io.err(`${e.message}\n(unroll help lists the commands and flags)\n`);
    return 2;
  }
  if (e instanceof CliFailure) {
    for (const line of e.lines) io.err(`${line}\n`);
    return 1;
  }
  if (e instanceof SessionError) {
    io.err(`unroll ${command}: ${e.message} [${e.code}]\n`);
    return 1;
  }
  if (e instanceof BackendUnavailable) {
    io.err(`unroll ${command}: ${e.message}\n`);
    return 1;
  }
  // Coded errors of the core (data, engine) carry an actionable message.
  const code = e instanceof Error ? (e as { code?: unknown }).code : undefined;
  if (e instanceof Error && typeof code === 'string') {
    io.err(`unroll ${command}: ${e.message} [${code}]\n`);
    return 1;
  }
  throw e;
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
