import { describe, expect, it } from 'vitest';
import { WAVE_CONDITION } from '../../../src/data/tasks/wave';
import { createRng } from '../../../src/engine/rng';
import { documentTask, graphInference, runInference } from '../../../src/engine/inference';
import { InferPayloadSchema } from '../../../src/protocol';
import { INITIAL_FORM } from '../../../renderer/inference/inferenceStore';
import { buildRequest, exampleCondition, exampleInput } from '../../../renderer/inference/request';
import { exampleDoc } from '../engine/inference-fixtures';

const EMPTY_DOC = { format: 'unroll.graph', version: 1, meta: { name: 'g' }, nodes: [], edges: [] };

describe('the inference panel with a conditioning vector (1→n)', () => {
  it('sends the typed condition only for a conditioned graph, in a request the protocol accepts', () => {
    const form = { ...INITIAL_FORM, series: '0', condition: '0.1 0.2 1 0' };
    const built = buildRequest('forecast', form, 1, true);
    expect(built).toEqual({ ok: true, request: { mode: 'forecast', series: '0', steps: 20, condition: '0.1 0.2 1 0' } });
    if (!built.ok) throw new Error(built.field);
    expect(InferPayloadSchema.safeParse({ doc: EMPTY_DOC, request: built.request }).success).toBe(true);
    expect(buildRequest('forecast', form, 1)).toEqual({ ok: true, request: { mode: 'forecast', series: '0', steps: 20 } });
  });

  it('opens with y_0 = 0 and the description of one wave of the task, and Run generates it', async () => {
    const doc = exampleDoc('one-to-many-initial-state');
    const g = graphInference(doc);
    if (!g.ok) throw new Error(g.message);
    const conditions = g.setup.conditions ?? [];
    const task = documentTask(doc);
    expect(exampleInput(g.setup, 1, false, task)).toBe('0');
    const typed = exampleCondition(conditions, task);
    const drawn = Array.from(task!.batch(createRng(1), 1).extra![WAVE_CONDITION]!.data);
    expect(typed.split(', ').map(Number)).toEqual(drawn.map((v) => Number(v.toFixed(2))));
    const built = buildRequest('forecast', { ...INITIAL_FORM, series: '0', condition: typed, steps: '6' }, 1, true);
    if (!built.ok) throw new Error(built.field);
    const answer = await runInference(doc, built.request);
    expect(answer.mode === 'forecast' && answer.predicted).toHaveLength(6);
  });

  it('an Input the task does not feed gets zeros (one id for an index Input)', () => {
    expect(exampleCondition([{ node: 'v', dtype: 'real', size: 3 }, { node: 'k', dtype: 'index', size: 5 }], undefined)).toBe('0, 0, 0, 0');
  });
});
