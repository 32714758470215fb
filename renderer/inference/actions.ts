import type { InferenceSetup } from '../../src/engine/inference';
import { getHost } from '../host';
import { t } from '../i18n';
import { useApp } from '../store';
import { graphSignature } from '../training/actions';
import { useTraining } from '../training/trainingStore';
import { useInference } from './inferenceStore';
import { buildRequest } from './request';

/**
 * Run: the open document and the form go to the host's `infer` request. When the training
 * dashboard's run trained this very graph (same ids, kinds, params and wiring), its session id goes
 * too, so the answer uses the latest trained weights — also while it is still training; otherwise
 * the document's own weights. A session the host no longer keeps falls back to the document.
 */

/** The session whose weights fit the open graph, if any. */
export function usableSession(): string | undefined {
  const run = useTraining.getState().run;
  if (run?.id === undefined || run.status === 'failed' || run.status === 'starting') return undefined;
  return graphSignature(useApp.getState().doc) === run.signature ? run.id : undefined;
}

/**
 * Sends the form as the graph's request. `text`: the input is the task's text (a story and its
 * question), which also gives the vector Inputs, so no condition goes with it.
 */
export async function runInferenceRequest(setup: Pick<InferenceSetup, 'mode' | 'conditions'>, text = false): Promise<boolean> {
  const s = useInference.getState();
  if (s.running) return false;
  const built = buildRequest(setup.mode, s.form, Math.floor(Math.random() * 2 ** 32), !text && (setup.conditions?.length ?? 0) > 0);
  if (!built.ok) {
    s.setOutcome(undefined, { message: t('inference.badNumber', { field: t(`inference.${built.field}`), limit: built.limit }), path: built.field });
    return false;
  }
  const host = getHost();
  if (host === null) {
    s.setOutcome(undefined, { message: t('app.noHost') });
    return false;
  }
  const doc = useApp.getState().doc;
  const sessionId = usableSession();
  s.setRunning(true);
  try {
    let reply = await host.call('infer', { doc, request: built.request, ...(sessionId === undefined ? {} : { sessionId }) });
    if (!reply.ok && sessionId !== undefined && reply.error.path === 'sessionId') reply = await host.call('infer', { doc, request: built.request });
    if (reply.ok) s.setOutcome(reply.result, undefined);
    else s.setOutcome(undefined, { message: reply.error.message, ...(reply.error.path === undefined ? {} : { path: reply.error.path }) });
    return reply.ok;
  } finally {
    useInference.getState().setRunning(false);
  }
}
