/**
 * The host's `trace.run` and `trace.gradcheck` requests: one batch of the open graph run forward and
 * backward on the reference kernels (float64), reduced per document output and step for the
 * step-through panel; and the finite-difference check of one node's parameters through the whole
 * graph. Weights: the named training session's latest, else the document's, else the initial ones of
 * its training seed. Both run on the host's thread, like `infer`: a traced batch is a few samples of
 * at most `MAX_TRACE_STEPS` steps, and the check uses a batch of 2 × 5 steps and at most
 * `GRADCHECK_PER_TENSOR` elements per tensor (tens of milliseconds for the examples).
 */
import { compile } from '../src/compiler/compile';
import type { Plan } from '../src/compiler/plan';
import { BindError, bindBatch, type BatchFeed } from '../src/engine/feeds';
import { documentTask, documentWeights, InferenceError } from '../src/engine/inference';
import { createRng } from '../src/engine/rng';
import { traceBatch } from '../src/engine/trace';
import type { WeightStore } from '../src/engine/weights';
import type { GraphDocument } from '../src/graph/document';
import { fail, MAX_TRACE_STEPS, ok, TRACE_LEAD, type ParsedPayload, type Reply, type Result } from '../src/protocol';
import { gradcheckGraph, randomFeed } from '../src/training/gradcheck-graph';
import type { SessionManager } from './sessions/manager';
import { documentFor } from './sessions/session-doc';

/** Most elements compared per weight tensor by `trace.gradcheck` (a seeded sample of larger ones). */
export const GRADCHECK_PER_TENSOR = 40;
const GRADCHECK_RTOL = 1e-5;

type Weights = { source: 'session' | 'document' | 'initial'; step?: number };

interface Prepared {
  readonly doc: GraphDocument;
  readonly plan: Plan;
  readonly store: WeightStore;
  readonly weights: Weights;
}

/** The graph, its plan and the weights to use, or the reason there are none. */
async function prepare(p: { doc: GraphDocument; sessionId?: string }, sessions: SessionManager | undefined): Promise<Reply<Prepared>> {
  const found = await documentFor(p, sessions, 'ask');
  if (!found.ok) return found;
  const { doc, step } = found.result;
  const compiled = compile(doc);
  if (!compiled.ok) return fail('trace', `the graph does not compile: ${compiled.problems.map((q) => `node ${q.nodeId}: ${q.message}`).join('; ')}`, 'doc');
  try {
    const { store, source } = documentWeights(compiled.plan, doc);
    return ok({ doc, plan: compiled.plan, store, weights: step !== undefined ? { source: 'session', step } : { source } });
  } catch (e) {
    if (e instanceof InferenceError) return fail('trace', e.message, 'doc');
    throw e;
  }
}

/** The batch to trace: one of the document's task, or random data. */
function traceFeed(p: ParsedPayload<'trace.run'>, doc: GraphDocument, plan: Plan): Reply<{ feed: BatchFeed; data: 'task' | 'random'; task?: string }> {
  const task = documentTask(doc);
  const data = p.data ?? (task === undefined ? 'random' : 'task');
  const B = p.batchSize ?? 2;
  const rng = createRng(p.seed ?? 1);
  if (data === 'random') return ok({ feed: randomFeed(plan, B, p.steps ?? 8, rng), data });
  if (task === undefined) return fail('trace', `the document names no built-in training task (training.task is ${JSON.stringify(doc.training?.task ?? null)}); trace random data instead`, 'data');
  const batch = task.batch(rng, B);
  const T1 = batch.target?.T ?? 0;
  if (batch.T > MAX_TRACE_STEPS || T1 > MAX_TRACE_STEPS) return fail('trace', `the task "${task.id}" gives sequences of ${Math.max(batch.T, T1)} steps; step-through shows at most ${MAX_TRACE_STEPS}: shorten the task's T or trace random data`, 'data');
  try {
    return ok({ feed: bindBatch(plan, batch), data, task: task.id });
  } catch (e) {
    if (e instanceof BindError) return fail('trace', `the task "${task.id}" does not fit the graph: ${e.message}`, 'data');
    throw e;
  }
}

const finite = (a: ArrayLike<number>): boolean => Array.prototype.every.call(a, (x: number) => Number.isFinite(x));

export async function traceRun(p: ParsedPayload<'trace.run'>, sessions: SessionManager | undefined): Promise<Reply<Result<'trace.run'>>> {
  const prepared = await prepare(p, sessions);
  if (!prepared.ok) return prepared;
  const { doc, plan, store, weights } = prepared.result;
  const fed = traceFeed(p, doc, plan);
  if (!fed.ok) return fed;
  const trace = traceBatch(plan, doc, store, fed.result.feed, { lead: TRACE_LEAD, sample: 0, seed: doc.training?.seed ?? 1 });
  const bad = trace.ports.find((q) => !finite(q.norms) || !finite(q.grads) || !finite(q.lead));
  if (bad !== undefined || !Number.isFinite(trace.loss)) {
    return fail('trace', `${bad === undefined ? 'the loss' : `the output "${bad.port}" of node "${bad.node}"`} is not finite on this batch: the weights have diverged; start from the document's weights or retrain`, 'doc');
  }
  return ok({
    weights,
    data: fed.result.data,
    ...(fed.result.task === undefined ? {} : { task: fed.result.task }),
    T: trace.T,
    targetT: trace.targetT,
    B: trace.B,
    lengths: Array.from(trace.lengths),
    sample: 0,
    loss: trace.loss,
    ports: trace.ports.map((q) => ({ ...q, norms: Array.from(q.norms), grads: Array.from(q.grads), lead: Array.from(q.lead) })),
    edges: [...trace.edges],
  });
}

export async function traceGradcheck(p: ParsedPayload<'trace.gradcheck'>, sessions: SessionManager | undefined): Promise<Reply<Result<'trace.gradcheck'>>> {
  const prepared = await prepare(p, sessions);
  if (!prepared.ok) return prepared;
  const { doc, plan, store, weights } = prepared.result;
  const node = doc.nodes.find((n) => n.id === p.node);
  if (node === undefined) return fail('trace', `there is no node "${p.node}" in the graph`, 'node');
  const origin = new Map(plan.ops.map((op) => [op.node, op.origin]));
  if (!plan.params.some((q) => (origin.get(q.node) ?? q.node) === p.node)) return fail('trace', `${node.type} node "${p.node}" has no weights, so there is no gradient to check; select a node with weights (a cell, Linear, Embedding…)`, 'node');
  const rng = createRng(p.seed ?? 1);
  const feed = randomFeed(plan, 2, 5, rng.fork('feed'));
  const report = gradcheckGraph(plan, store, feed, rng.fork('pick'), { nodes: [p.node], maxPerParam: GRADCHECK_PER_TENSOR, rtol: GRADCHECK_RTOL });
  if (!Number.isFinite(report.loss)) return fail('trace', 'the loss is not finite on the check batch: the weights have diverged', 'doc');
  return ok({
    weights,
    node: p.node,
    loss: report.loss,
    rtol: GRADCHECK_RTOL,
    pass: report.pass,
    params: report.params.map(({ name, checked, size, maxRelError, maxAbsError, pass }) => ({ name, checked, size, maxRelError, maxAbsError, pass })),
  });
}
