import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, type Plan } from '../../../src/compiler';
import { decodingForward, translate } from '../../../src/engine/decode';
import { Executor } from '../../../src/engine/executor';
import { runInference } from '../../../src/engine/inference';
import type { ForwardOptions } from '../../../src/engine/executor-types';
import { Rng } from '../../../src/engine/rng';
import { restore } from '../../../src/graph/restore';
import { ArgMax, ArgMaxParams } from '../../../src/nodes/arg-max';
import { Delay, DelayParams } from '../../../src/nodes/delay';
import { TeacherForcingParams, teacherRatio } from '../../../src/nodes/teacher-forcing';
import { createSession } from '../../../src/training';
import { GraphBuilder } from '../compiler/graph-builder';
import { gradcheckPlan, planOf, randomFeed, randomWeights } from './executor-fixtures';

/**
 * Scheduled sampling on a decoder's input (examples/seq2seq-scheduled-sampling): the ArgMax padded to
 * the decoder's ids, the Delay that starts at the start token's one-hot, and decoding that feeds the
 * chosen prefix through the teacher.
 */

const FILE = 'seq2seq-scheduled-sampling.unroll.json';
const START = 7;
const END = 6;
const C = 7; // output classes: 6 symbols and the end token

function templateDoc() {
  const r = restore(readFileSync(join(__dirname, '..', '..', '..', 'examples', FILE), 'utf8'));
  if (!r.ok) throw new Error(r.problems.map((p) => p.message).join('; '));
  return r.doc;
}

function templatePlan(): Plan {
  const c = compile(templateDoc());
  if (!c.ok) throw new Error(c.problems.map((p) => p.message).join('; '));
  return c.plan;
}

/** Row `(b, i)` of a batch-major `(B, T', D)` value. */
const row = (v: { data: Float64Array }, T: number, D: number, b: number, i: number): number[] => Array.from(v.data.subarray((b * T + i) * D, (b * T + i + 1) * D));
const argmax = (xs: readonly number[]): number => xs.indexOf(Math.max(...xs));
const onehot = (k: number, D: number): number[] => Array.from({ length: D }, (_, j) => (j === k ? 1 : 0));

/**
 * log p(tokens | source): −(per-step CE summed) with y_in = [start, tokens…]. By default a plain
 * forward, which the template's schedule (ratio 1 at its first step) teacher-forces: the prefix is read.
 */
function scoreOf(exec: Executor, source: readonly number[], tokens: readonly number[], options: ForwardOptions = {}): number {
  const T1 = tokens.length;
  exec.bind({
    feeds: { x: Int32Array.from(source), y_in: Int32Array.from([START, ...tokens.slice(0, -1)]), y: Int32Array.from(tokens) },
    lengths: Int32Array.of(source.length),
    T: source.length,
    target: { T: T1, lengths: Int32Array.of(T1) },
  });
  exec.forward(0, source.length, options);
  return -exec.stepLosses('loss').data.reduce((a, v) => a + v, 0);
}

