import { describe, expect, it } from 'vitest';
import { DecodeError, generate, translate } from '../../../src/engine/decode';
import { Executor } from '../../../src/engine/executor';
import { Rng } from '../../../src/engine/rng';
import { GraphBuilder } from '../compiler/graph-builder';
import { planOf, randomWeights, tokenSeq2seq } from './executor-fixtures';

/** A token language model: ids (5) → OneHot → GRU (4) → Linear (5) → CE. */
function lm(): GraphBuilder {
  return new GraphBuilder()
    .node('x', 'Input', { role: 'sequence', size: 5, dtype: 'index' })
    .node('y', 'Input', { role: 'sequence', size: 5, dtype: 'index' })
    .node('oh', 'OneHot', { classes: 5 })
    .node('rnn', 'GRU', { hidden: 4 })
    .node('out', 'Linear', { units: 5 })
    .node('loss', 'CrossEntropy')
    .edge('x.out', 'oh.index')
    .edge('oh.out', 'rnn.in')
    .edge('rnn.h', 'out.in0')
    .edge('out.out', 'loss.logits')
    .edge('y.out', 'loss.target');
}

/** Source ids (4) → GRU → LastStep → decoder GRU h0; y_in ids (3) → OneHot ⊕ additive attention → decoder → Linear (3) → CE. */
function seq2seq(): GraphBuilder {
  return tokenSeq2seq({ source: 4, decoderIds: 3, classes: 3, hidden: 4, attnSize: 3 });
}

/** log p(tokens | source) by one teacher-forced forward: −(per-step CE summed). */
function scoreOf(exec: Executor, source: readonly number[], tokens: readonly number[], start: number): number {
  const T1 = tokens.length;
  exec.bind({
    feeds: { x: Int32Array.from(source), y_in: Int32Array.from([start, ...tokens.slice(0, -1)]), y: Int32Array.from(tokens) },
    lengths: Int32Array.of(source.length),
    T: source.length,
    target: { T: T1, lengths: Int32Array.of(T1) },
  });
  exec.forward();
  return -exec.stepLosses('loss').data.reduce((a, v) => a + v, 0);
}

