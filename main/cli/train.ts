/**
 * `unroll train <graph.unroll.json> [flags]`: trains the graph headless. The document's `training`
 * block gives the defaults; flags override them. Progress goes to stdout (one updating line on a
 * terminal, plain lines otherwise), then a summary. Ctrl-C stops after the current step and still
 * writes `--out` and `--checkpoint`. Exit status: 0 finished or stopped, 1 diverged or failed,
 * 2 bad arguments.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Plan } from '../../src/compiler';
import type { GraphDocument, TrainingConfig } from '../../src/graph/document';
import { serialize } from '../../src/graph/serialize';
import { createSession, parseCheckpoint, telemetryToJson, type Checkpoint, type ConfigOverrides, type SessionEvent } from '../../src/training';
import { parseArgs, parseTaskParams, parseTbptt, reader, UsageError } from './args';
import { resolveBackend, type ResolvedBackend } from './backends';
import { duration, fmt, type Io } from './io';
import { CliFailure, compileOrFail, loadDocument, readJson, writeText } from './load';
import { Progress } from './progress';

const FLAGS = {
  task: { kind: 'string', value: 'name' },
  'task-param': { kind: 'list', value: 'KEY=VALUE' },
  steps: { kind: 'int', value: 'N', min: 1 },
  batch: { kind: 'int', value: 'B', min: 1 },
  lr: { kind: 'number', value: 'X', min: 0, exclusive: true },
  optimizer: { kind: 'string', value: 'kind', choices: ['adam', 'sgd', 'rmsprop'] },
  momentum: { kind: 'number', value: 'μ', min: 0 },
  'lr-schedule': { kind: 'string', value: 'constant|cosine[:minLr]|step:EVERY:GAMMA' },
  'clip-norm': { kind: 'number', value: 'V', min: 0, exclusive: true },
  'clip-value': { kind: 'number', value: 'V', min: 0, exclusive: true },
  'no-clip': { kind: 'boolean' },
  tbptt: { kind: 'string', value: 'k1,k2' },
  'no-tbptt': { kind: 'boolean' },
  backend: { kind: 'string', value: 'name' },
  seed: { kind: 'int', value: 'S', min: 0 },
  out: { kind: 'string', value: 'trained.unroll.json' },
  telemetry: { kind: 'string', value: 'out.jsonl' },
  checkpoint: { kind: 'string', value: 'ck.json' },
  'checkpoint-every': { kind: 'int', value: 'N', min: 1 },
  resume: { kind: 'string', value: 'ck.json' },
  reinit: { kind: 'boolean' },
  fused: { kind: 'boolean' },
  'record-every': { kind: 'int', value: 'N', min: 0 },
  'eval-batches': { kind: 'int', value: 'N', min: 0 },
  quiet: { kind: 'boolean' },
} as const;

const DEFAULT_LR = { adam: 1e-3, rmsprop: 1e-3, sgd: 0.1 } as const;

function parseSchedule(raw: string): NonNullable<TrainingConfig['lrSchedule']> {
  const [kind, ...rest] = raw.split(':');
  const nums = rest.map(Number);
  if (kind === 'constant' && rest.length === 0) return { kind: 'constant' };
  if (kind === 'cosine' && rest.length <= 1 && nums.every((n) => n >= 0)) return { kind: 'cosine', minLr: nums[0] ?? 0 };
  if (kind === 'step' && rest.length === 2 && Number.isInteger(nums[0]) && nums[0] >= 1 && nums[1] > 0) return { kind: 'step', every: nums[0], gamma: nums[1] };
  throw new UsageError(`--lr-schedule: expected constant, cosine[:minLr] or step:EVERY:GAMMA (e.g. step:500:0.5), got ${JSON.stringify(raw)}`);
}

/** The config changes the flags ask for, on top of `base` (the document's or the checkpoint's config). */
function overridesFrom(r: ReturnType<typeof reader>, base: Partial<TrainingConfig> | undefined): ConfigOverrides {
  const o: { -readonly [K in keyof ConfigOverrides]: ConfigOverrides[K] } = {};
  const task = r.str('task');
  const params = parseTaskParams(r.list('task-param'));
  if (task !== undefined) {
    o.task = task;
    o.taskParams = task === base?.task ? { ...base.taskParams, ...params } : params;
  } else if (Object.keys(params).length > 0) o.taskParams = { ...base?.taskParams, ...params };
  if (r.num('steps') !== undefined) o.steps = r.num('steps');
  if (r.num('batch') !== undefined) o.batchSize = r.num('batch');
  if (r.num('seed') !== undefined) o.seed = r.num('seed');
  const kind = r.str('optimizer') as keyof typeof DEFAULT_LR | undefined;
  const lr = r.num('lr');
  const momentum = r.num('momentum');
  if (kind !== undefined || lr !== undefined || momentum !== undefined) {
    const prev = base?.optimizer;
    const k = kind ?? prev?.kind ?? 'adam';
    if (momentum !== undefined && k !== 'sgd') throw new UsageError(`--momentum applies to sgd only (the optimiser is ${k})`);
    const keep = prev !== undefined && prev.kind === k ? prev : undefined;
    o.optimizer = { ...(keep ?? {}), kind: k, lr: lr ?? keep?.lr ?? DEFAULT_LR[k], ...(momentum !== undefined ? { momentum } : {}) } as TrainingConfig['optimizer'];
  }
  const clips = [r.num('clip-norm') !== undefined, r.num('clip-value') !== undefined, r.bool('no-clip')].filter(Boolean).length;
  if (clips > 1) throw new UsageError('give at most one of --clip-norm, --clip-value and --no-clip');
  if (r.num('clip-norm') !== undefined) o.clip = { kind: 'norm', max: r.num('clip-norm')! };
  if (r.num('clip-value') !== undefined) o.clip = { kind: 'value', max: r.num('clip-value')! };
  if (r.bool('no-clip')) o.clip = null;
  if (r.str('tbptt') !== undefined && r.bool('no-tbptt')) throw new UsageError('give --tbptt or --no-tbptt, not both');
  if (r.str('tbptt') !== undefined) o.tbptt = parseTbptt(r.str('tbptt')!);
  if (r.bool('no-tbptt')) o.tbptt = null;
  if (r.str('lr-schedule') !== undefined) o.lrSchedule = parseSchedule(r.str('lr-schedule')!);
  if (r.str('backend') !== undefined) o.backend = r.str('backend');
  return o;
}

