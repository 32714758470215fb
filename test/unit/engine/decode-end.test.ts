import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/compiler';
import { DecodeError, translate, type Decoded } from '../../../src/engine/decode';
import { Executor } from '../../../src/engine/executor';
import { graphInference, runInference } from '../../../src/engine/inference';
import { createRng } from '../../../src/engine/rng';
import { WeightStore } from '../../../src/engine/weights';
import type { GraphDocument } from '../../../src/graph/document';
import { restore } from '../../../src/graph/restore';
import { GraphBuilder } from '../compiler/graph-builder';
import { planOf, randomWeights } from './executor-fixtures';

/**
 * The two ways to end an output besides an end token (models.md "n→m"): a stop unit σ(w_sᵀ s_i + b_s)
 * (stop after the step where it exceeds a threshold) and a length predicted from the source.
 */

/**
 * Source ids (4) → GRU → LastStep → decoder GRU h0; the decoder reads OneHot(y_in) (4 ids: 3 output
 * classes and the start token 3). `out` (3 classes) and `stop_unit` (1) read [OneHot(y_in); s_i]
 * (W0 on the previous token, W1 on the state); `length_out` (1) reads the encoder's last state.
 */
function endGraph(): GraphBuilder {
  return new GraphBuilder()
    .node('x', 'Input', { role: 'sequence', size: 4, dtype: 'index' })
    .node('y_in', 'Input', { role: 'sequence', size: 4, dtype: 'index', axis: 'target' })
    .node('y', 'Input', { role: 'sequence', size: 3, dtype: 'index', axis: 'target' })
    .node('stop', 'Input', { role: 'sequence', size: 1, dtype: 'real', axis: 'target' })
    .node('length', 'Input', { role: 'vector', size: 1, dtype: 'real' })
    .node('src_oh', 'OneHot', { classes: 4 })
    .node('enc', 'GRU', { hidden: 4 })
    .node('last', 'LastStep')
    .node('tgt_oh', 'OneHot', { classes: 4 })
    .node('dec', 'GRU', { hidden: 4 })
    .node('out', 'Linear', { units: 3, inputs: 2 })
    .node('stop_unit', 'Linear', { units: 1, inputs: 2 })
    .node('length_out', 'Linear', { units: 1 })
    .node('loss', 'CrossEntropy')
    .node('stop_loss', 'BCE')
    .node('length_loss', 'MSE')
    .edge('x.out', 'src_oh.index')
    .edge('src_oh.out', 'enc.in')
    .edge('enc.h', 'last.in')
    .edge('last.out', 'dec.h0')
    .edge('y_in.out', 'tgt_oh.index')
    .edge('tgt_oh.out', 'dec.in')
    .edge('tgt_oh.out', 'out.in0')
    .edge('dec.h', 'out.in1')
    .edge('tgt_oh.out', 'stop_unit.in0')
    .edge('dec.h', 'stop_unit.in1')
    .edge('last.out', 'length_out.in0')
    .edge('out.out', 'loss.logits')
    .edge('y.out', 'loss.target')
    .edge('stop_unit.out', 'stop_loss.logits')
    .edge('stop.out', 'stop_loss.target')
    .edge('length_out.out', 'length_loss.prediction')
    .edge('length.out', 'length_loss.target');
}

const START = 3;
const SOURCE = [2, 0, 1, 3];
const common = { source: { input: 'x', values: SOURCE }, decoderInput: 'y_in', start: START, maxLength: 6 } as const;

/** Sets `name` (a live array of the store) to `values`. */
function set(store: WeightStore, name: string, values: readonly number[]): void {
  const w = store.get(name);
  expect(w.length).toBe(values.length);
  w.set(values);
}

/**
 * Constructed weights: the next token is (previous + 1) mod 3 (start → 0), and the stop logit is
 * `stopOn[prev]`, both from the previous token alone (the state's weights are zero).
 */