describe('decoding with the model’s own outputs', () => {
  it('generates greedily: each token is the arg-max after the prefix, and its log-probability is the model’s', () => {
    const plan = planOf(lm());
    const exec = new Executor(plan, randomWeights(plan, 4));
    const r = generate(exec, { input: 'x', seed: [1, 2], steps: 5, choice: { kind: 'greedy' } });
    expect(r.tokens).toHaveLength(5);
    // teacher-forced check: the CE of the generated continuation is −logProb
    const seq = [1, 2, ...r.tokens];
    exec.bind({ feeds: { x: Int32Array.from(seq.slice(0, -1)), y: Int32Array.from(seq.slice(1)) }, lengths: Int32Array.of(6), T: 6 });
    exec.forward();
    const steps = exec.stepLosses('loss').data;
    const tail = Array.from(steps).slice(1).reduce((a, v) => a + v, 0); // the first step predicts a seed token
    expect(-tail).toBeCloseTo(r.logProb, 10);
    const logits = exec.value('out.out'); // every generated token is the arg-max of its step
    for (let i = 0; i < 5; i++) {
      const row = Array.from(logits.data.slice((i + 1) * 5, (i + 2) * 5));
      expect(r.tokens[i]).toBe(row.indexOf(Math.max(...row)));
    }
  });

  it('samples with a temperature from the seeded generator: the same seed repeats, a tiny temperature is greedy', () => {
    const plan = planOf(lm());
    const exec = new Executor(plan, randomWeights(plan, 4));
    const a = generate(exec, { input: 'x', seed: [0], steps: 8, choice: { kind: 'sample', temperature: 1.5, rng: new Rng(9) } });
    const b = generate(exec, { input: 'x', seed: [0], steps: 8, choice: { kind: 'sample', temperature: 1.5, rng: new Rng(9) } });
    expect(a.tokens).toEqual(b.tokens);
    const cold = generate(exec, { input: 'x', seed: [0], steps: 8, choice: { kind: 'sample', temperature: 1e-3, rng: new Rng(1) } });
    expect(cold.tokens).toEqual(generate(exec, { input: 'x', seed: [0], steps: 8, choice: { kind: 'greedy' } }).tokens);
    const many = new Set(Array.from({ length: 6 }, (_, s) => generate(exec, { input: 'x', seed: [0], steps: 8, choice: { kind: 'sample', temperature: 3, rng: new Rng(s) } }).tokens.join()));
    expect(many.size).toBeGreaterThan(1);
  });

  it('translates greedily and by beam search; a beam wide enough to keep every hypothesis finds the best sequence', () => {
    const plan = planOf(seq2seq());
    const exec = new Executor(plan, randomWeights(plan, 8));
    const source = [3, 1, 0, 2];
    const common = { source: { input: 'x', values: source }, decoderInput: 'y_in', start: 0, end: 2, maxLength: 3 };
    const greedy = translate(exec, { ...common, choice: { kind: 'greedy' } });
    expect(translate(exec, { ...common, beam: 1 })).toEqual(greedy);
    expect(greedy.logProb).toBeCloseTo(scoreOf(exec, source, greedy.tokens, 0), 10);

    // every sequence over {0,1,2} that ends with 2 within 3 tokens, or is 3 tokens long without it
    const all: number[][] = [];
    const grow = (prefix: number[]) => {
      if (prefix.length > 0 && (prefix[prefix.length - 1] === 2 || prefix.length === 3)) return void all.push(prefix);
      for (let k = 0; k < 3; k++) grow([...prefix, k]);
    };
    grow([]);
    const ended = all.filter((s) => s[s.length - 1] === 2).map((s) => ({ s, lp: scoreOf(exec, source, s, 0) }));
    const best = ended.reduce((a, c) => (c.lp > a.lp ? c : a));
    const wide = translate(exec, { ...common, beam: 27 });
    expect(wide.ended).toBe(true);
    expect(wide.tokens).toEqual(best.s);
    expect(wide.logProb).toBeCloseTo(best.lp, 10);
    const narrow = translate(exec, { ...common, beam: 3 });
    expect(narrow.logProb).toBeLessThanOrEqual(wide.logProb + 1e-12);
  });

  it('names what is wrong: no such Input, ids outside the vocabulary, a temperature ≤ 0, a graph without CE', () => {
    const plan = planOf(seq2seq());
    const exec = new Executor(plan, randomWeights(plan));
    const common = { source: { input: 'x', values: [1, 2] }, decoderInput: 'y_in', start: 0, end: 2, maxLength: 3 };
    expect(() => translate(exec, { ...common, decoderInput: 'nope', beam: 2 })).toThrow(/no Input node "nope"/);
    expect(() => translate(exec, { ...common, decoderInput: 'x', beam: 2 })).toThrow(/must be a sequence on the target \(decoder\) time axis/);
    expect(() => translate(exec, { ...common, start: 7, beam: 2 })).toThrow(/start token 7 is not a token id in 0…2/);
    expect(() => translate(exec, { ...common, source: { input: 'x', values: [9] }, beam: 2 })).toThrow(/source token 9/);
    expect(() => translate(exec, { ...common, beam: 0 })).toThrow(DecodeError);
    const lmPlan = planOf(lm());
    const lmExec = new Executor(lmPlan, randomWeights(lmPlan));
    expect(() => generate(lmExec, { input: 'x', seed: [0], steps: 2, choice: { kind: 'sample', temperature: 0, rng: new Rng(1) } })).toThrow(/temperature must be > 0/);
    const mse = planOf(
      new GraphBuilder()
        .node('x', 'Input', { role: 'sequence', size: 3, dtype: 'index' })
        .node('y', 'Input', { role: 'sequence', size: 3 })
        .node('oh', 'OneHot', { classes: 3 })
        .node('loss', 'MSE')
        .edge('x.out', 'oh.index')
        .edge('oh.out', 'loss.prediction')
        .edge('y.out', 'loss.target'),
    );
    expect(() => generate(new Executor(mse, randomWeights(mse)), { input: 'x', seed: [0], steps: 1, choice: { kind: 'greedy' } })).toThrow(/no CrossEntropy loss/);
  });
});
