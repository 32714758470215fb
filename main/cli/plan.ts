/** `unroll plan <graph> [--fused] [--loop-everything]`: the execution plan as text (`formatPlan`). */
import { formatPlan } from '../../src/compiler';
import { parseArgs, reader, UsageError } from './args';
import type { Io } from './io';
import { compileOrFail, loadDocument } from './load';

const FLAGS = { fused: { kind: 'boolean' }, 'loop-everything': { kind: 'boolean' } } as const;

export async function planCommand(argv: readonly string[], io: Io): Promise<number> {
  const p = parseArgs('plan', argv, FLAGS);
  const r = reader(p);
  if (p.positional.length > 1) throw new UsageError(`unroll plan: give one graph file, got ${p.positional.length}`);
  const file = p.positional[0];
  const doc = await loadDocument(file, 'plan');
  const plan = compileOrFail(file, doc, { fused: r.bool('fused'), loopEverything: r.bool('loop-everything') });
  io.out(formatPlan(plan) + '\n');
  return 0;
}