function constructed(stopOn: readonly number[]): Executor {
  const plan = planOf(endGraph());
  const store = randomWeights(plan, 5);
  // out.W0: (3, 4) — row k scores class k given one-hot(prev)
  const W0 = new Array<number>(12).fill(0);
  for (const [prev, next] of [[0, 1], [1, 2], [2, 0], [3, 0]]) W0[next * 4 + prev] = 10;
  set(store, 'out.W0', W0);
  set(store, 'out.W1', new Array<number>(12).fill(0));
  set(store, 'out.b', [0, 0, 0]);
  set(store, 'stop_unit.W0', stopOn);
  set(store, 'stop_unit.W1', [0, 0, 0, 0]);
  set(store, 'stop_unit.b', [0]);
  return new Executor(plan, store);
}

/** σ(logit) of the stop unit at every step of a teacher-forced forward on `tokens`. */
function stopProbs(exec: Executor, tokens: readonly number[]): number[] {
  const T1 = tokens.length;
  exec.bind({
    feeds: {
      x: Int32Array.from(SOURCE),
      y_in: Int32Array.from([START, ...tokens.slice(0, -1)]),
      y: Int32Array.from(tokens),
      stop: new Float64Array(T1),
      length: new Float64Array(1),
    },
    lengths: Int32Array.of(SOURCE.length),
    T: SOURCE.length,
    target: { T: T1, lengths: Int32Array.of(T1) },
  });
  exec.forward();
  return Array.from(exec.value('stop_unit.out').data, (z) => 1 / (1 + Math.exp(-z)));
}

/** log p(tokens | source) by one teacher-forced forward. */
function scoreOf(exec: Executor, tokens: readonly number[]): number {
  stopProbs(exec, tokens);
  return -exec.stepLosses('loss').data.reduce((a, v) => a + v, 0);
}

describe('translate: a stop unit ends the output', () => {
  it('stops after the first step whose σ(logit) > 0.5, that step’s token included', () => {
    // tokens 0, 1, 2, 0, …; the stop fires at the step whose previous token is 2 (step 4)
    const exec = constructed([-8, -8, 8, -8]);
    const d = translate(exec, { ...common, stop: { value: 'stop_unit.out' }, choice: { kind: 'greedy' } });
    expect(d.tokens).toEqual([0, 1, 2, 0]);
    expect(d).toMatchObject({ ended: true, by: 'stop' });
    expect(d.stopP!.map((p) => p > 0.5)).toEqual([false, false, false, true]);
    expect(d.stopP![3]).toBeCloseTo(1 / (1 + Math.exp(-8)), 12);
    expect(d.logProb).toBeCloseTo(scoreOf(exec, d.tokens), 10);
    // beam search respects it too: every continuation of a beam whose stop fires ends there
    expect(translate(exec, { ...common, stop: { value: 'stop_unit.out' }, beam: 3 })).toMatchObject({ tokens: [0, 1, 2, 0], by: 'stop' });
  });

  it('without the stop unit, or with a threshold above its σ, runs to the length limit', () => {
    const exec = constructed([-8, -8, 8, -8]);
    const plain = translate(exec, { ...common, choice: { kind: 'greedy' } });
    expect(plain).toMatchObject({ tokens: [0, 1, 2, 0, 1, 2], ended: false, by: 'limit' });
    const strict = translate(exec, { ...common, stop: { value: 'stop_unit.out', threshold: 0.99999 }, choice: { kind: 'greedy' } });
    expect(strict).toMatchObject({ tokens: [0, 1, 2, 0, 1, 2], ended: false, by: 'limit' });
    expect(strict.stopP).toHaveLength(6);
    // a stop that fires at the first step (previous token: the start) gives one token
    expect(translate(constructed([-8, -8, -8, 8]), { ...common, stop: { value: 'stop_unit.out' }, choice: { kind: 'greedy' } }).tokens).toEqual([0]);
  });

  it('beam search with a stop unit finds the likeliest sequence among those that stop, as an exhaustive search does', () => {
    const plan = planOf(endGraph());
    const store = randomWeights(plan, 11);
    set(store, 'stop_unit.W0', [-6, 6, -6, -6]); // stop at the step after the first token 1 (beside a random state term)
    const exec = new Executor(plan, store);
    const opts = { ...common, maxLength: 3, stop: { value: 'stop_unit.out' } };
    // every sequence over {0,1,2} of 1–3 tokens; it "stops" when σ > 0.5 at its last step and never before
    const stopped: { s: number[]; lp: number }[] = [];
    const grow = (prefix: number[]) => {
      if (prefix.length === 3) return;
      for (let k = 0; k < 3; k++) {
        const s = [...prefix, k];
        const p = stopProbs(exec, s);
        if (p.slice(0, -1).some((q) => q > 0.5)) continue;
        if (p[p.length - 1] > 0.5) stopped.push({ s, lp: scoreOf(exec, s) });
        else grow(s);
      }
    };
    grow([]);
    expect(stopped.length).toBeGreaterThan(1);
    const best = stopped.reduce((a, c) => (c.lp > a.lp ? c : a));
    const wide = translate(exec, { ...opts, beam: 27 });
    expect(wide).toMatchObject({ ended: true, by: 'stop', tokens: best.s });
    expect(wide.logProb).toBeCloseTo(best.lp, 10);
    const greedy = translate(exec, { ...opts, choice: { kind: 'greedy' } });
    expect(greedy.logProb).toBeCloseTo(scoreOf(exec, greedy.tokens), 10);
    if (greedy.by === 'stop') expect(greedy.logProb).toBeLessThanOrEqual(wide.logProb + 1e-12);
  });
});

