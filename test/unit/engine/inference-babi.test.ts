import { describe, expect, it } from 'vitest';
import { createBackend } from '../../../kernels';
import { createTask } from '../../../src/data/registry';
import { BABI_QUERY } from '../../../src/data/tasks/babi';
import { InferenceError, runInference, type InferenceAnswer } from '../../../src/engine/inference';
import type { GraphDocument } from '../../../src/graph/document';
import { InferResultSchema } from '../../../src/protocol';
import { createSession } from '../../../src/training';
import { exampleDoc } from './inference-fixtures';

/** The key–value memory network (examples/kv-memory-babi) asked a story typed as words. */

const STORY = 'Mary went to the kitchen. John picked up the football. John moved to the garden. Where is the football?';

type Classify = Extract<InferenceAnswer, { mode: 'classify' }>;

async function ask(doc: GraphDocument, input: string, condition?: string): Promise<Classify> {
  const r = await runInference(doc, { mode: 'classify', input, ...(condition === undefined ? {} : { condition }) });
  if (r.mode !== 'classify') throw new Error(`answered in ${r.mode} mode`);
  return r;
}

const refusal = (p: Promise<unknown>) => p.then(
  () => {
    throw new Error('expected a refusal');
  },
  (e: unknown) => {
    if (!(e instanceof InferenceError)) throw e;
    return e;
  },
);

const best = (r: Classify) => r.outputs[0]!.classes!.reduce((a, c) => (c.p > a.p ? c : a)).label;

describe('classify reads a typed story for a task that reads text', () => {
  const doc = exampleDoc('kv-memory-babi');

  it('answers over the places, with the sentences, the question and each hop’s weights over the sentences', async () => {
    const r = await ask(doc, STORY);
    expect(InferResultSchema.safeParse(r).success).toBe(true);
    expect(r.weights.source).toBe('initial');
    expect(r.input).toEqual(['Mary went to the kitchen.', 'John picked up the football.', 'John moved to the garden.']);
    expect(r.question).toBe('Where is the football?');
    expect(r.outputs).toHaveLength(1);
    expect(r.outputs[0]!.step).toBe(3);
    const classes = r.outputs[0]!.classes!;
    expect(classes.map((c) => c.label)).toEqual(['kitchen', 'garden', 'office', 'bathroom', 'hallway', 'bedroom']);
    expect(classes.reduce((s, c) => s + c.p, 0)).toBeCloseTo(1, 10);
    expect(r.memory).toHaveLength(1);
    const m = r.memory![0]!;
    expect(m).toMatchObject({ node: 'mem', rows: 2, cols: 3 });
    for (let hop = 0; hop < 2; hop++) expect(m.alpha.slice(hop * 3, hop * 3 + 3).reduce((s, p) => s + p, 0)).toBeCloseTo(1, 10);
  });

  it('gives the same answer as the same sample typed as numbers (slots, and the question as the condition)', async () => {
    const sample = createTask('babi').encodeText!(STORY);
    if (!sample.ok) throw new Error(sample.message);
    const { x, lengths, T } = sample.batch;
    const I = x.length / T;
    const slots = Array.from({ length: lengths[0]! }, (_, j) => Array.from(x.subarray(j * I, (j + 1) * I)).join(' ')).join('\n');
    const numbers = await ask(doc, slots, Array.from(sample.batch.extra![BABI_QUERY]!.data).join(' '));
    const text = await ask(doc, STORY);
    expect(numbers.memory).toBeUndefined();
    const p = (r: Classify) => r.outputs[0]!.classes!.map((c) => c.p);
    // The numbers are read without the padded slots (T = 3), the text with them (T = 10, masked): equal up to rounding.
    p(text).forEach((v, k) => expect(v).toBeCloseTo(p(numbers)[k]!, 12));
  });

  it('refuses a text it cannot read, a condition beside it, and a graph without the task’s Inputs, by name', async () => {
    expect(await refusal(ask(doc, 'Mary went to the kitchen. Where is Bob?'))).toMatchObject({ code: 'infer-bad-input', field: 'input', message: expect.stringMatching(/^the word "bob" in the question/) });
    expect(await refusal(ask(doc, 'Where is Mary?'))).toMatchObject({ code: 'infer-bad-input', field: 'input', message: expect.stringMatching(/^tell a story before the question/) });
    expect(await refusal(ask(doc, STORY, '1 0 0'))).toMatchObject({ code: 'infer-bad-input', field: 'condition', message: expect.stringMatching(/"query" \(the question\), so leave the condition empty/) });
    const renamed: GraphDocument = {
      ...doc,
      nodes: doc.nodes.map((n) => (n.id === 'query' ? { ...n, id: 'question' } : n)),
      edges: doc.edges.map((e) => (e.source.node === 'query' ? { ...e, source: { ...e.source, node: 'question' } } : e)),
    } as GraphDocument;
    expect(await refusal(ask(renamed, STORY))).toMatchObject({ code: 'infer-bad-graph', message: expect.stringMatching(/^the task "babi" gives data the graph does not take: .*no Input node "query"/) });
  });

  it('after brief training, answers easy one-fact questions right', async () => {
    const f32 = createBackend('f32').backend;
    const one: GraphDocument = { ...doc, training: { ...doc.training!, taskParams: { questions: 'one', minSentences: 2, maxSentences: 10 } } };
    const session = createSession({ doc: one, config: { backend: 'f32', steps: 150 }, telemetry: { recordEvery: 0 }, backend: f32 });
    expect((await session.start()).status).toBe('finished');
    const trained = { ...one, ...session.document(one) } as GraphDocument;
    const a = await ask(trained, 'Mary went to the kitchen. John went to the garden. Where is Mary?');
    expect(a.weights.source).toBe('document');
    expect(best(a)).toBe('kitchen');
    // The first hop reads Mary's sentence.
    expect(a.memory![0]!.alpha[0]).toBeGreaterThan(0.5);
    expect(best(await ask(trained, 'Mary went to the kitchen. John went to the garden. Where is John?'))).toBe('garden');
    expect(best(await ask(trained, 'Sandra moved to the office. Sandra journeyed to the hallway. Daniel travelled to the bedroom. Where is Sandra?'))).toBe('hallway');
  }, 30_000);
});
