import { describe, expect, it } from 'vitest';
import { restore } from '../../../src/graph/restore';
import { serialize } from '../../../src/graph/serialize';
import { createDocument } from '../../../src/graph/edits';
import { createSession, SessionError, type Session, type SessionEvent, type StepRow } from '../../../src/training';
import { addingDoc, perStepDoc } from './fixtures';

async function run(doc: ReturnType<typeof addingDoc>, extra: Partial<Parameters<typeof createSession>[0]> = {}) {
  const rows: StepRow[] = [];
  const events: SessionEvent[] = [];
  const session = createSession({ doc, onStep: (r) => rows.push(r), onEvent: (e) => events.push(e), ...extra });
  const result = await session.start();
  return { session, result, rows, events, losses: rows.map((r) => r.loss) };
}

const weightsOf = (s: { weights: { toDocument(d: 'float64'): Record<string, { data: string }> } }) => Object.fromEntries(Object.entries(s.weights.toDocument('float64')).map(([k, w]) => [k, w.data]));

describe('training session', () => {
  it('is deterministic from the seed: two runs give identical losses and weights; another seed does not', async () => {
    const a = await run(addingDoc('LSTM'));
    const b = await run(addingDoc('LSTM'));
    expect(a.result.status).toBe('finished');
    expect(a.result.step).toBe(20);
    expect(a.losses).toHaveLength(20);
    expect(b.losses).toEqual(a.losses);
    expect(weightsOf(b.session)).toEqual(weightsOf(a.session));
    const c = await run(addingDoc('LSTM', { seed: 8 }));
    expect(c.losses).not.toEqual(a.losses);
  });

  it('pauses after the step during which pause() was called, and resumes', async () => {
    const statuses: string[] = [];
    const seenAtPause: number[] = [];
    const session: Session = createSession({
      doc: addingDoc('GRU'),
      onStep: (r) => {
        if (r.step === 5) expect(session.pause()).toBe(true);
      },
      onEvent: (e) => {
        if (e.type !== 'status') return;
        statuses.push(e.status);
        if (e.status === 'paused') {
          seenAtPause.push(session.step);
          expect(session.pause()).toBe(false); // already pausing
          setTimeout(() => expect(session.resume()).toBe(true), 5);
        }
      },
    });
    const result = await session.start();
    expect(seenAtPause).toEqual([5]);
    expect(statuses).toEqual(['running', 'paused', 'running', 'finished']);
    expect(result.step).toBe(20);
    expect(session.resume()).toBe(false);
  });

  it('stops within one step, also while paused, and refuses a second start', async () => {
    const session: Session = createSession({ doc: addingDoc('RNN'), onStep: (r) => r.step === 3 && session.stop() });
    const r = await session.start();
    expect(r.status).toBe('stopped');
    expect(r.step).toBe(3);
    expect(session.stop()).toBe(false);
    await expect(session.start()).rejects.toMatchObject({ code: 'session-state' });

    const paused: Session = createSession({
      doc: addingDoc('RNN'),
      onStep: (row) => row.step === 2 && paused.pause(),
      onEvent: (e) => e.type === 'status' && e.status === 'paused' && setTimeout(() => paused.stop(), 1),
    });
    const p = await paused.start();
    expect(p).toMatchObject({ status: 'stopped', step: 2 });
  });

  for (const [name, training] of [
    ['full BPTT, Adam', {}],
    ['truncated BPTT (3, 5), SGD with momentum, cosine schedule, clipping', { tbptt: { k1: 3, k2: 5 }, optimizer: { kind: 'sgd' as const, lr: 0.05, momentum: 0.9 }, lrSchedule: { kind: 'cosine' as const, minLr: 0 }, clip: { kind: 'norm' as const, max: 0.5 } }],
  ] as const) {
    it(`resuming from a checkpoint reproduces the uninterrupted run bit for bit (${name})`, async () => {
      const doc = addingDoc('LSTM', training);
      const whole = await run(doc);
      let checkpoint: unknown;
      const first: Session = createSession({ doc, onStep: (r) => r.step === 9 && first.pause(), onEvent: (e) => {
        if (e.type === 'status' && e.status === 'paused') {
          checkpoint = JSON.parse(JSON.stringify(first.checkpoint()));
          first.stop();
        }
      } });
      expect((await first.start()).step).toBe(9);
      const resumed = await run(doc, { checkpoint });
      expect(resumed.rows[0].step).toBe(10);
      expect(resumed.losses).toEqual(whole.losses.slice(9));
      expect(resumed.result.updates).toBe(whole.result.updates);
      expect(weightsOf(resumed.session)).toEqual(weightsOf(whole.session));
    });
  }

  it('refuses a checkpoint of another graph and a malformed one', () => {
    const ck = createSession({ doc: addingDoc('GRU') }).checkpoint();
    expect(() => createSession({ doc: addingDoc('LSTM'), checkpoint: ck })).toThrow(/another graph/);
    expect(() => createSession({ doc: addingDoc('GRU'), checkpoint: { ...ck, step: -1 } })).toThrow(expect.objectContaining({ code: 'session-bad-checkpoint' }));
  });

  it('reports the pre-clip global norm every step and whether clipping fired', async () => {
    const tight = await run(addingDoc('GRU', { clip: { kind: 'norm', max: 1e-4 } }));
    expect(tight.rows.every((r) => r.clipped === 1 && r.gradNorm > 1e-4)).toBe(true);
    expect(tight.result.clippedSteps).toBe(20);
    const none = await run(addingDoc('GRU'));
    expect(none.rows.every((r) => r.clipped === 0 && r.gradNorm > 0)).toBe(true);
    // The same first step: the norm is measured before clipping.
    expect(tight.rows[0].gradNorm).toBe(none.rows[0].gradNorm);
    const byValue = await run(addingDoc('GRU', { clip: { kind: 'value', max: 1e-6 } }));
    expect(byValue.rows[0].clipped).toBe(1);
    expect(byValue.rows[0].paramNorms.length).toBe(byValue.session.plan.params.length);
  });

  it('trains with truncated BPTT: one update per chunk, state carried, loss per step over the whole sequence', async () => {
    const r = await run(addingDoc('GRU', { tbptt: { k1: 3, k2: 3 }, steps: 6 }));
    expect(r.result.updates).toBe(6 * 3); // T = 8 → chunks [0,3) [3,6) [6,8)
    expect(r.losses.every(Number.isFinite)).toBe(true);
    const full = await run(addingDoc('GRU', { steps: 6 }));
    expect(full.result.updates).toBe(6);
    expect(r.losses[0]).toBeCloseTo(full.losses[0], 12); // same batch and weights before the first update
    expect(r.losses[1]).not.toBe(full.losses[1]);
  });

  it('follows the learning-rate schedule (cosine from lr down to minLr)', async () => {
    const r = await run(addingDoc('RNN', { lrSchedule: { kind: 'cosine', minLr: 0.001 }, steps: 10 }));
    const lrs = r.rows.map((x) => x.lr);
    expect(lrs[0]).toBeCloseTo(0.01, 15);
    for (let i = 1; i < lrs.length; i++) expect(lrs[i]).toBeLessThan(lrs[i - 1]);
    expect(lrs[9]).toBeGreaterThan(0.001);
  });

  it('writes its weights into the document as float32, named <nodeId>.<param>', async () => {
    const { session } = await run(addingDoc('LSTM', { steps: 2 }));
    const base = createDocument('trained');
    const doc = session.document({ ...base, ...addingDoc('LSTM', { steps: 2 }) });
    expect(Object.keys(doc.weights).sort()).toEqual(session.plan.params.map((p) => p.name).sort());
    expect(doc.weights['cell.U_f']).toMatchObject({ dtype: 'float32', shape: [4, 2] });
    const s = serialize(doc);
    expect(s.ok).toBe(true);
    const back = restore(s.ok ? s.text : '');
    expect(back.ok).toBe(true);
    // A session started from that document starts from those weights.
    if (!back.ok) return;
    const again = createSession({ doc: back.doc });
    expect(Array.from(again.weights.get('cell.W_o'))).toEqual(Array.from(Float32Array.from(session.weights.get('cell.W_o'))));
  });

  it('evaluates on fixed batches without touching the training stream', async () => {
    const s = createSession({ doc: addingDoc('GRU') });
    const e1 = s.evaluate(2, 8);
    const e2 = s.evaluate(2, 8);
    expect(e1).toEqual(e2);
    expect(e1.metrics['loss.mse']).toBeCloseTo(e1.loss, 12);
    const a = await run(addingDoc('GRU'));
    const res = await s.start();
    expect(res.lastLoss).toBe(a.result.lastLoss);
  });

  it('refuses bad setups with coded errors naming the problem', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(SessionError);
        return `${(e as SessionError).code}: ${(e as Error).message}`;
      }
      return 'no error';
    };
    const { training: _t, ...untrained } = addingDoc('GRU');
    expect(code(() => createSession({ doc: untrained }))).toMatch(/session-bad-config: .*training\.optimizer is missing/);
    expect(code(() => createSession({ doc: addingDoc('GRU', { task: 'nope' }) }))).toMatch(/session-no-data: .*unknown task "nope"/);
    expect(code(() => createSession({ doc: addingDoc('GRU', { task: 'sine' }) }))).toMatch(/session-data-mismatch: Input "x" has size 2, but the task "sine" gives 1 features/);
    expect(code(() => createSession({ doc: addingDoc('GRU', { task: 'copy', taskParams: {} }) }))).toMatch(/session-data-mismatch: Input "x" takes real values/);
    expect(code(() => createSession({ doc: perStepDoc() }))).toMatch(/session-no-data/);
    const noLoss = { ...addingDoc('GRU'), nodes: addingDoc('GRU').nodes.filter((n) => n.id !== 'loss'), edges: addingDoc('GRU').edges.filter((e) => e.target.node !== 'loss') };
    expect(code(() => createSession({ doc: noLoss }))).toMatch(/session-no-loss/);
    const broken = { ...addingDoc('GRU'), edges: addingDoc('GRU').edges.filter((e) => e.target.port !== 'in0') };
    expect(code(() => createSession({ doc: broken }))).toMatch(/session-compile: .*node out/);
  });
});
