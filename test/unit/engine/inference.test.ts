import { describe, expect, it } from 'vitest';
import { graphInference, InferenceError, runInference } from '../../../src/engine/inference';
import { encodeTokens, joinTokens, parseSeries, tokenTexts } from '../../../src/engine/inference-text';
import { exampleDoc, reverseDoc } from './inference-fixtures';

const sum = (xs: readonly number[]) => xs.reduce((a, v) => a + v, 0);

describe('the mode a graph answers in', () => {
  it.each([
    ['lstm-charlm', 'generate', 'x'],
    ['per-step-regression', 'forecast', 'x'],
    ['gru-parity', 'classify', 'x'],
    ['elman-classifier', 'classify', 'x'],
    ['lstm-adding', 'classify', 'x'],
  ])('%s → %s', (id, mode, input) => {
    const g = graphInference(exampleDoc(id));
    expect(g.ok && g.setup).toMatchObject({ mode, input });
  });

  it('an encoder–decoder translates, fed by its source and y_in', () => {
    const g = graphInference(reverseDoc());
    expect(g.ok && g.setup).toMatchObject({ mode: 'translate', input: 'x', decoderInput: 'y_in', loss: 'ce' });
  });

  it('a graph without a loss has no mode, and says why', () => {
    const doc = exampleDoc('lstm-charlm');
    const g = graphInference({ nodes: doc.nodes.filter((n) => n.id !== 'loss'), edges: doc.edges.filter((e) => e.target.node !== 'loss') });
    expect(g).toMatchObject({ ok: false, message: expect.stringMatching(/no loss node/) });
  });
});

