/**
 * The host's training sessions: one `worker_threads` Worker per session, so the host's event loop
 * never blocks. `start` restores the document (the renderer is untrusted), checks the task and its
 * params, spawns the worker and answers once the worker has chosen its backend and compiled the
 * graph (or with an error naming the field, node or backend). Events go out through `emit`;
 * telemetry passes a throttle (≤ 30 messages/s). A worker that crashes is reported as a
 * `session.error` and a `failed` end, never as a hang. A finished session's worker exits; its
 * trained document is kept (the last `keep` sessions) for `session.weights`.
 */
import { Worker } from 'node:worker_threads';
import { getTask, TASKS } from '../../src/data/registry';
import { restore } from '../../src/graph/restore';
import type { GraphDocument } from '../../src/graph/document';
import { fail, issuesToError, MAX_SESSIONS, ok, type HostEvent, type ParsedPayload, type Reply, type Result } from '../../src/protocol';
import type { ControlMessage, StartMessage, WorkerToHost } from './messages';
import { TelemetryThrottle } from './telemetry';

export interface SessionManagerOptions {
  /** The worker script: `worker-boot.mjs` under tsx (default), the bundled worker in Electron. */
  readonly workerUrl?: URL | string;
  /** Where events go (the web host's socket, Electron's `webContents.send`). */
  readonly emit: (event: HostEvent) => void;
  /** Sessions running at once (default `MAX_SESSIONS`). */
  readonly maxRunning?: number;
  /** Ended sessions whose trained document is kept (default 4). */
  readonly keep?: number;
  /** Telemetry messages per second to the renderer (default 30). */
  readonly telemetryPerSecond?: number;
  /** The worker's own batching (default 100 ms) and how often it records ‖∂L/∂h_t‖ and gates (default every 25 steps). */
  readonly intervalMs?: number;
  readonly recordEvery?: number;
}

export interface SessionManager {
  start(payload: ParsedPayload<'session.start'>): Promise<Reply<Result<'session.start'>>>;
  control(sessionId: string, action: 'pause' | 'resume' | 'stop' | 'resetState'): Promise<Reply<{ changed: boolean }>>;
  weights(sessionId: string): Promise<Reply<Result<'session.weights'>>>;
  /** Ids of sessions whose worker is alive. */
  running(): string[];
  /** Terminates every worker (host shutting down). */
  close(): Promise<void>;
}

interface Live {
  readonly id: string;
  readonly worker: Worker;
  readonly doc: GraphDocument;
  totalSteps: number;
  step: number;
  ended: boolean;
  readonly waiting: Map<number, (m: WorkerToHost) => void>;
}

const DEFAULT_WORKER = new URL('./worker-boot.mjs', import.meta.url);