describe('ArgMax with a size', () => {
  const seq = (dim: number) => ({ role: 'sequence' as const, dim, dtype: 'real' as const });

  it('pads the one-hot with zeros up to its size (class k stays k), and names a size below the scores', () => {
    expect(ArgMax.shape(ArgMaxParams.parse({}), { in: seq(7) })).toEqual({ ok: true, outputs: { out: seq(7) } });
    expect(ArgMax.shape(ArgMaxParams.parse({ size: 8 }), { in: seq(7) })).toEqual({ ok: true, outputs: { out: seq(8) } });
    const bad = ArgMax.shape(ArgMaxParams.parse({ size: 5 }), { in: seq(7) });
    expect(bad).toMatchObject({ ok: false, code: 'dim-mismatch', port: 'in' });
    expect(!bad.ok && bad.message).toMatch(/input "in" has 7 scores, more than this ArgMax's size 5; set its size to at least 7/);
    const o = { shape: [2, 3], data: Float64Array.from([0.1, 0.9, 0.2, 3, 3, -1]) };
    const y = ArgMax.kernel!.forward({ in: o }, {}, ArgMaxParams.parse({ size: 5 })).outputs.out;
    expect(y.shape).toEqual([2, 5]);
    expect(Array.from(y.data)).toEqual([...onehot(1, 5), ...onehot(0, 5)]);
    expect(() => ArgMax.kernel!.forward({ in: o }, {}, ArgMaxParams.parse({ size: 2 }))).toThrow(/has 3 scores, more than its size 2/);
  });
});

describe('Delay with a one-hot initial value', () => {
  /** x (3) → Linear → Tanh → d (Delay, size 3) → Linear (with x) → CE over 3 classes. */
  const graph = (delay: Record<string, unknown>) =>
    new GraphBuilder()
      .node('x', 'Input', { role: 'sequence', size: 3 })
      .node('y', 'Input', { role: 'sequence', size: 3, dtype: 'index' })
      .node('a', 'Linear', { inputs: 2, units: 3 })
      .node('h', 'Tanh')
      .node('d', 'Delay', { size: 3, ...delay })
      .node('o', 'Linear', { units: 3 })
      .node('loss', 'CrossEntropy')
      .edge('x.out', 'a.in0')
      .edge('d.out', 'a.in1')
      .edge('a.out', 'h.in')
      .edge('h.out', 'd.in')
      .edge('h.out', 'o.in0')
      .edge('o.out', 'loss.logits')
      .edge('y.out', 'loss.target');

  it('starts at e_k (k = initIndex, absent: the last unit), then carries its input', () => {
    for (const [params, k] of [[{ init: 'onehot', initIndex: 0 }, 0], [{ init: 'onehot' }, 2]] as const) {
      const plan = planOf(graph(params));
      const exec = new Executor(plan, randomWeights(plan));
      exec.bind(randomFeed(plan, [3, 2], 3));
      exec.forward();
      const d = exec.value('d.out'); // (B,T,3)
      const h = exec.value('h.out');
      for (let b = 0; b < 2; b++) {
        expect(row(d, 3, 3, b, 0)).toEqual(onehot(k, 3));
        expect(row(d, 3, 3, b, 1)).toEqual(row(h, 3, 3, b, 0));
      }
      expect(plan.params.some((p) => p.name === 'd.h0')).toBe(false);
    }
  });

  it('names an initIndex outside its units', () => {
    const bad = Delay.shape(DelayParams.parse({ size: 3, init: 'onehot', initIndex: 3 }), {});
    expect(bad).toMatchObject({ ok: false, code: 'dim-mismatch' });
    expect(!bad.ok && bad.message).toMatch(/initIndex 3 is not a position of this Delay's 3 units; set it to 0 … 2/);
  });

  it('keeps the graph’s gradient exact (central differences over every weight)', () => {
    const plan = planOf(graph({ init: 'onehot', initIndex: 1 }));
    const r = gradcheckPlan(plan, randomFeed(plan, [4, 2, 3], 4));
    expect(r.worst, r.where).toBeLessThan(1e-6);
  });
});

/**
 * A small decoder with scheduled sampling (the template's wiring): x ids (4) → OneHot → GRU enc (3)
 * → LastStep → dec.h0; y_in ids (4 = 3 classes + start 3) → OneHot → TeacherForcing ← Delay(onehot
 * start) ← ArgMax (size 4) ← logits (3); TeacherForcing → GRU dec (3) → Linear (3) → CE.
 */
function smallDecoder(ratio: number): GraphBuilder {
  return new GraphBuilder()
    .node('x', 'Input', { role: 'sequence', size: 4, dtype: 'index' })
    .node('y_in', 'Input', { role: 'sequence', size: 4, dtype: 'index', axis: 'target' })
    .node('y', 'Input', { role: 'sequence', size: 3, dtype: 'index', axis: 'target' })
    .node('x_oh', 'OneHot', { classes: 4 })
    .node('enc', 'GRU', { hidden: 3 })
    .node('last', 'LastStep')
    .node('y_in_oh', 'OneHot', { classes: 4 })
    .node('tf', 'TeacherForcing', { ratio })
    .node('own_token', 'ArgMax', { size: 4 })
    .node('own_prev', 'Delay', { size: 4, init: 'onehot', initIndex: 3 })
    .node('dec', 'GRU', { hidden: 3 })
    .node('out', 'Linear', { units: 3 })
    .node('loss', 'CrossEntropy')
    .edge('x.out', 'x_oh.index')
    .edge('x_oh.out', 'enc.in')
    .edge('enc.h', 'last.in')
    .edge('last.out', 'dec.h0')
    .edge('y_in.out', 'y_in_oh.index')
    .edge('y_in_oh.out', 'tf.teacher')
    .edge('own_prev.out', 'tf.own')
    .edge('tf.out', 'dec.in')
    .edge('dec.h', 'out.in0')
    .edge('out.out', 'own_token.in')
    .edge('own_token.out', 'own_prev.in')
    .edge('out.out', 'loss.logits')
    .edge('y.out', 'loss.target');
}

describe('a decoder fed by scheduled sampling', () => {
  it('has an exact gradient with the teacher (ratio 1) and with its own tokens (ratio 0): none flows through the arg-max', () => {
    for (const ratio of [1, 0]) {
      const plan = planOf(smallDecoder(ratio));
      const feed = randomFeed(plan, [3, 2], 3, 7, { lengths: [3, 2], T: 3 });
      const r = gradcheckPlan(plan, feed);
      // relative to max(|g|, 1e-6): gradients near 1e-5 carry central-difference noise of ~1e-11
      expect(r.worst, `ratio ${ratio}: ${r.where}`).toBeLessThan(2e-5);
      expect(r.checked).toBeGreaterThan(50);
    }
  });

  it('the template at inference: step 1 reads the start token, step i the arg-max of step i−1 — unless decoding says its teacher is its own', () => {
    const plan = templatePlan();
    const exec = new Executor(plan, randomWeights(plan, 5));
    const B = 3;
    const T1 = 4;
    exec.bind(randomFeed(plan, [5, 3, 4], 5, 11, { lengths: [4, 4, 4], T: T1 }));
    exec.forward(0, 5, { inference: true });
    const tf = exec.value('tf.out');
    const logits = exec.value('out.out');
    for (let b = 0; b < B; b++) {
      expect(row(tf, T1, 8, b, 0)).toEqual(onehot(START, 8));
      for (let i = 1; i < T1; i++) expect(row(tf, T1, 8, b, i)).toEqual(onehot(argmax(row(logits, T1, C, b, i - 1)), 8));
    }
    const own = decodingForward(plan, 'y_in');
    expect([...own.teacherIsOwn!]).toEqual(['tf']);
    expect(decodingForward(plan, 'x').teacherIsOwn!.size).toBe(0); // its teacher reads y_in, not the source
    exec.forward(0, 5, own);
    expect(Array.from(exec.value('tf.out').data)).toEqual(Array.from(exec.value('y_in_onehot.out').data));
  });

  it('decodes greedily along its own free-running arg-max chain', () => {
    const plan = templatePlan();
    const exec = new Executor(plan, randomWeights(plan, 6));
    const source = [2, 5, 0, 3];
    const d = translate(exec, { source: { input: 'x', values: source }, decoderInput: 'y_in', start: START, maxLength: 5, choice: { kind: 'greedy' } });
    expect(d.tokens).toHaveLength(5);
    // one forward at inference, fed nothing but the source: the arg-max chain is the greedy output
    const n = d.tokens.length;
    exec.bind({ feeds: { x: Int32Array.from(source), y_in: new Int32Array(n), y: new Int32Array(n) }, lengths: Int32Array.of(4), T: 4, target: { T: n, lengths: Int32Array.of(n) } });
    exec.forward(0, 4, { inference: true });
    const logits = exec.value('out.out');
    expect(d.tokens).toEqual(Array.from({ length: n }, (_, i) => argmax(row(logits, n, C, 0, i))));
  });

  it('beam search on the template finds the best sequence by brute force; scored with its own arg-max instead of the prefix, the same sequences score otherwise', () => {
    const plan = templatePlan();
    const exec = new Executor(plan, randomWeights(plan, 8));
    const source = [4, 1, 3];
    const own = decodingForward(plan, 'y_in');
    const common = { source: { input: 'x', values: source }, decoderInput: 'y_in', start: START, end: END, maxLength: 3 };
    const greedy = translate(exec, { ...common, choice: { kind: 'greedy' } });
    expect(greedy.logProb).toBeCloseTo(scoreOf(exec, source, greedy.tokens), 10);

    // every sequence over the 7 classes that ends with the end token within 3 tokens
    const ended: number[][] = [];
    const grow = (prefix: number[]) => {
      if (prefix.length > 0 && prefix[prefix.length - 1] === END) return void ended.push(prefix);
      if (prefix.length === 3) return;
      for (let k = 0; k < C; k++) grow([...prefix, k]);
    };
    grow([]);
    expect(ended).toHaveLength(1 + 6 + 36);
    const scored = ended.map((s) => ({ s, lp: scoreOf(exec, source, s) }));
    for (const { s, lp } of scored.slice(0, 8)) expect(scoreOf(exec, source, s, own)).toBeCloseTo(lp, 10);
    const best = scored.reduce((a, c) => (c.lp > a.lp ? c : a));
    const wide = translate(exec, { ...common, beam: C ** 3 });
    expect(wide.ended).toBe(true);
    expect(wide.tokens).toEqual(best.s);
    expect(wide.logProb).toBeCloseTo(best.lp, 10);
    expect(translate(exec, { ...common, beam: 3 }).logProb).toBeLessThanOrEqual(wide.logProb + 1e-12);
    // without the prefix on the teacher, a sequence that is not the arg-max chain gets another score
    const differ = scored.filter(({ s, lp }) => Math.abs(scoreOf(exec, source, s, { inference: true }) - lp) > 1e-6);
    expect(differ.length).toBeGreaterThan(0);
  });

  it('samples with the chosen tokens as its prefix: the reported log-probability is the sequence’s', () => {
    const plan = templatePlan();
    const exec = new Executor(plan, randomWeights(plan, 9));
    const source = [1, 1, 4, 2, 0];
    const d = translate(exec, { source: { input: 'x', values: source }, decoderInput: 'y_in', start: START, maxLength: 6, choice: { kind: 'sample', temperature: 3, rng: new Rng(4) } });
    expect(d.logProb).toBeCloseTo(scoreOf(exec, source, d.tokens), 10);
  });

  it('the inference panel shows, per sampled or beam token, the probability it had after the chosen prefix', async () => {
    const doc = templateDoc();
    const requests = [
      ...[1, 2, 3].map((sampleSeed) => ({ mode: 'translate' as const, source: 'ABCDEF', maxLength: 6, temperature: 4, sampleSeed })),
      { mode: 'translate' as const, source: 'FACE', maxLength: 6, beam: 4 },
    ];
    for (const request of requests) {
      const r = await runInference(doc, request);
      if (r.mode !== 'translate') throw new Error(r.mode);
      expect(r.tokens.reduce((a, t) => a + Math.log(t.p), 0), JSON.stringify(request)).toBeCloseTo(r.logProb, 8);
    }
  });

  it('trains with its schedule: the ratio falls from 1 to its end value, and a few steps give a finite loss', async () => {
    const doc = templateDoc();
    const tf = TeacherForcingParams.parse(doc.nodes.find((n) => n.id === 'tf')!.params);
    expect(tf.schedule.kind).toBe('linear');
    expect(teacherRatio(tf, 0)).toBe(1);
    const end = tf.schedule.kind === 'linear' ? tf.schedule : undefined;
    expect(end!.to).toBeLessThan(1);
    expect(teacherRatio(tf, end!.steps)).toBeCloseTo(end!.to, 12);
    const session = createSession({ doc, config: { steps: 3, batchSize: 4 }, telemetry: { recordEvery: 0 } });
    const result = await session.start();
    expect(result.status).toBe('finished');
    expect(Number.isFinite(session.evaluate(1, 4).loss)).toBe(true);
  });
});
