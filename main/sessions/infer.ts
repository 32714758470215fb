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
import { fail, ok, type ParsedPayload, type Reply, type Result } from '../../src/protocol';
import type { SessionManager } from './manager';
import { documentFor } from './session-doc';

export async function infer(p: ParsedPayload<'infer'>, sessions: SessionManager | undefined): Promise<Reply<Result<'infer'>>> {
  const found = await documentFor(p, sessions, 'infer');
  if (!found.ok) return found;
  const { doc, step } = found.result;
  const session = step === undefined ? undefined : { step };
  try {
    return ok(await runInference(doc, p.request, { session, yieldTo: () => new Promise((r) => setImmediate(r)) }));
  } catch (e) {
    if (!(e instanceof InferenceError)) throw e;
    if (e.code === 'infer-bad-input') return fail('inference', e.message, e.field === undefined ? 'request' : `request.${e.field}`);
    return fail('inference', e.message, 'doc');
  }
}