describe('translate: a predicted length ends the output', () => {
  /** The length head answers `v` whatever the source (W = 0, b = v). */
  function lengthOf(v: number): Executor {
    const plan = planOf(endGraph());
    const store = randomWeights(plan, 5);
    set(store, 'length_out.W0', [0, 0, 0, 0]);
    set(store, 'length_out.b', [v]);
    return new Executor(plan, store);
  }
  const decode = (v: number, more: { scale?: number; maxLength?: number; end?: number } = {}): Decoded =>
    translate(lengthOf(v), { ...common, ...(more.maxLength === undefined ? {} : { maxLength: more.maxLength }), ...(more.end === undefined ? {} : { end: more.end }), length: { value: 'length_out.out', ...(more.scale === undefined ? {} : { scale: more.scale }) }, choice: { kind: 'greedy' } });

  it.each([
    [2.4, {}, 2, 'length'],
    [2.6, {}, 3, 'length'],
    [0.2, {}, 1, 'length'],
    [-3, {}, 1, 'length'],
    [1.6, { scale: 2 }, 3, 'length'],
    [5.4, { maxLength: 5 }, 5, 'length'],
    [9, { maxLength: 5 }, 5, 'limit'],
  ] as const)('a prediction of %d (%o) decodes %d tokens, ended by %s', (v, more, n, by) => {
    const d = decode(v, more);
    expect(d.tokens).toHaveLength(n);
    expect(d.by).toBe(by);
    expect(d.ended).toBe(by !== 'limit');
    expect(d.predictedLength).toBeCloseTo(v * ((more as { scale?: number }).scale ?? 1), 12);
  });

  it('decodes exactly that many tokens even past an end token, greedily and by beam search', () => {
    // the random head emits some token early; as an "end" it is not consulted when the length decides
    const d = decode(4);
    const withEnd = decode(4, { end: d.tokens[0] });
    expect(withEnd.tokens).toEqual(d.tokens);
    expect(withEnd.by).toBe('length');
    const beam = translate(lengthOf(4), { ...common, length: { value: 'length_out.out' }, beam: 3 });
    expect(beam.tokens).toHaveLength(4);
    expect(beam.by).toBe('length');
    expect(beam.logProb).toBeGreaterThanOrEqual(d.logProb - 1e-12);
  });
});

