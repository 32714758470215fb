import { describe, expect, it } from 'vitest';
import { createBackend } from '../../kernels';
import { createTask } from '../../src/data/registry';
import { BabiParams, mostRecentPlaceAccuracy } from '../../src/data/tasks/babi';
import type { GraphDocument } from '../../src/graph/document';
import { createSession, type Evaluation } from '../../src/training';
import { example } from './helpers';

/**
 * The key–value memory network (examples/kv-memory-babi: bag-of-words slots → key/value Linear 32,
 * question → query Linear 32, KVMemory with 2 hops, Linear on the last read) on `babi` with its
 * defaults (4 actors, 6 places, 3 objects, 4–10 sentences, questions about actors and objects half
 * and half), on the f32 backend, seed 1, 400 steps of 64 stories. Evaluated on fresh stories, once
 * per question kind. Chance is 1/6; answering the most recently mentioned place scores about 0.48
 * (0.45 on object questions).
 *
 * 2 hops reach ≈ 0.99 on both kinds. The same graph with 1 hop learns the actor questions (≈ 0.99)
 * but stays near the heuristic on object questions (≈ 0.45, seeds 1–8: 0.44–0.51), which need a
 * second look-up (who took it, then where that actor went); 2 hops reach 0.985–0.997 over seeds 1–8.
 */
const FILE = 'kv-memory-babi.unroll.json';
const STEPS = 400;

interface Run {
  readonly overall: Evaluation;
  readonly one: Evaluation;
  readonly two: Evaluation;
  readonly seconds: number;
}

async function trainMemory(label: string, hops: number): Promise<Run> {
  const f32 = createBackend('f32').backend;
  const base = example(FILE);
  const doc: GraphDocument = { ...base, nodes: base.nodes.map((n) => (n.id === 'mem' ? { ...n, params: { ...n.params, hops } } : n)) };
  const t0 = performance.now();
  const session = createSession({ doc, config: { backend: 'f32', steps: STEPS }, telemetry: { recordEvery: 0 }, backend: f32 });
  const result = await session.start();
  expect(result.status).toBe('finished');
  const overall = session.evaluate(16, 64);
  const trained = { ...doc, ...session.document(doc) } as GraphDocument;
  const on = (questions: 'one' | 'two') =>
    createSession({ doc: trained, task: createTask('babi', { questions }), config: { backend: 'f32', steps: 1 }, telemetry: { recordEvery: 0 }, backend: f32 }).evaluate(16, 64);
  const one = on('one');
  const two = on('two');
  const seconds = (performance.now() - t0) / 1000;
  const acc = (e: Evaluation) => e.metrics['loss.accuracy'].toFixed(4);
  console.log(`[learning] ${label}: ${STEPS} steps in ${seconds.toFixed(1)} s; loss ${overall.loss.toFixed(4)} (baseline ln 6 = ${Math.log(6).toFixed(4)}); accuracy ${acc(overall)}, actor questions ${acc(one)}, object questions ${acc(two)}`);
  return { overall, one, two, seconds };
}

describe('learning: key–value memory network on story questions', () => {
  let twoHops: Run | undefined;

  it('2 hops answer ≥ 0.95 of all questions and ≥ 0.9 of object questions (chance 1/6, most recent place ≈ 0.48)', async () => {
    const recent = mostRecentPlaceAccuracy(BabiParams.parse({}));
    console.log(`[learning] most recent place heuristic: ${recent.toFixed(4)}`);
    twoHops = await trainMemory('KV memory, 2 hops (f32)', 2);
    expect(twoHops.overall.metrics['loss.accuracy']).toBeGreaterThanOrEqual(0.95);
    expect(twoHops.two.metrics['loss.accuracy']).toBeGreaterThanOrEqual(0.9);
    expect(twoHops.one.metrics['loss.accuracy']).toBeGreaterThanOrEqual(0.95);
    expect(twoHops.overall.loss).toBeLessThan(0.1 * Math.log(6));
    expect(twoHops.seconds).toBeLessThan(60);
  }, 120_000);

  it('2 hops beat 1 hop on object (two-fact) questions by ≥ 0.3 accuracy', async () => {
    const one = await trainMemory('KV memory, 1 hop (f32)', 1);
    twoHops ??= await trainMemory('KV memory, 2 hops (f32)', 2);
    expect(one.one.metrics['loss.accuracy']).toBeGreaterThanOrEqual(0.9); // actor questions need one look-up only
    expect(twoHops.two.metrics['loss.accuracy'] - one.two.metrics['loss.accuracy']).toBeGreaterThanOrEqual(0.3);
    expect(one.seconds).toBeLessThan(60);
  }, 180_000);
});
