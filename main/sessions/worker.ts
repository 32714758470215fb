/**
 * The session worker: one training session in its own thread, so the host's event loop never
 * blocks. It waits for a `start` message (a document the host has restored), chooses the kernel
 * backend (`kernels/index.ts`), creates the session (`src/training`) and runs it, streaming
 * status, telemetry and a divergence to the host. Between steps the session yields, so pause,
 * resume, stop and weights requests are answered promptly. It exits after `ended`.
 */
import { parentPort } from 'node:worker_threads';
import { BackendUnavailableError, createBackend, type CreatedBackend } from '../../kernels';
import { createSession, OMEGA_METRIC, scheduledTeachers, SessionError, type Session, type SessionEvent } from '../../src/training';
import type { HostToWorker, StartMessage, WorkerToHost } from './messages';
import { sessionErrorToProtocol } from './errors';

const port = parentPort;
if (port === null) throw new Error('main/sessions/worker.ts runs as a worker thread only (see main/sessions/manager.ts)');

const post = (m: WorkerToHost, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

let session: Session | undefined;
let created: CreatedBackend | undefined;
let started = false;
let startDoc: StartMessage['doc'] | undefined;

function onEvent(e: SessionEvent): void {
  if (e.type === 'status') post({ type: 'status', status: e.status, step: e.step });
  else if (e.type === 'diverged') post({ type: 'diverged', divergence: e.divergence });
  else {
    const b = e.batch;
    // The batch's arrays are fresh copies (`TelemetryBuffer.flush`): hand their memory over.
    const buffers = [b.step, b.loss, b.lr, b.gradNorm, b.clipped, b.paramGradNorms, ...Object.values(b.metrics)].map((a) => a.buffer as ArrayBuffer);
    post({ type: 'telemetry', batch: b }, [...new Set(buffers)]);
  }
}

/**
 * The start document with the current weights: float32 as the design says, float64 when a weight is
 * finite but beyond float32's range (after a divergence), undefined when not even that is finite.
 */
function trainedDocument(s: Session, doc: StartMessage['doc']): StartMessage['doc'] | undefined {
  for (const dtype of ['float32', 'float64'] as const) {
    try {
      return s.document(doc, dtype);
    } catch {
      // a weight this dtype cannot store: try the wider one
    }
  }
  return undefined;
}

function start(m: StartMessage): void {
  try {
    created = createBackend(m.backend);
  } catch (e) {
    const message = e instanceof BackendUnavailableError ? e.message : `backend "${m.backend}" failed to start: ${(e as Error).message}`;
    post({ type: 'failed', error: { code: 'session', message, path: 'backend' } });
    return;
  }
  try {
    session = createSession({
      doc: m.doc,
      config: { ...m.config, backend: m.backend },
      backend: created.backend,
      telemetry: { intervalMs: m.intervalMs, recordEvery: m.recordEvery },
      onEvent,
    });
  } catch (e) {
    created.destroy();
    if (e instanceof SessionError) post({ type: 'failed', error: sessionErrorToProtocol(e) });
    else post({ type: 'failed', error: { code: 'session', message: `the session could not start: ${(e as Error).message}` } });
    return;
  }
  startDoc = m.doc;
  const s = session;
  const metrics = s.plan.losses.map((l) => {
    const type = s.plan.ops[l.op]?.type;
    return `${l.node}.${type === 'MSE' ? 'mse' : 'accuracy'}`;
  });
  // The Pascanu term's Ω is charted beside the loss; the loss metrics stay first.
  if (s.config.pascanu !== undefined) metrics.push(OMEGA_METRIC);
  // A scheduled (or drawn) teacher-forcing ratio is charted too, so the schedule can be watched.
  metrics.push(...scheduledTeachers(s.plan).map((t) => t.metric));
  post({ type: 'ready', backend: { ...created.info, passedOver: [...created.info.passedOver] }, config: s.config, step: s.step, metrics });
  s.start().then(
    (r) => {
      created?.destroy();
      post({ type: 'ended', status: r.status, step: r.step, elapsedMs: r.elapsedMs, lastLoss: r.lastLoss, doc: trainedDocument(s, m.doc) });
    },
    (e: unknown) => post({ type: 'error', message: `training failed at step ${s.step + 1}: ${(e as Error).message}` }),
  );
}

port.on('message', (m: HostToWorker) => {
  if (m.type === 'start') {
    if (started) return;
    started = true;
    start(m);
    return;
  }
  const s = session;
  if (s === undefined) {
    post({ type: 'control', id: m.id, changed: false });
    return;
  }
  if (m.type === 'weights') post({ type: 'weights', id: m.id, doc: trainedDocument(s, startDoc!), step: s.step });
  else post({ type: 'control', id: m.id, changed: m.type === 'pause' ? s.pause() : m.type === 'resume' ? s.resume() : m.type === 'resetState' ? s.resetState() : s.stop() });
});