export async function trainCommand(argv: readonly string[], io: Io): Promise<number> {
  const p = parseArgs('train', argv, FLAGS);
  const r = reader(p);
  if (p.positional.length > 1) throw new UsageError(`unroll train: give one graph file, got ${p.positional.length}: ${p.positional.join(' ')}`);
  const file = p.positional[0];
  const doc = await loadDocument(file, 'train');
  const plan = compileOrFail(file, doc, { fused: r.bool('fused') });
  const resumeFile = r.str('resume');
  const ck: Checkpoint | undefined = resumeFile === undefined ? undefined : parseCheckpoint(await readJson(resumeFile, 'checkpoint'));
  const base = ck?.config ?? doc.training;
  const overrides = overridesFrom(r, base);
  const backendName = overrides.backend ?? base?.backend ?? 'auto';
  const resolved = await resolveBackend(backendName);
  try {
    return await train(file, doc, plan, r, ck, overrides, backendName, resolved, io);
  } finally {
    resolved.destroy();
  }
}

async function train(
  file: string,
  doc: GraphDocument,
  plan: Plan,
  r: ReturnType<typeof reader>,
  ck: Checkpoint | undefined,
  overrides: ConfigOverrides,
  backendName: string,
  resolved: ResolvedBackend,
  io: Io,
): Promise<number> {

  let stream: WriteStream | undefined;
  const telemetryFile = r.str('telemetry');
  if (telemetryFile !== undefined) {
    stream = createWriteStream(telemetryFile, { encoding: 'utf8' });
    await new Promise<void>((res, rej) => {
      stream!.once('open', () => res());
      stream!.once('error', (e) => rej(new CliFailure([`${telemetryFile}: cannot write the telemetry: ${e.message}`])));
    });
  }
  const quiet = r.bool('quiet');
  let progress: Progress | undefined;
  const onEvent = (e: SessionEvent) => {
    if (e.type === 'telemetry') progress?.update(e.batch);
    if (stream) stream.write(JSON.stringify(e.type === 'telemetry' ? { type: 'telemetry', ...telemetryToJson(e.batch) } : e) + '\n');
  };
  const checkpointFile = r.str('checkpoint');
  const every = r.num('checkpoint-every');
  let writes: Promise<void> = Promise.resolve();
  const session = createSession({
    doc,
    config: { ...overrides, backend: backendName },
    backend: resolved.backend,
    checkpoint: ck,
    init: r.bool('reinit') ? 'seed' : 'auto',
    fused: r.bool('fused'),
    telemetry: { recordEvery: r.num('record-every') ?? 25 },
    onEvent,
    onStep: (row) => {
      if (checkpointFile !== undefined && every !== undefined && row.step % every === 0) {
        const text = JSON.stringify(session.checkpoint()) + '\n';
        writes = writes.then(() => writeText(checkpointFile, text, 'checkpoint'));
      }
    },
  });
  const cfg = session.config;
  const task = session.task;
  if (!quiet) {
    io.out(`${file}: training on ${task ? `${task.title} (${cfg.task}${cfg.taskParams ? ` ${Object.entries(cfg.taskParams).map(([k, v]) => `${k}=${v}`).join(' ')}` : ''})` : 'the given data'}\n`);
    io.out(`  ${resolved.note}\n`);
    io.out(
      `  ${cfg.optimizer.kind} lr ${cfg.optimizer.lr}${cfg.lrSchedule && cfg.lrSchedule.kind !== 'constant' ? ` (${cfg.lrSchedule.kind} schedule)` : ''}; batch ${cfg.batchSize}; seed ${cfg.seed}` +
        `${cfg.clip ? `; clip ${cfg.clip.kind} ${cfg.clip.max}` : ''}${cfg.tbptt ? `; truncated BPTT k1=${cfg.tbptt.k1} k2=${cfg.tbptt.k2}` : ''}` +
        `${cfg.pascanu ? `; Pascanu regulariser λ ${cfg.pascanu.lambda} on ${cfg.pascanu.nodes.join(', ')}` : ''}` +
        `${ck ? `; resuming at step ${ck.step}` : ''}\n`,
    );
    progress = new Progress(io, cfg.steps, session.step);
  }
  const onSigint = () => {
    if (session.stop()) io.err('\nstopping after this step (Ctrl-C again to quit at once)\n');
    else process.exit(130);
  };
  process.on('SIGINT', onSigint);
  let result;
  try {
    result = await session.start();
  } finally {
    process.off('SIGINT', onSigint);
    progress?.done();
  }
  await writes;
  if (stream) await new Promise<void>((res) => stream!.end(res));

  const rate = result.elapsedMs > 0 ? ((result.step - (ck?.step ?? 0)) * 1000) / result.elapsedMs : 0;
  io.out(`${result.status} at step ${result.step}/${cfg.steps} in ${duration(result.elapsedMs / 1000)} (${rate.toFixed(1)} steps/s, ${session.backend.name})\n`);
  if (result.divergence) io.err(`${file}: ${result.divergence.message}\n`);
  if (result.clippedSteps > 0) io.out(`gradient clipped in ${result.clippedSteps} of the steps run\n`);
  const evalBatches = r.num('eval-batches') ?? 8;
  if (evalBatches > 0 && result.step > 0) {
    const ev = session.evaluate(evalBatches);
    const metrics = Object.entries(ev.metrics).map(([k, v]) => `${k} ${fmt(v)}`).join(', ');
    io.out(`final: loss ${fmt(result.lastLoss)} (last step); on ${evalBatches} evaluation batches: loss ${fmt(ev.loss)}${metrics ? `, ${metrics}` : ''}\n`);
    if (task) {
      const reduction = plan.losses[0]?.reduction ?? 'sumTimeMeanBatch';
      io.out(`baseline: loss ${fmt(task.baseline[reduction])} (${task.baseline.description})\n`);
    }
  }
  const outFile = r.str('out');
  if (outFile !== undefined) {
    const s = serialize(session.document(doc));
    if (!s.ok) throw new CliFailure(s.problems.map((q) => `${outFile}: ${q.path}: ${q.message} [${q.code}]`));
    await writeText(outFile, s.text, 'trained graph');
    io.out(`wrote ${outFile}\n`);
  }
  if (checkpointFile !== undefined) {
    await writeText(checkpointFile, JSON.stringify(session.checkpoint()) + '\n', 'checkpoint');
    io.out(`wrote ${checkpointFile} (step ${session.step})\n`);
  }
  return result.status === 'diverged' ? 1 : 0;
}
