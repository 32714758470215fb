import { getHost } from '../host';
import { t } from '../i18n';
import { usableSession } from '../inference/actions';
import { useApp } from '../store';
import { graphSignature } from '../training/actions';
import { useTime } from '../unrolled/viewStore';
import { momentAt, traceSteps, useStep } from './stepStore';

/**
 * The step-through panel's requests: `trace.run` (one batch forward and backward on the host's
 * reference backend) and `trace.gradcheck` (one node's finite-difference check). The weights are
 * those of the training run when it trained this very graph, else the document's.
 */

/** Moves the walk to moment `m` and the shared time step with it. */
export function goTo(m: number): void {
  const trace = useStep.getState().trace;
  if (trace === undefined) return;
  const T = traceSteps(trace);
  const k = Math.max(0, Math.min(2 * T - 1, m));
  useStep.getState().setMoment(k);
  useTime.getState().setStep(momentAt(k, T).t);
}

export function stepBy(delta: number): void {
  goTo(useStep.getState().moment + delta);
}

export async function runTrace(): Promise<boolean> {
  const s = useStep.getState();
  if (s.running) return false;
  const host = getHost();
  if (host === null) {
    useStep.setState({ error: { message: t('app.noHost') } });
    return false;
  }
  const doc = useApp.getState().doc;
  const sessionId = usableSession();
  const payload = { doc, data: s.data, batchSize: 2, steps: 8 } as const;
  useStep.setState({ running: true, error: undefined });
  try {
    let reply = await host.call('trace.run', { ...payload, ...(sessionId === undefined ? {} : { sessionId }) });
    if (!reply.ok && sessionId !== undefined && reply.error.path === 'sessionId') reply = await host.call('trace.run', payload);
    if (!reply.ok) {
      useStep.setState({ error: { message: reply.error.message, ...(reply.error.path === undefined ? {} : { path: reply.error.path }) } });
      return false;
    }
    useStep.setState({ trace: reply.result, signature: graphSignature(doc) });
    goTo(0);
    return true;
  } finally {
    useStep.setState({ running: false });
  }
}

export async function runGradcheck(node: string): Promise<boolean> {
  const host = getHost();
  const set = (entry: StepCheck) => useStep.setState((s) => ({ checks: { ...s.checks, [node]: entry } }));
  if (host === null) {
    set({ running: false, error: { message: t('app.noHost') } });
    return false;
  }
  if (useStep.getState().checks[node]?.running === true) return false;
  const doc = useApp.getState().doc;
  const sessionId = usableSession();
  set({ running: true });
  let reply = await host.call('trace.gradcheck', { doc, node, ...(sessionId === undefined ? {} : { sessionId }) });
  if (!reply.ok && sessionId !== undefined && reply.error.path === 'sessionId') reply = await host.call('trace.gradcheck', { doc, node });
  if (reply.ok) set({ running: false, result: reply.result });
  else set({ running: false, error: { message: reply.error.message, ...(reply.error.path === undefined ? {} : { path: reply.error.path }) } });
  return reply.ok;
}

type StepCheck = ReturnType<typeof useStep.getState>['checks'][string];