export function createSessionManager(opts: SessionManagerOptions): SessionManager {
  const live = new Map<string, Live>();
  const finished = new Map<string, { doc: GraphDocument | undefined; step: number }>();
  const throttle = new TelemetryThrottle((wire) => opts.emit({ name: 'session.telemetry', payload: wire }), { perSecond: opts.telemetryPerSecond ?? 30 });
  const maxRunning = opts.maxRunning ?? MAX_SESSIONS;
  const keep = opts.keep ?? 4;
  let counter = 0;
  let nextRequest = 1;

  const remember = (id: string, doc: GraphDocument | undefined, step: number): void => {
    finished.set(id, { doc, step });
    for (const old of finished.keys()) {
      if (finished.size <= keep) break;
      finished.delete(old);
    }
  };

  /** The session is over: the worker goes, its waiting requests are answered. */
  const retire = (s: Live): void => {
    s.ended = true;
    live.delete(s.id);
    for (const answer of s.waiting.values()) answer({ type: 'error', message: 'the session has ended' });
    s.waiting.clear();
    void s.worker.terminate();
  };

  const failSession = (s: Live, code: string, message: string): void => {
    if (s.ended) return;
    throttle.flush(s.id);
    opts.emit({ name: 'session.error', payload: { sessionId: s.id, code, message } });
    opts.emit({ name: 'session.ended', payload: { sessionId: s.id, status: 'failed', step: s.step, elapsedMs: 0, lastLoss: null } });
    retire(s);
  };

  function onMessage(s: Live, m: WorkerToHost): void {
    switch (m.type) {
      case 'status':
        s.step = m.step;
        throttle.flush(s.id);
        opts.emit({ name: 'session.status', payload: { sessionId: s.id, status: m.status, step: m.step, totalSteps: s.totalSteps } });
        return;
      case 'telemetry':
        if (m.batch.count > 0) s.step = m.batch.step[m.batch.count - 1]!;
        throttle.push(s.id, m.batch, s.totalSteps);
        return;
      case 'diverged':
        throttle.flush(s.id);
        opts.emit({ name: 'session.diverged', payload: { sessionId: s.id, divergence: { ...m.divergence } } });
        return;
      case 'control':
      case 'weights': {
        const answer = s.waiting.get(m.id);
        s.waiting.delete(m.id);
        answer?.(m);
        return;
      }
      case 'ended':
        throttle.flush(s.id);
        remember(s.id, m.doc, m.step);
        opts.emit({ name: 'session.ended', payload: { sessionId: s.id, status: m.status, step: m.step, elapsedMs: m.elapsedMs, lastLoss: Number.isFinite(m.lastLoss) ? m.lastLoss : null } });
        retire(s);
        return;
      case 'error':
        failSession(s, 'session-crashed', m.message);
        return;
      case 'ready':
      case 'failed':
        return; // answered by start()
    }
  }

  async function start(p: ParsedPayload<'session.start'>): Promise<Reply<Result<'session.start'>>> {
    if (live.size >= maxRunning) return fail('session', `${live.size} training sessions are running, the most this host runs at once: stop one first`);
    const restored = restore(p.doc);
    if (!restored.ok) {
      const first = restored.problems[0]!;
      return {
        ok: false,
        error: {
          code: 'bad-payload',
          message: `the document does not restore: ${restored.problems.map((q) => `${q.path}: ${q.message}`).join('; ')}`,
          path: `doc${first.path.slice(1)}`,
          details: restored.problems.map((q) => ({ where: q.path, code: q.code, message: q.message })),
        },
      };
    }
    const doc = restored.doc;
    const base = doc.training;
    const taskId = p.task ?? base?.task;
    const taskParams = p.taskParams ?? (taskId === base?.task ? base?.taskParams : undefined);
    if (taskId !== undefined && taskId !== 'custom') {
      const def = getTask(taskId);
      if (def === undefined) return fail('session', `unknown task "${taskId}": choose one of ${TASKS.map((t) => t.id).join(', ')}`, 'task');
      const parsed = def.params.safeParse(taskParams ?? {});
      if (!parsed.success) {
        const e = issuesToError(parsed.error.issues, 'taskParams');
        return { ok: false, error: { ...e, code: 'session', path: e.path === undefined ? 'taskParams' : `taskParams.${e.path}` } };
      }
    }
    const id = `s${++counter}`;
    const worker = new Worker(opts.workerUrl ?? DEFAULT_WORKER, { name: `unroll-session-${id}` });
    const s: Live = { id, worker, doc, totalSteps: 0, step: 0, ended: false, waiting: new Map() };
    live.set(id, s);
    const message: StartMessage = {
      type: 'start',
      doc,
      config: { ...(p.config ?? {}), ...(taskId === undefined ? {} : { task: taskId }), ...(taskParams === undefined ? {} : { taskParams }) },
      backend: p.backend ?? 'auto',
      intervalMs: opts.intervalMs ?? 100,
      recordEvery: opts.recordEvery ?? 25,
    };
    return new Promise((resolve) => {
      let answered = false;
      const answer = (r: Reply<Result<'session.start'>>): void => {
        if (answered) return;
        answered = true;
        resolve(r);
      };
      worker.on('message', (m: WorkerToHost) => {
        if (m.type === 'ready') {
          s.totalSteps = m.config.steps;
          s.step = m.step;
          answer(ok({ sessionId: id, backend: m.backend, config: m.config, step: m.step, totalSteps: m.config.steps, metrics: [...m.metrics] }));
        } else if (m.type === 'failed') {
          answer({ ok: false, error: m.error });
          s.ended = true;
          retire(s);
        } else onMessage(s, m);
      });
      worker.on('error', (err) => {
        const text = `the training worker crashed: ${err.message}`;
        if (!answered) {
          answer(fail('session', text));
          s.ended = true;
          retire(s);
        } else failSession(s, 'session-crashed', text);
      });
      worker.on('exit', (code) => {
        if (!answered) {
          answer(fail('session', `the training worker exited (code ${code}) before the session started`));
          s.ended = true;
          live.delete(id);
        } else if (!s.ended) failSession(s, 'session-crashed', `the training worker exited unexpectedly (code ${code})`);
      });
      worker.postMessage(message);
    });
  }

  function ask(s: Live, m: ControlMessage): Promise<WorkerToHost> {
    return new Promise((resolve) => {
      s.waiting.set(m.id, resolve);
      s.worker.postMessage(m);
    });
  }

  const unknown = (sessionId: string): Reply<never> => fail('not-found', `no training session ${sessionId}: it never started, or its result is no longer kept`, 'sessionId');

  return {
    start,
    async control(sessionId, action) {
      const s = live.get(sessionId);
      if (s === undefined) return finished.has(sessionId) ? ok({ changed: false }) : unknown(sessionId);
      const r = await ask(s, { type: action, id: nextRequest++ });
      return ok({ changed: r.type === 'control' && r.changed });
    },
    async weights(sessionId) {
      const s = live.get(sessionId);
      let got: { doc: GraphDocument | undefined; step: number } | undefined;
      if (s !== undefined) {
        const r = await ask(s, { type: 'weights', id: nextRequest++ });
        if (r.type === 'weights') got = r;
      }
      got ??= finished.get(sessionId);
      if (got === undefined) return unknown(sessionId);
      if (got.doc === undefined) return fail('session', `the weights of session ${sessionId} are not finite at step ${got.step}, so they cannot be stored`, 'sessionId');
      return ok({ doc: got.doc, step: got.step });
    },
    running: () => [...live.keys()],
    async close() {
      throttle.close();
      const workers = [...live.values()];
      for (const s of workers) s.ended = true;
      live.clear();
      await Promise.all(workers.map((s) => s.worker.terminate()));
    },
  };
}