describe('typed input', () => {
  it('reads characters, space-separated tokens, or ids; an unknown one is named', () => {
    expect(encodeTokens('CAB', ['A', 'B', 'C'], 3, 'source')).toEqual([2, 0, 1]);
    expect(encodeTokens(' GO  A ', ['·', 'A', 'GO'], 3, 'input')).toEqual([2, 1]);
    expect(encodeTokens('2, 0 1', undefined, 3, 'seed')).toEqual([2, 0, 1]);
    expect(() => encodeTokens('AxB', ['A', 'B'], 2, 'seed')).toThrow(/the character "x" \(U\+0078\) at position 2 is not one of the model's 2 symbols: "A" "B"/);
    expect(() => encodeTokens('GO B', ['·', 'A', 'GO'], 3, 'input')).toThrow(/the token "B" \(token 2\)/);
    expect(() => encodeTokens('0 3', undefined, 3, 'seed')).toThrow(/token 2, "3", is not a token id from 0 to 2/);
    expect(() => encodeTokens('', ['A'], 1, 'seed')).toThrow(/the seed is empty/);
    expect(joinTokens(tokenTexts([1, 0], ['a', 'b']), ['a', 'b'])).toBe('ba');
    expect(joinTokens(tokenTexts([1, 0], ['even', 'odd']), ['even', 'odd'])).toBe('odd even');
  });

  it('reads a series: numbers per step, steps by new lines or ";"; a ragged step or a word is named', () => {
    expect(Array.from(parseSeries('1 2, 3;4', 1, 'series'))).toEqual([1, 2, 3, 4]);
    expect(Array.from(parseSeries('0.5 0\n0.25, 1; -1 0', 2, 'input'))).toEqual([0.5, 0, 0.25, 1, -1, 0]);
    expect(() => parseSeries('1 2\n3', 2, 'input')).toThrow(/step 2 has 1 value, but the model takes 2 per step/);
    expect(() => parseSeries('1 two', 1, 'series')).toThrow(/step 2: "two" is not a number/);
    expect(() => parseSeries('  ', 1, 'series')).toThrow(/the series is empty/);
  });
});

describe('runInference', () => {
  it('generates from the character model: greedy tokens are the likeliest, and their log-probabilities add up', async () => {
    const doc = exampleDoc('lstm-charlm');
    const r = await runInference(doc, { mode: 'generate', seed: 'The fox', length: 12 });
    if (r.mode !== 'generate') throw new Error(r.mode);
    expect(r.weights).toEqual({ source: 'initial' });
    expect(r.input.join('')).toBe('The fox');
    expect(r.tokens).toHaveLength(12);
    expect(r.text).toBe(r.tokens.map((k) => k.text).join(''));
    for (const k of r.tokens) expect(k.p).toBeCloseTo(k.top[0]!.p, 12);
    expect(sum(r.tokens.map((k) => Math.log(k.p)))).toBeCloseTo(r.logProb, 9);
    const again = await runInference(doc, { mode: 'generate', seed: 'The fox', length: 12 });
    expect(again).toEqual(r);
  });

  it('samples with a temperature: the same sample seed repeats, the log-probabilities still add up', async () => {
    const doc = exampleDoc('lstm-charlm');
    const request = { mode: 'generate' as const, seed: 'A', length: 15, temperature: 1.5, sampleSeed: 11 };
    const a = await runInference(doc, request);
    const b = await runInference(doc, request);
    if (a.mode !== 'generate') throw new Error(a.mode);
    expect(b).toEqual(a);
    expect(sum(a.tokens.map((k) => Math.log(k.p)))).toBeCloseTo(a.logProb, 9);
  });

  it('yields between generated tokens when asked', async () => {
    let pauses = 0;
    await runInference(exampleDoc('lstm-charlm'), { mode: 'generate', seed: 'Th', length: 5 }, { yieldTo: async () => void pauses++ });
    expect(pauses).toBe(5);
  });

  it('translates with the encoder–decoder: tokens with their probabilities, and the alignment of every answer token', async () => {
    const doc = reverseDoc();
    for (const options of [{}, { beam: 3 }]) {
      const r = await runInference(doc, { mode: 'translate', source: 'CABB', maxLength: 6, ...options });
      if (r.mode !== 'translate') throw new Error(r.mode);
      expect(r.input).toEqual(['C', 'A', 'B', 'B']);
      expect(r.tokens.length).toBeGreaterThan(0);
      expect(r.tokens.length).toBeLessThanOrEqual(6);
      expect(sum(r.tokens.map((k) => Math.log(k.p)))).toBeCloseTo(r.logProb, 9);
      expect(r.ended).toBe(r.tokens[r.tokens.length - 1]!.text === '⟨end⟩');
      expect(r.text).toBe(r.tokens.filter((k) => k.text !== '⟨end⟩').map((k) => k.text).join(''));
      expect(r.attention).toHaveLength(1);
      const a = r.attention[0]!;
      expect(a).toMatchObject({ node: 'attn', rows: r.tokens.length, cols: 4 });
      for (let i = 0; i < a.rows; i++) expect(sum(a.alpha.slice(i * a.cols, (i + 1) * a.cols))).toBeCloseTo(1, 10);
    }
  });

  it('classifies parity at the last step, and every step of the running variant', async () => {
    const last = await runInference(exampleDoc('gru-parity'), { mode: 'classify', input: '1 0 1 1' });
    if (last.mode !== 'classify') throw new Error(last.mode);
    expect(last.perStep).toBe(false);
    expect(last.outputs).toHaveLength(1);
    expect(last.outputs[0]!.step).toBe(4);
    expect(last.outputs[0]!.classes!.map((c) => c.label)).toEqual(['even', 'odd']);
    expect(sum(last.outputs[0]!.classes!.map((c) => c.p))).toBeCloseTo(1, 12);
    const running = await runInference(exampleDoc('elman-classifier'), { mode: 'classify', input: '1 0 1' });
    expect(running.mode === 'classify' && running.outputs.map((o) => o.step)).toEqual([1, 2, 3]);
    const adding = await runInference(exampleDoc('lstm-adding'), { mode: 'classify', input: '0.5 0; 0.3 1; 0.9 1' });
    expect(adding.mode === 'classify' && adding.outputs[0]!.values).toHaveLength(1);
  });

  it('forecasts the sine model k steps ahead', async () => {
    const r = await runInference(exampleDoc('per-step-regression'), { mode: 'forecast', series: '0 0.38 0.71 0.93 1', steps: 6 });
    if (r.mode !== 'forecast') throw new Error(r.mode);
    expect(r.series).toHaveLength(5);
    expect(r.fitted).toHaveLength(5);
    expect(r.predicted).toHaveLength(6);
    expect(r.predicted.flat().every(Number.isFinite)).toBe(true);
  });

  it('refuses what is wrong, naming the field or the character', async () => {
    const charlm = exampleDoc('lstm-charlm');
    const refusal = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as InferenceError);
    const unknown = await refusal(runInference(charlm, { mode: 'generate', seed: 'Th€', length: 3 }));
    expect(unknown).toMatchObject({ code: 'infer-bad-input', field: 'seed', message: expect.stringMatching(/"€" \(U\+20AC\) at position 3/) });
    expect(await refusal(runInference(charlm, { mode: 'classify', input: 'x' }))).toMatchObject({ code: 'infer-bad-input', field: 'mode', message: 'this graph answers in generate mode, not classify' });
    expect(await refusal(runInference(charlm, { mode: 'generate', seed: 'a', length: 2, temperature: -1 }))).toMatchObject({ code: 'infer-bad-input', message: expect.stringMatching(/temperature must be > 0/) });
    expect(await refusal(runInference(reverseDoc(), { mode: 'translate', source: 'AB', maxLength: 3, beam: 2, temperature: 1 }))).toMatchObject({ field: 'temperature' });
    expect(await refusal(runInference(exampleDoc('lstm-adding'), { mode: 'classify', input: '1 2 3' }))).toMatchObject({ field: 'input', message: expect.stringMatching(/step 1 has 3 values, but the model takes 2/) });
    const weights = { 'logits.b': { shape: [3], dtype: 'float64' as const, data: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } };
    expect(await refusal(runInference({ ...charlm, weights }, { mode: 'generate', seed: 'a', length: 1 }))).toMatchObject({ code: 'infer-weights' });
  });
});
