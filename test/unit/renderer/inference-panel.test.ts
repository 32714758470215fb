import { describe, expect, it } from 'vitest';
import { documentTask, graphInference, runInference } from '../../../src/engine/inference';
import { InferPayloadSchema, MAX_BEAM } from '../../../src/protocol';
import { INITIAL_FORM } from '../../../renderer/inference/inferenceStore';
import { buildRequest, exampleInput, TEXT_FIELD } from '../../../renderer/inference/request';
import { exampleDoc, reverseDoc } from '../engine/inference-fixtures';

describe('the inference panel’s form', () => {
  it('builds a request the protocol accepts, for each mode', () => {
    const form = { ...INITIAL_FORM, seed: 'The ', source: 'ABC', input: '1 0', series: '0 1', sample: true, temperature: 0.7 };
    for (const mode of ['generate', 'translate', 'classify', 'forecast'] as const) {
      const built = buildRequest(mode, form, 42);
      if (!built.ok) throw new Error(mode);
      expect(built.request.mode).toBe(mode);
      expect(InferPayloadSchema.safeParse({ doc: { format: 'unroll.graph', version: 1, meta: { name: 'g' }, nodes: [], edges: [] }, request: built.request }).success).toBe(true);
    }
    expect(buildRequest('generate', form, 42)).toEqual({ ok: true, request: { mode: 'generate', seed: 'The ', length: 100, temperature: 0.7, sampleSeed: 42 } });
    // beam search does not sample
    expect(buildRequest('translate', { ...form, beam: '3' }, 42)).toEqual({ ok: true, request: { mode: 'translate', source: 'ABC', maxLength: 20, beam: 3 } });
  });

  it('names the number that is out of range, with its limit', () => {
    expect(buildRequest('generate', { ...INITIAL_FORM, length: '0' }, 1)).toMatchObject({ ok: false, field: 'length' });
    expect(buildRequest('translate', { ...INITIAL_FORM, beam: '99' }, 1)).toEqual({ ok: false, field: 'beam', limit: MAX_BEAM });
    expect(buildRequest('forecast', { ...INITIAL_FORM, steps: '2.5' }, 1)).toMatchObject({ ok: false, field: 'steps' });
  });

  it.each(['lstm-charlm', 'gru-parity', 'elman-classifier', 'lstm-adding', 'per-step-regression', 'reverse'])('opens %s with an example input the model accepts', async (id) => {
    const doc = id === 'reverse' ? reverseDoc() : exampleDoc(id);
    const g = graphInference(doc);
    if (!g.ok) throw new Error(g.message);
    const input = g.plan.inputs.find((i) => i.node === g.setup.input)!;
    const text = exampleInput(g.setup, input.size, input.dtype === 'index', documentTask(doc));
    const built = buildRequest(g.setup.mode, { ...INITIAL_FORM, [TEXT_FIELD[g.setup.mode]]: text, length: '5', steps: '3', maxLength: '5' }, 1);
    if (!built.ok) throw new Error(built.field);
    const answer = await runInference(doc, built.request);
    expect(answer.mode).toBe(g.setup.mode);
  });
});
