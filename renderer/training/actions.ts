import { getTask } from '../../src/data/registry';
import type { GraphDocument } from '../../src/graph/document';
import { restore } from '../../src/graph/restore';
import { decodeTelemetry, type ConfigOverridesPayload, type HostEvent, type Payload } from '../../src/protocol';
import { getHost } from '../host';
import { ingestTelemetry, useInsight } from '../insight/insightStore';
import { t } from '../i18n';
import { paramFields, parseFieldInput } from '../inspector/paramFields';
import { useApp } from '../store';
import { modelName } from './compare';
import { parseLambda, pascanuBlock, pascanuNodes, pascanuProblem } from './pascanu';
import { useTraining, type FormField, type Run, type RunStatus, type TrainingForm } from './trainingStore';

/**
 * The dashboard's actions: Start (the form parsed here, the document sent to the host, which
 * restores and checks it again), Pause / Resume / Stop, the session's events, and "Keep trained
 * weights", which puts the session's weights and config into the open document as one undoable
 * step (the document becomes unsaved, so Save and Export include them).
 */

/** What identifies a graph for training: ids, kinds, params and wiring (not positions or labels). */
export function graphSignature(doc: Pick<GraphDocument, 'nodes' | 'edges'>): string {
  return JSON.stringify([doc.nodes.map((n) => [n.id, n.type, n.version, n.params]), doc.edges.map((e) => [e.source.node, e.source.port, e.target.node, e.target.port])]);
}

type StartPayload = Payload<'session.start'>;
export type ParsedForm = { ok: true; payload: Omit<StartPayload, 'doc'> } | { ok: false; errors: Partial<Record<FormField, string>> };

/**
 * Parses the form into a `session.start` payload (without the document), or says which fields are
 * wrong. `graph` is the graph to train: the Pascanu regulariser's nodes default to its RNN, LSTM and GRU cells,
 * and its setting is checked by the engine's own rule (the message goes beside the control).
 */
