import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKEND_NAMES } from '../../../kernels';
import { restore } from '../../../src/graph/restore';
import { decodeTelemetry, dispatch, parseHostEvent, REQUESTS, TRAINING_BACKENDS, type HostEvent } from '../../../src/protocol';
import { createService } from '../../../main/service';
import { createSessionManager, type SessionManager } from '../../../main/sessions/manager';

/** The LSTM-on-adding example, made tiny: 4 hidden units. */
function tinyDoc(): Record<string, any> {
  const doc = JSON.parse(readFileSync(new URL('../../../examples/lstm-adding.unroll.json', import.meta.url), 'utf8'));
  doc.nodes.find((n: { id: string }) => n.id === 'cell').params.hidden = 4;
  return doc;
}

const CONFIG = { steps: 30, batchSize: 8, seed: 3, optimizer: { kind: 'adam' as const, lr: 0.02 } };

function harness(opts: { workerUrl?: URL } = {}) {
  const events: HostEvent[] = [];
  const waiters: { pred: (e: HostEvent) => boolean; resolve: (e: HostEvent) => void }[] = [];
  const manager = createSessionManager({
    ...opts,
    intervalMs: 20,
    emit: (e) => {
      events.push(e);
      for (const w of [...waiters]) {
        if (w.pred(e)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(e);
        }
      }
    },
  });
  const waitFor = (pred: (e: HostEvent) => boolean, ms = 30_000): Promise<HostEvent> => {
    const seen = events.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no such event within ${ms} ms; got ${events.map((e) => e.name).join(', ')}`)), ms);
      waiters.push({ pred, resolve: (e) => (clearTimeout(timer), resolve(e)) });
    });
  };
  const handlers = createService({ host: 'web', name: 'Unroll', version: '0', dataDir: '/nonexistent-unroll-test', sessions: manager });
  const call = (name: string, payload: unknown) => dispatch(handlers, name, payload) as Promise<any>;
  managers.push(manager);
  return { events, waitFor, call, manager };
}

const managers: SessionManager[] = [];
afterAll(async () => {
  await Promise.all(managers.map((m) => m.close()));
});

describe('session manager (real worker threads)', () => {
  it('trains a tiny graph in a worker: backend info, telemetry, end, trained weights', async () => {
    const h = harness();
    const r = await h.call('session.start', { doc: tinyDoc(), config: CONFIG, task: 'adding', taskParams: { T: 6 }, backend: 'reference' });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    const { sessionId, backend, totalSteps, metrics } = r.result;
    expect(backend).toMatchObject({ requested: 'reference', name: 'reference', precision: 'float64' });
    expect(totalSteps).toBe(30);
    expect(metrics).toEqual(['loss.mse']);
    const end = await h.waitFor((e) => e.name === 'session.ended' && e.payload.sessionId === sessionId);
    expect(end.payload).toMatchObject({ status: 'finished', step: 30 });
    const frames = h.events.filter((e) => e.name === 'session.telemetry').map((e) => decodeTelemetry(e.payload as never));
    const steps = frames.flatMap((f) => [...f.step]);
    expect(steps).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const losses = frames.flatMap((f) => [...f.loss]);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(frames[0]!.metrics['loss.mse']).toBeDefined();
    expect(h.events.some((e) => e.name === 'session.status' && e.payload.status === 'running')).toBe(true);
    // Every event and the answer pass the protocol's own schemas (as the renderer checks them).
    for (const e of h.events) expect(parseHostEvent(JSON.parse(JSON.stringify(e))), e.name).toBeDefined();
    expect(REQUESTS['session.start'].result.safeParse(r.result).success).toBe(true);
    expect(frames.some((f) => f.paramNames.includes('cell.W_f'))).toBe(true);

    const w = await h.call('session.weights', { sessionId });
    expect(w.ok).toBe(true);
    const restored = restore(w.result.doc);
    expect(restored.ok).toBe(true);
    expect(Object.keys(w.result.doc.weights).sort()).toContain('cell.W_f');
    expect(w.result.doc.training).toMatchObject({ task: 'adding', taskParams: { T: 6 }, steps: 30, backend: 'reference' });
    expect(w.result.doc.nodes).toEqual(restore(tinyDoc()).ok && (restore(tinyDoc()) as { doc: { nodes: unknown } }).doc.nodes);
    expect(h.manager.running()).toEqual([]);
  });

  it('pauses, resumes and stops a running session, keeping the weights of the last step', async () => {
    const h = harness();
    const r = await h.call('session.start', { doc: tinyDoc(), config: { ...CONFIG, steps: 1_000_000 }, task: 'adding', taskParams: { T: 6 }, backend: 'reference' });
    expect(r.ok).toBe(true);
    const id = r.result.sessionId;
    await h.waitFor((e) => e.name === 'session.telemetry');
    expect((await h.call('session.pause', { sessionId: id })).result).toEqual({ changed: true });
    const paused = await h.waitFor((e) => e.name === 'session.status' && e.payload.status === 'paused');
    const mid = await h.call('session.weights', { sessionId: id });
    expect(mid.result.step).toBe((paused.payload as { step: number }).step);
    expect((await h.call('session.resume', { sessionId: id })).result).toEqual({ changed: true });
    await h.waitFor((e) => e.name === 'session.status' && e.payload.status === 'running' && h.events.indexOf(e) > h.events.indexOf(paused));
    expect((await h.call('session.stop', { sessionId: id })).result).toEqual({ changed: true });
    const end = await h.waitFor((e) => e.name === 'session.ended');
    expect(end.payload).toMatchObject({ status: 'stopped' });
    expect((end.payload as { step: number }).step).toBeGreaterThan((paused.payload as { step: number }).step - 1);
    expect((await h.call('session.stop', { sessionId: id })).result).toEqual({ changed: false });
  });

  it('reports a divergence with the node, and keeps the last good weights', async () => {
    const h = harness();
    const r = await h.call('session.start', { doc: tinyDoc(), config: { ...CONFIG, optimizer: { kind: 'sgd', lr: 1e300 }, clip: null }, task: 'adding', taskParams: { T: 6 }, backend: 'reference' });
    expect(r.ok).toBe(true);
    const d = await h.waitFor((e) => e.name === 'session.diverged');
    const div = (d.payload as { divergence: { node: string; message: string; trainingStep: number } }).divergence;
    expect(['x', 'cell', 'last', 'readout', 'y', 'loss']).toContain(div.node);
    expect(div.message).toContain(div.node);
    const end = await h.waitFor((e) => e.name === 'session.ended');
    expect(end.payload, JSON.stringify(h.events.filter((e) => e.name === 'session.error'))).toMatchObject({ status: 'diverged', step: div.trainingStep - 1 });
    const w = await h.call('session.weights', { sessionId: r.result.sessionId });
    expect(restore(w.result.doc).ok).toBe(true);
  });

  it('refuses bad payloads naming the field, and graph problems naming the node', async () => {
    const h = harness();
    const bad = await h.call('session.start', { doc: tinyDoc(), config: { batchSize: 0 } });
    expect(bad.error).toMatchObject({ code: 'bad-payload', path: 'config.batchSize' });
    const backend = await h.call('session.start', { doc: tinyDoc(), backend: 'gpu' });
    expect(backend.error).toMatchObject({ code: 'bad-payload', path: 'backend' });
    const param = await h.call('session.start', { doc: tinyDoc(), task: 'adding', taskParams: { T: 1 } });
    expect(param.error).toMatchObject({ code: 'session', path: 'taskParams.T' });
    const task = await h.call('session.start', { doc: tinyDoc(), task: 'juggling' });
    expect(task.error).toMatchObject({ code: 'session', path: 'task' });
    const unrestorable = tinyDoc();
    unrestorable.nodes[1].params.hidden = -4;
    const u = await h.call('session.start', { doc: unrestorable });
    expect(u.error).toMatchObject({ code: 'bad-payload', path: 'doc.nodes[1].params.hidden' });

    const unwired = tinyDoc();
    unwired.edges = unwired.edges.filter((e: { id: string }) => e.id !== 'e3');
    const g = await h.call('session.start', { doc: unwired, config: CONFIG, backend: 'reference' });
    expect(g.error.code).toBe('session');
    expect(g.error.path).toBe('doc');
    expect(g.error.message).toContain('readout');
    expect(g.error.details.some((d: { where: string }) => d.where.startsWith('readout'))).toBe(true);

    const mismatch = tinyDoc();
    mismatch.nodes[0].params.size = 3;
    const m = await h.call('session.start', { doc: mismatch, config: CONFIG, backend: 'reference' });
    expect(m.error).toMatchObject({ code: 'session', path: 'doc' });
    expect(m.error.message).toContain('"x"');
    expect(h.manager.running()).toEqual([]);

    expect((await h.call('session.pause', { sessionId: 's999' })).error).toMatchObject({ code: 'not-found', path: 'sessionId' });
    expect((await h.call('session.pause', { sessionId: '../x' })).error).toMatchObject({ code: 'bad-payload', path: 'sessionId' });
  });

  it('reports a crashed worker as an error event and a failed end, and a worker that dies at start as a failed start', async () => {
    const h = harness({ workerUrl: new URL('./fixtures/crash-worker.mjs', import.meta.url) });
    const r = await h.call('session.start', { doc: tinyDoc() });
    expect(r.ok).toBe(true);
    const err = await h.waitFor((e) => e.name === 'session.error');
    expect(err.payload).toMatchObject({ sessionId: r.result.sessionId, code: 'session-crashed' });
    expect((err.payload as { message: string }).message).toContain('kernel exploded');
    const end = await h.waitFor((e) => e.name === 'session.ended');
    expect(end.payload).toMatchObject({ status: 'failed' });
    expect(h.manager.running()).toEqual([]);

    const early = tinyDoc();
    early.meta.name = 'exit before ready';
    const f = await h.call('session.start', { doc: early });
    expect(f.error).toMatchObject({ code: 'session' });
    expect(f.error.message).toContain('code 3');
  });

  it('the protocol lists the backends the kernels offer', () => {
    expect([...TRAINING_BACKENDS].sort()).toEqual([...BACKEND_NAMES].sort());
  });
});
