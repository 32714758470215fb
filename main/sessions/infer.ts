/**
 * The host's `infer` request: the graph run on a person's own input, with the latest weights of the
 * named training session (asked of its worker between steps, or kept after it ended), else the
 * document's. A model that cannot answer comes back as an `inference` error naming the field
 * (`request.seed`), node or character; a malformed payload was already refused as `bad-payload`.
 *
 * It runs here, on the host's thread, not in a worker: the models are small, one answer is a few
 * forward passes over short sequences, and starting a worker thread and loading the engine into it
 * costs more than most answers. The long answers (generation and forecasting re-run the forward pass
 * on the prefix for every new token, O(n²): about 0.7 s for 100 characters of the LSTM character
 * model, 4 s for `MAX_INFER_LENGTH`) yield to the event loop after every token, so the host keeps
 * serving other requests and the training sessions' telemetry meanwhile; each forward between two
 * yields takes tens of milliseconds at the protocol's limits. Training keeps its workers.
 */
import { InferenceError, runInference } from '../../src/engine/inference';
import type { GraphDocument } from '../../src/graph/document';
import { restore } from '../../src/graph/restore';
import { fail, ok, type ParsedPayload, type Reply, type Result } from '../../src/protocol';
import type { SessionManager } from './manager';

export async function infer(p: ParsedPayload<'infer'>, sessions: SessionManager | undefined): Promise<Reply<Result<'infer'>>> {
  let doc: GraphDocument;
  let session: { step: number } | undefined;
  if (p.sessionId !== undefined) {
    if (sessions === undefined) return fail('unsupported', 'this host was started without training sessions, so it has no session weights: infer without sessionId', 'sessionId');
    const got = await sessions.weights(p.sessionId);
    if (!got.ok) return got;
    doc = got.result.doc;
    session = { step: got.result.step };
  } else {
    const restored = restore(p.doc);
    if (!restored.ok) {
      const first = restored.problems[0]!;
      return fail('bad-payload', `the document does not restore: ${restored.problems.map((q) => `${q.path}: ${q.message}`).join('; ')}`, `doc${first.path.slice(1)}`);
    }
    doc = restored.doc;
  }
  try {
    return ok(await runInference(doc, p.request, { session, yieldTo: () => new Promise((r) => setImmediate(r)) }));
  } catch (e) {
    if (!(e instanceof InferenceError)) throw e;
    if (e.code === 'infer-bad-input') return fail('inference', e.message, e.field === undefined ? 'request' : `request.${e.field}`);
    return fail('inference', e.message, 'doc');
  }
}