export function parseForm(form: TrainingForm, graph: Pick<GraphDocument, 'nodes' | 'edges'> & Partial<Pick<GraphDocument, 'training'>> = { nodes: [], edges: [] }): ParsedForm {
  const errors: Partial<Record<FormField, string>> = {};
  const number = (field: FormField, text: string, check: (v: number) => boolean, key: string): number => {
    const v = text.trim() === '' ? NaN : Number(text);
    if (!Number.isFinite(v) || !check(v)) errors[field] = t(`training.errors.${key}`);
    return v;
  };
  const int = (lo: number) => (v: number) => Number.isInteger(v) && v >= lo;
  const lr = number('lr', form.lr, (v) => v > 0, 'positive');
  const batchSize = number('batchSize', form.batchSize, (v) => int(1)(v) && v <= 65536, 'batchSize');
  const steps = number('steps', form.steps, (v) => int(1)(v) && v <= 1e9, 'integer1');
  const seed = number('seed', form.seed, (v) => int(0)(v) && v < 2 ** 32, 'seed');
  const clip = form.clip.trim() === '' ? null : number('clip', form.clip, (v) => v > 0, 'positive');
  let tbptt: { k1: number; k2: number } | null = null;
  if (form.k1.trim() !== '' || form.k2.trim() !== '') {
    const k1 = number('k1', form.k1, int(1), 'integer1');
    const k2 = number('k2', form.k2, int(1), 'integer1');
    if (errors.k1 === undefined && errors.k2 === undefined && k2 < k1) errors.k2 = t('training.errors.k2');
    tbptt = { k1, k2 };
  }
  const def = getTask(form.task);
  const taskParams: Record<string, number | string | boolean> = {};
  if (def === undefined) errors.task = t('training.errors.task');
  else {
    for (const field of paramFields(def.params)) {
      const text = form.taskParams[field.name] ?? '';
      if (text.trim() === '') continue;
      const parsed = parseFieldInput(field, text);
      if (!parsed.ok || !['number', 'string', 'boolean'].includes(typeof parsed.value)) errors[`taskParams.${field.name}`] = t(`inspector.${parsed.ok ? 'notJson' : parsed.error}`);
      else taskParams[field.name] = parsed.value as number | string | boolean;
    }
    const checked = def.params.safeParse(taskParams);
    if (!checked.success) for (const issue of checked.error.issues) errors[`taskParams.${String(issue.path[0] ?? '')}`] ??= issue.message;
  }
  // The regulariser counts only while the control is available (RNN, LSTM or GRU cells, full BPTT); off, the
  // document's setting (if any) is removed from the run's config.
  let pascanu: { nodes: string[]; lambda: number } | null = null;
  if (form.pascanu && pascanuBlock(form, graph) === undefined) {
    const lambda = parseLambda(form.pascanuLambda);
    if (lambda === undefined) errors.pascanuLambda = t('training.errors.nonNegative');
    else {
      pascanu = { nodes: pascanuNodes(form, graph), lambda };
      const problem = pascanuProblem(graph, pascanu);
      if (problem !== undefined) errors.pascanu = problem;
    }
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const config: ConfigOverridesPayload = { optimizer: { kind: form.optimizer, lr }, batchSize, steps, seed, clip: clip === null ? null : { kind: 'norm', max: clip }, tbptt };
  if (pascanu !== null || graph.training?.pascanu !== undefined) config.pascanu = pascanu;
  if (form.stateful || graph.training?.stateful !== undefined) config.stateful = form.stateful ? true : null;
  return { ok: true, payload: { config, task: form.task, taskParams, backend: form.backend } };
}

/** A host error's payload path → the form field to mark (`config.optimizer.lr` → `lr`). */
export function fieldOfPath(path: string | undefined): FormField | undefined {
  if (path === undefined) return undefined;
  if (path.startsWith('taskParams.')) return path as FormField;
  const map: Record<string, FormField> = { task: 'task', taskParams: 'task', backend: 'backend', 'config.optimizer': 'lr', 'config.batchSize': 'batchSize', 'config.steps': 'steps', 'config.seed': 'seed', 'config.clip': 'clip', 'config.tbptt': 'k1', 'config.tbptt.k2': 'k2', 'config.pascanu': 'pascanu', 'config.pascanu.lambda': 'pascanuLambda', 'config.stateful': 'stateful' };
  const key = Object.keys(map)
    .sort((a, b) => b.length - a.length)
    .find((k) => path === k || path.startsWith(`${k}.`));
  return key === undefined ? undefined : map[key];
}

/** Session events that arrive before `session.start` has answered with the session's id. */
let early: HostEvent[] = [];

function host() {
  const h = getHost();
  if (h === null) useApp.getState().notify('error', t('app.noHost'), 'no-host');
  return h;
}

export async function startTraining(): Promise<boolean> {
  const tr = useTraining.getState();
  const doc = useApp.getState().doc;
  const parsed = parseForm(tr.form, doc);
  tr.setFieldErrors(parsed.ok ? {} : parsed.errors);
  if (!parsed.ok) return false;
  const h = host();
  if (h === null) return false;
  tr.resetSeries();
  useInsight.getState().reset(parsed.payload.config?.clip?.max);
  tr.setError(undefined);
  const total = parsed.payload.config?.steps ?? 0;
  const about = { model: modelName(doc.nodes, doc.meta.name), task: parsed.payload.task ?? tr.form.task, seed: parsed.payload.config?.seed ?? 0 };
  tr.setRun({ id: undefined, status: 'starting', step: 0, total, signature: graphSignature(doc), stepsPerSecond: 0, elapsedMs: 0, about });
  early = [];
  const reply = await h.call('session.start', { doc, ...parsed.payload });
  if (!reply.ok) {
    const field = fieldOfPath(reply.error.path);
    tr.setRun(undefined);
    tr.setError({ message: reply.error.message, ...(field === undefined ? {} : { field }), ...(reply.error.details === undefined ? {} : { details: reply.error.details }) });
    return false;
  }
  const r = reply.result;
  useTraining.getState().patchRun({ id: r.sessionId, status: 'running', step: r.step, total: r.totalSteps, backend: r.backend, metrics: r.metrics, ...(r.metrics[0] === undefined ? {} : { metric: r.metrics[0] }), ...(r.config.tbptt === undefined ? {} : { tbptt: { k1: r.config.tbptt.k1, k2: r.config.tbptt.k2 } }) });
  const waiting = early;
  early = [];
  for (const e of waiting) handleSessionEvent(e);
  return true;
}

export async function controlTraining(action: 'pause' | 'resume' | 'stop' | 'resetState'): Promise<void> {
  const id = useTraining.getState().run?.id;
  const h = host();
  if (id === undefined || h === null) return;
  const reply = await h.call(`session.${action}`, { sessionId: id });
  if (!reply.ok) useApp.getState().notify('error', t('training.controlFailed', { message: reply.error.message }), reply.error.code);
}

const ENDED: Readonly<Record<string, RunStatus>> = { finished: 'finished', stopped: 'stopped', diverged: 'diverged', failed: 'failed' };

/** Applies one `session.*` event from the host to the dashboard (other sessions' events are ignored). */
export function handleSessionEvent(e: HostEvent): void {
  if (!e.name.startsWith('session.')) return;
  const tr = useTraining.getState();
  const run = tr.run;
  if (run === undefined) return;
  if (run.id === undefined) {
    if (run.status === 'starting') early.push(e);
    return;
  }
  if ((e.payload as { sessionId?: string }).sessionId !== run.id) return;
  switch (e.name) {
    case 'session.status': {
      const status = e.payload.status;
      if (status === 'running' || status === 'paused') tr.patchRun({ status, step: e.payload.step });
      else if (status !== 'idle') tr.patchRun({ status: ENDED[status]!, step: e.payload.step });
      return;
    }
    case 'session.telemetry': {
      const f = decodeTelemetry(e.payload);
      const metric = run.metric === undefined ? undefined : f.metrics[run.metric];
      for (let i = 0; i < f.count; i++) {
        tr.loss.push(f.step[i]!, f.loss[i]!);
        if (metric !== undefined) tr.metric.push(f.step[i]!, metric[i]!);
      }
      for (const name of run.metrics ?? []) {
        const values = f.metrics[name];
        if (name === run.metric || values === undefined) continue;
        const series = tr.extraSeries(name);
        for (let i = 0; i < f.count; i++) series.push(f.step[i]!, values[i]!);
      }
      ingestTelemetry(f, e.payload.records);
      if (f.count > 0) tr.patchRun({ step: Math.max(run.step, f.step[f.count - 1]!), stepsPerSecond: f.stepsPerSecond, elapsedMs: f.elapsedMs });
      tr.touch();
      return;
    }
    case 'session.diverged': {
      const d = e.payload.divergence;
      tr.patchRun({ divergence: { node: d.node, value: d.value, ...(d.step === undefined ? {} : { step: d.step }), ...(d.axis === undefined ? {} : { axis: d.axis }), trainingStep: d.trainingStep, found: d.found, stage: d.stage, message: d.message } });
      return;
    }
    case 'session.error':
      tr.setError({ message: e.payload.message });
      return;
    case 'session.ended':
      tr.patchRun({ status: ENDED[e.payload.status]!, step: e.payload.step });
      return;
  }
}

/** Whether the run's weights can go into the document: it has trained at least one step and is over or paused. */
export function canKeep(run: Run | undefined): boolean {
  return run?.id !== undefined && run.step > 0 && ['paused', 'finished', 'stopped', 'diverged'].includes(run.status);
}

/** "Keep trained weights": the session's weights and config into the open document, one undo step. */
export async function keepTrainedWeights(): Promise<boolean> {
  const run = useTraining.getState().run;
  const h = host();
  if (run?.id === undefined || h === null) return false;
  const reply = await h.call('session.weights', { sessionId: run.id });
  const app = useApp.getState();
  if (!reply.ok) {
    app.notify('error', t('training.keepFailed', { message: reply.error.message }), reply.error.code);
    return false;
  }
  if (graphSignature(app.doc) !== run.signature) {
    app.notify('error', t('training.graphChanged'), 'graph-changed');
    return false;
  }
  const { training, weights } = reply.result.doc;
  const checked = restore({ ...app.doc, training, weights });
  if (!checked.ok) {
    app.notify('error', t('training.keepFailed', { message: checked.problems.map((p) => `${p.path}: ${p.message}`).join('; ') }), 'weights-refused');
    return false;
  }
  app.replaceTrained({ training: checked.doc.training, weights: checked.doc.weights });
  useTraining.getState().patchRun({ keptStep: reply.result.step });
  app.notify('info', t('training.kept', { step: reply.result.step }));
  return true;
}
