import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../main/cli/main';
import { restore } from '../../../src/graph/restore';
import { parseCheckpoint } from '../../../src/training';

const examples = join(__dirname, '..', '..', '..', 'examples');
const gru = join(examples, 'gru-adding.unroll.json');

async function run(argv: string[], tty = false): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += s), err: (s) => (err += s), tty });
  return { code, out, err };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'unroll-train-'));
const FAST = ['--backend', 'reference', '--batch', '4', '--task-param', 'T=8', '--eval-batches', '2'];

describe('unroll train', () => {
  it('trains, prints progress lines and a summary, and writes the trained graph, telemetry and checkpoint', async () => {
    const dir = tmp();
    const out = join(dir, 'trained.unroll.json');
    const tel = join(dir, 'out.jsonl');
    const ck = join(dir, 'ck.json');
    const r = await run(['train', gru, ...FAST, '--steps', '20', '--out', out, '--telemetry', tel, '--checkpoint', ck, '--record-every', '10']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('backend reference');
    expect(r.out).toMatch(/step 20\/20 {2}loss \S+ {2}mse \S+ {2}[\d.]+ steps\/s {2}ETA/);
    expect(r.out).toMatch(/finished at step 20\/20 in/);
    expect(r.out).toMatch(/baseline: loss 0\.1667/);
    const trained = restore(readFileSync(out, 'utf8'));
    expect(trained.ok).toBe(true);
    if (trained.ok) {
      const weights: Record<string, { dtype: string }> = trained.doc.weights ?? {};
      expect(Object.keys(weights)).toContain('cell.U_z');
      expect(weights['cell.U_z'].dtype).toBe('float32');
      expect(trained.doc.training).toMatchObject({ steps: 20, batchSize: 4, taskParams: { T: 8 } });
    }
    const lines = readFileSync(tel, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; step?: number[]; records?: unknown[] });
    expect(lines[0]).toMatchObject({ type: 'status', status: 'running' });
    expect(lines.filter((l) => l.type === 'telemetry').flatMap((l) => l.step)).toHaveLength(20);
    expect(lines.filter((l) => l.type === 'telemetry').flatMap((l) => l.records)).toHaveLength(3);
    expect(parseCheckpoint(JSON.parse(readFileSync(ck, 'utf8'))).step).toBe(20);
  });

  it('resumes from a checkpoint to the same weights as an uninterrupted run', async () => {
    const dir = tmp();
    const whole = join(dir, 'whole.unroll.json');
    await run(['train', gru, ...FAST, '--steps', '12', '--out', whole, '--quiet']);
    // A periodic checkpoint at step 5 of the same 12-step run (the run is then cut short with --steps 7).
    const five = join(dir, 'five.json');
    expect((await run(['train', gru, ...FAST, '--steps', '7', '--checkpoint', five, '--checkpoint-every', '5', '--quiet'])).code).toBe(0);
    expect(parseCheckpoint(JSON.parse(readFileSync(five, 'utf8'))).step).toBe(7);
    await run(['train', gru, ...FAST, '--steps', '5', '--checkpoint', five, '--quiet']);
    const resumed = join(dir, 'resumed.unroll.json');
    const r = await run(['train', gru, '--resume', five, '--steps', '12', '--out', resumed, '--backend', 'reference', '--eval-batches', '0']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('resuming at step 5');
    const a = JSON.parse(readFileSync(whole, 'utf8')) as { weights: unknown };
    const b = JSON.parse(readFileSync(resumed, 'utf8')) as { weights: unknown };
    expect(b.weights).toEqual(a.weights);
  });

  it('draws a single updating line on a terminal', async () => {
    const r = await run(['train', gru, ...FAST, '--steps', '3'], true);
    expect(r.code).toBe(0);
    expect(r.out).toContain('\r');
    expect(r.out).toContain('\x1b[K');
  });

  it('exits 1 naming the node and step when training diverges', async () => {
    const dir = tmp();
    const relu = JSON.parse(readFileSync(join(examples, 'elman-adding.unroll.json'), 'utf8')) as { nodes: { id: string; params: Record<string, unknown> }[] };
    relu.nodes.find((n) => n.id === 'cell')!.params.activation = 'relu';
    const file = join(dir, 'relu.unroll.json');
    writeFileSync(file, JSON.stringify(relu));
    const r = await run(['train', file, ...FAST, '--steps', '300', '--optimizer', 'sgd', '--lr', '1e6', '--no-clip']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/diverged at step \d+\/300/);
    expect(r.err).toMatch(/training step \d+: (NaN|-?Infinity) in the .* \(node "\w+"\)/);
  });

  it('refuses bad arguments and files with a message naming the problem', async () => {
    const cases: [string[], number, RegExp][] = [
      [['train', gru, '--stepz', '3'], 2, /unknown flag --stepz/],
      [['train', gru, '--steps', 'ten'], 2, /--steps: expected an integer, got "ten"/],
      [['train', gru, '--steps', '0'], 2, /--steps: must be at least 1/],
      [['train', gru, '--lr'], 2, /--lr: missing value/],
      [['train', gru, '--optimizer', 'lbfgs'], 2, /--optimizer: expected one of adam, sgd, rmsprop/],
      [['train', gru, '--tbptt', '5'], 2, /--tbptt: expected k1,k2/],
      [['train', gru, '--tbptt', '5,3'], 2, /need 1 ≤ k1 ≤ k2/],
      [['train', gru, '--task-param', 'T'], 2, /--task-param: expected KEY=VALUE/],
      [['train', gru, '--clip-norm', '1', '--no-clip'], 2, /at most one of/],
      [['train', '/nonexistent/g.unroll.json'], 1, /cannot read the graph/],
      [['train', gru, '--task', 'nope', '--backend', 'reference'], 1, /unknown task "nope"/],
      [['train', gru, '--task', 'sine', '--backend', 'reference'], 1, /Input "x" has size 2, but the task "sine" gives 1/],
      [['train', gru, '--task-param', 'T=1', '--backend', 'reference'], 1, /T: .*(>=|at least|too small)/i],
      [['train', gru, '--backend', 'warp'], 1, /warp/],
      [['train', gru, '--resume', gru], 1, /not a valid Unroll checkpoint/],
      [['train'], 2, /give a graph file/],
    ];
    for (const [argv, code, message] of cases) {
      const r = await run(argv);
      expect(r.err, argv.join(' ')).toMatch(message);
      expect(r.code, argv.join(' ')).toBe(code);
    }
  });

  it('names the node and port of a graph problem', async () => {
    const dir = tmp();
    const doc = JSON.parse(readFileSync(gru, 'utf8')) as { edges: { target: { node: string; port: string } }[] };
    doc.edges = doc.edges.filter((e) => !(e.target.node === 'readout' && e.target.port === 'in0'));
    const file = join(dir, 'broken.unroll.json');
    writeFileSync(file, JSON.stringify(doc));
    const r = await run(['train', file, '--backend', 'reference']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/node readout, port in0: .*\[missing-input\]/);
  });
});
