import { describe, expect, it } from 'vitest';
import { createBackend } from '../../kernels';
import { createTask } from '../../src/data/registry';
import type { TaskInstance } from '../../src/data/task';
import { translate, type TranslateOptions } from '../../src/engine/decode';
import { Executor } from '../../src/engine/executor';
import { createRng } from '../../src/engine/rng';
import { createSession, type Session } from '../../src/training';
import { example } from './helpers';

/**
 * The two ways to end an output without an end token (models.md "n→m"), on `reverse` with 6 symbols
 * and lengths 3–6, the f32 backend, seed 1, 300 steps of 32 sequences of the attention encoder–decoder
 * (GRU 32 encoder and decoder, additive attention):
 * - examples/seq2seq-stop-unit: a stop unit σ(w_sᵀ s_i + b_s) on the decoder state, BCE against 1 at
 *   the last step; decoded greedily it must stop at the right step on ≥ 95 % of 200 fresh sources,
 *   and the symbols must reach token accuracy ≥ 0.95 (teacher-forced, fresh batches);
 * - examples/seq2seq-predicted-length: a Linear(1) on the encoder's last state C, MSE against τ;
 *   its rounded prediction must be the right length on ≥ 95 % of 200 fresh sources.
 * Both must also write the whole reversed sequence exactly on ≥ 90 % of them.
 *
 * Controls: the same graphs trained with the stop targets / lengths of an unrelated sample cannot
 * tell where the output ends from what they read, so they must stop at the right step on < 50 %
 * of the sources (one length in four is right by chance, a little more by guessing the likeliest).
 */
const PARAMS = { symbols: 6, minLength: 3, maxLength: 6 };
const FRESH = 200;

/** The task with each sample's end (stop targets or length) taken from an independent draw. */
function unrelatedEnds(end: 'stop' | 'length'): TaskInstance {
  const task = createTask('reverse', { ...PARAMS, end });
  return {
    ...task,
    batch(rng, B) {
      const b = task.batch(rng, B);
      const other = task.batch(rng, B);
      return { ...b, extra: other.extra };
    },
  };
}

interface Scores {
  readonly rightLength: number;
  readonly exact: number;
  readonly accuracy: number;
  readonly seconds: number;
}

/** Trains `file` and decodes `FRESH` fresh sources greedily with `end` (the stop unit or the length). */
async function run(label: string, file: string, end: 'stop' | 'length', task?: TaskInstance): Promise<Scores> {
  const f32 = createBackend('f32').backend;
  const t0 = performance.now();
  const session: Session = createSession({
    doc: example(file),
    config: { backend: 'f32', steps: 300, taskParams: { ...PARAMS, end } },
    backend: f32,
    telemetry: { recordEvery: 0 },
    ...(task === undefined ? {} : { task }),
  });
  const result = await session.start();
  expect(result.status).toBe('finished');
  const evaluation = session.evaluate(8, 64);
  const seconds = (performance.now() - t0) / 1000;
  const exec = new Executor(session.plan, session.weights);
  const fresh = createTask('reverse', { ...PARAMS, end }).batch(createRng(2024), FRESH);
  const T = PARAMS.maxLength;
  const ends: Pick<TranslateOptions, 'stop' | 'length'> = end === 'stop' ? { stop: { value: 'stop_unit.out' } } : { length: { value: 'length_out.out' } };
  let rightLength = 0;
  let exact = 0;
  for (let b = 0; b < FRESH; b++) {
    const source = Array.from(fresh.x.subarray(b * T, b * T + fresh.lengths[b]));
    const d = translate(exec, { source: { input: 'x', values: source }, decoderInput: 'y_in', start: PARAMS.symbols, maxLength: T + 3, choice: { kind: 'greedy' }, ...ends });
    if (d.tokens.length === source.length && d.ended) rightLength++;
    if (d.tokens.join() === source.slice().reverse().join()) exact++;
  }
  const accuracy = evaluation.metrics['loss.accuracy'];
  const metrics = Object.entries(evaluation.metrics).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', ');
  console.log(`[learning] ${label}: ${result.step} steps in ${seconds.toFixed(1)} s; evaluation loss ${evaluation.loss.toFixed(4)} (${metrics}); greedy decoding of ${FRESH} fresh sources: right length ${rightLength}, exact ${exact}`);
  return { rightLength: rightLength / FRESH, exact: exact / FRESH, accuracy, seconds };
}

describe('learning: ending the output without an end token', () => {
  it('a stop unit on the decoder state stops at the right step on ≥ 95 % of fresh sources', async () => {
    const s = await run('seq2seq reverse, stop unit (f32)', 'seq2seq-stop-unit.unroll.json', 'stop');
    expect(s.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(s.rightLength).toBeGreaterThanOrEqual(0.95);
    expect(s.exact).toBeGreaterThanOrEqual(0.9);
    expect(s.seconds).toBeLessThan(60);
  }, 120_000);

  it('a length read from the context C is right (rounded) on ≥ 95 % of fresh sources', async () => {
    const s = await run('seq2seq reverse, predicted length (f32)', 'seq2seq-predicted-length.unroll.json', 'length');
    expect(s.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(s.rightLength).toBeGreaterThanOrEqual(0.95);
    expect(s.exact).toBeGreaterThanOrEqual(0.9);
    expect(s.seconds).toBeLessThan(60);
  }, 120_000);

  it('control: trained on the ends of unrelated samples, neither finds the right length on half the sources', async () => {
    const stop = await run('seq2seq reverse, stop unit, unrelated stop targets (f32)', 'seq2seq-stop-unit.unroll.json', 'stop', unrelatedEnds('stop'));
    const length = await run('seq2seq reverse, predicted length, unrelated lengths (f32)', 'seq2seq-predicted-length.unroll.json', 'length', unrelatedEnds('length'));
    expect(stop.rightLength).toBeLessThan(0.5);
    expect(length.rightLength).toBeLessThan(0.5);
  }, 240_000);
});