describe('translate: stop and length options are checked', () => {
  const exec = constructed([-8, -8, 8, -8]);
  it('names the fault', () => {
    const greedy = { kind: 'greedy' } as const;
    const fail = (o: object): DecodeError => {
      try {
        translate(exec, { ...common, choice: greedy, ...o });
      } catch (e) {
        if (e instanceof DecodeError) return e;
        throw e;
      }
      throw new Error('expected a DecodeError');
    };
    expect(fail({ stop: { value: 'stop_unit.out' }, length: { value: 'length_out.out' } })).toMatchObject({ code: 'decode-bad-options', message: expect.stringMatching(/not both/) });
    expect(fail({ stop: { value: 'stop_unit.out', threshold: 1 } })).toMatchObject({ code: 'decode-bad-options', message: expect.stringMatching(/threshold must lie in \(0, 1\), got 1/) });
    expect(fail({ stop: { value: 'nope.out' } })).toMatchObject({ code: 'decode-bad-graph', message: expect.stringMatching(/no value "nope.out"/) });
    expect(fail({ stop: { value: 'out.out' } })).toMatchObject({ code: 'decode-bad-graph', message: expect.stringMatching(/has 3 units; it needs one/) });
    expect(fail({ stop: { value: 'length_out.out' } })).toMatchObject({ code: 'decode-bad-graph', message: expect.stringMatching(/one logit per target \(decoder\) step/) });
    expect(fail({ length: { value: 'stop_unit.out' } })).toMatchObject({ code: 'decode-bad-graph', message: expect.stringMatching(/one value per sequence/) });
    expect(fail({ length: { value: 'length_out.out', scale: 0 } })).toMatchObject({ code: 'decode-bad-options', message: expect.stringMatching(/scale must be a finite number > 0/) });
  });
});

describe('the inference panel picks the end from the graph', () => {
  function template(file: string): GraphDocument {
    const r = restore(readFileSync(join(__dirname, '..', '..', '..', 'examples', file), 'utf8'));
    if (!r.ok) throw new Error(r.problems.map((p) => p.message).join('; '));
    return r.doc;
  }
  /** The template with its initial weights, `edit` applied to them. */
  function withWeights(doc: GraphDocument, edit: (store: WeightStore) => void): GraphDocument {
    const c = compile(doc);
    if (!c.ok) throw new Error('does not compile');
    const store = WeightStore.initialise(c.plan, createRng(doc.training?.seed ?? 1));
    edit(store);
    return { ...doc, weights: store.toDocument() };
  }

  it('a BCE loss on a one-unit target-axis value is a stop unit; an MSE loss on a one-unit vector is a length', () => {
    const stop = graphInference(template('seq2seq-stop-unit.unroll.json'));
    expect(stop.ok && stop.setup).toMatchObject({ mode: 'translate', input: 'x', decoderInput: 'y_in', output: 'out.out', stop: 'stop_unit.out' });
    const length = graphInference(template('seq2seq-predicted-length.unroll.json'));
    expect(length.ok && length.setup).toMatchObject({ mode: 'translate', input: 'x', decoderInput: 'y_in', output: 'out.out', length: 'length_out.out' });
    expect(length.ok && length.setup.stop).toBeUndefined();
    const plain = graphInference(template('seq2seq-attention-reverse.unroll.json'));
    expect(plain.ok && [plain.setup.stop, plain.setup.length]).toEqual([undefined, undefined]);
  });

  it('translates until the stop unit fires, or for the predicted length, with no end token in the text', async () => {
    const stopDoc = template('seq2seq-stop-unit.unroll.json');
    const fires = withWeights(stopDoc, (s) => (s.get('stop_unit.W0').fill(0), s.get('stop_unit.b').fill(20)));
    const never = withWeights(stopDoc, (s) => (s.get('stop_unit.W0').fill(0), s.get('stop_unit.b').fill(-20)));
    const a = await runInference(fires, { mode: 'translate', source: 'CAB', maxLength: 5 });
    expect(a).toMatchObject({ mode: 'translate', ended: true, by: 'stop' });
    if (a.mode !== 'translate') throw new Error(a.mode);
    expect(a.tokens).toHaveLength(1);
    const b = await runInference(never, { mode: 'translate', source: 'CAB', maxLength: 5, beam: 2 });
    expect(b).toMatchObject({ mode: 'translate', ended: false, by: 'limit' });
    if (b.mode !== 'translate') throw new Error(b.mode);
    expect(b.tokens).toHaveLength(5);
    expect(b.text).toMatch(/^[A-F]{5}$/);
    const four = withWeights(template('seq2seq-predicted-length.unroll.json'), (s) => (s.get('length_out.W0').fill(0), s.get('length_out.b').fill(4.2)));
    const c = await runInference(four, { mode: 'translate', source: 'CAB', maxLength: 8 });
    if (c.mode !== 'translate') throw new Error(c.mode);
    expect(c.tokens).toHaveLength(4);
    expect(c.ended).toBe(true);
    expect(c.by).toBe('length');
    expect(c.text).toMatch(/^[A-F]{4}$/);
  });
});
