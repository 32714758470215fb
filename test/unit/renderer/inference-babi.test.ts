import { describe, expect, it } from 'vitest';
import { drawStory, storyText, BabiParams } from '../../../src/data/tasks/babi';
import { documentTask, graphInference, runInference } from '../../../src/engine/inference';
import { createRng } from '../../../src/engine/rng';
import { InferPayloadSchema } from '../../../src/protocol';
import { INITIAL_FORM } from '../../../renderer/inference/inferenceStore';
import { buildRequest, exampleInput, readsText } from '../../../renderer/inference/request';
import { exampleDoc } from '../engine/inference-fixtures';

describe('the inference panel for a task that reads text (story questions)', () => {
  const doc = exampleDoc('kv-memory-babi');
  const g = graphInference(doc);
  if (!g.ok) throw new Error(g.message);
  const task = documentTask(doc);

  it('types the story as text: the example is a story of the task (seed 1), sent without a condition', async () => {
    expect(readsText(g.setup, task)).toBe(true);
    const example = exampleInput(g.setup, 35, false, task);
    expect(example).toBe(storyText(drawStory(createRng(1), BabiParams.parse({}))));
    const built = buildRequest('classify', { ...INITIAL_FORM, input: example, condition: '1 2 3' }, 1, false);
    expect(built).toEqual({ ok: true, request: { mode: 'classify', input: example } });
    if (!built.ok) throw new Error(built.field);
    expect(InferPayloadSchema.safeParse({ doc, request: built.request }).success).toBe(true);
    const answer = await runInference(doc, built.request);
    expect(answer.mode === 'classify' && answer.question).toMatch(/^Where is .*\?$/);
  });

  it('other graphs and tasks keep their numbers', () => {
    const parity = exampleDoc('gru-parity');
    const p = graphInference(parity);
    if (!p.ok) throw new Error(p.message);
    expect(readsText(p.setup, documentTask(parity))).toBe(false);
    expect(readsText({ mode: 'forecast' }, task)).toBe(false);
    expect(readsText(g.setup, undefined)).toBe(false);
  });
});
