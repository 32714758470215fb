import type { GraphDocument } from '../../src/graph/document';
import { restore } from '../../src/graph/restore';
import { fail, ok, type Reply } from '../../src/protocol';
import type { SessionManager } from './manager';

/**
 * The document a request about "the trained model" works on: with `sessionId`, the session's latest
 * trained document (asked of its worker between steps, or kept after it ended) and its step; else the
 * payload's document, restored (the renderer is untrusted; a problem names its `doc.` path).
 */
export async function documentFor(p: { readonly doc: unknown; readonly sessionId?: string }, sessions: SessionManager | undefined, request: string): Promise<Reply<{ doc: GraphDocument; step?: number }>> {
  if (p.sessionId !== undefined) {
    if (sessions === undefined) return fail('unsupported', `this host was started without training sessions, so it has no session weights: ${request} without sessionId`, 'sessionId');
    const got = await sessions.weights(p.sessionId);
    if (!got.ok) return got;
    return ok({ doc: got.result.doc, step: got.result.step });
  }
  const restored = restore(p.doc);
  if (!restored.ok) {
    const first = restored.problems[0]!;
    return fail('bad-payload', `the document does not restore: ${restored.problems.map((q) => `${q.path}: ${q.message}`).join('; ')}`, `doc${first.path.slice(1)}`);
  }
  return ok({ doc: restored.doc });
}
