import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createService } from '../../../main/service';
import { createSessionManager, type SessionManager } from '../../../main/sessions/manager';
import { runInference } from '../../../src/engine/inference';
import { restore } from '../../../src/graph/restore';
import { dispatch, type HostEvent } from '../../../src/protocol';
import { reverseDoc } from '../engine/inference-fixtures';

/** The `infer` request as the host answers it: dispatch → handler → runInference, errors as data. */

const text = (id: string) => readFileSync(new URL(`../../../examples/${id}.unroll.json`, import.meta.url), 'utf8');
const example = (id: string) => JSON.parse(text(id)) as Record<string, unknown>;
const service = createService({ host: 'web', name: 'Unroll', version: '0', dataDir: '/nonexistent-unroll-test' });
const call = (payload: unknown) => dispatch(service, 'infer', payload) as Promise<any>;

const managers: SessionManager[] = [];
afterAll(async () => {
  await Promise.all(managers.map((m) => m.close()));
});

describe('the host answers infer', () => {
  it('generates 20 characters from the character LM example', async () => {
    const r = await call({ doc: example('lstm-charlm'), request: { mode: 'generate', seed: 'The ', length: 20 } });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(r.result).toMatchObject({ mode: 'generate', weights: { source: 'initial' }, input: ['T', 'h', 'e', ' '] });
    expect(r.result.tokens).toHaveLength(20);
    expect(r.result.text).toHaveLength(20);
  });

  it('translates with an encoder–decoder by beam search, with the alignment matrix', async () => {
    const r = await call({ doc: reverseDoc(), request: { mode: 'translate', source: 'ABCA', maxLength: 6, beam: 4 } });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(r.result.mode).toBe('translate');
    expect(r.result.attention[0]).toMatchObject({ node: 'attn', rows: r.result.tokens.length, cols: 4 });
  });

  it('refuses bad input as data naming the field, and an untrainable graph naming the problem', async () => {
    const unknown = await call({ doc: example('lstm-charlm'), request: { mode: 'generate', seed: 'Fable~', length: 3 } });
    expect(unknown.ok).toBe(false);
    expect(unknown.error).toMatchObject({ code: 'inference', path: 'request.seed', message: expect.stringMatching(/"~" \(U\+007E\) at position 6 is not one of the model's 56 symbols/) });
    const mode = await call({ doc: example('lstm-charlm'), request: { mode: 'forecast', series: '1', steps: 2 } });
    expect(mode.error).toMatchObject({ code: 'inference', path: 'request.mode' });
    const lossless = example('lstm-charlm') as { nodes: { id: string }[]; edges: { target: { node: string } }[] };
    lossless.nodes = lossless.nodes.filter((n) => n.id !== 'loss');
    lossless.edges = lossless.edges.filter((e) => e.target.node !== 'loss');
    const graph = await call({ doc: lossless, request: { mode: 'generate', seed: 'a', length: 1 } });
    expect(graph.error).toMatchObject({ code: 'inference', path: 'doc', message: expect.stringMatching(/no loss node/) });
    const noSessions = await call({ doc: example('lstm-charlm'), sessionId: 's1', request: { mode: 'generate', seed: 'a', length: 1 } });
    expect(noSessions.error).toMatchObject({ code: 'unsupported', path: 'sessionId' });
  });

  it('takes the latest weights of a training session, with its step', async () => {
    const events: HostEvent[] = [];
    const manager = createSessionManager({ intervalMs: 20, emit: (e) => void events.push(e) });
    managers.push(manager);
    const handlers = createService({ host: 'web', name: 'Unroll', version: '0', dataDir: '/nonexistent-unroll-test', sessions: manager });
    const doc = example('gru-parity') as { nodes: { id: string; params: Record<string, unknown> }[] };
    doc.nodes.find((n) => n.id === 'gru')!.params.hidden = 4;
    const started = (await dispatch(handlers, 'session.start', { doc, config: { steps: 12, batchSize: 4, seed: 2 }, backend: 'reference' })) as any;
    expect(started.ok, JSON.stringify(started)).toBe(true);
    const { sessionId } = started.result;
    for (let i = 0; i < 300 && !events.some((e) => e.name === 'session.ended'); i++) await new Promise((r) => setTimeout(r, 50));
    const request = { mode: 'classify', input: '1 1 0 1' } as const;
    const r = (await dispatch(handlers, 'infer', { doc, sessionId, request })) as any;
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(r.result.weights).toEqual({ source: 'session', step: 12 });
    // The same answer as running the session's trained document directly.
    const trained = (await dispatch(handlers, 'session.weights', { sessionId })) as any;
    const restored = restore(trained.result.doc);
    if (!restored.ok) throw new Error('the trained document does not restore');
    const direct = await runInference(restored.doc, request, { session: { step: 12 } });
    expect(r.result).toEqual(direct);
    const gone = (await dispatch(handlers, 'infer', { doc, sessionId: 's999', request })) as any;
    expect(gone.error).toMatchObject({ code: 'not-found', path: 'sessionId' });
  });

  it('answers long generations in bounded time, yielding to the event loop between tokens', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const t0 = performance.now();
    const r = await call({ doc: example('lstm-charlm'), request: { mode: 'generate', seed: 'Once upon a time', length: 100 } });
    const ms = performance.now() - t0;
    clearInterval(timer);
    expect(r.ok).toBe(true);
    expect(ms).toBeLessThan(10_000);
    expect(ticks).toBeGreaterThan(5); // timers ran while it generated
  });
});
