/**
 * A training session: a graph, its data and a training config, run step by step with cooperative
 * control. `start()` runs the loop; between steps it yields to the event loop with an awaitable, so
 * `pause()`, `resume()` and `stop()` called meanwhile take effect before the next step. The run is
 * deterministic from the seed; `checkpoint()` captures it and `createSession({ checkpoint })`
 * continues it bit for bit. Pure: no Node or DOM APIs (clock and yield are injectable).
 */
import { compile } from '../compiler/compile';
import type { Plan } from '../compiler/plan';
import type { Batch } from '../data/batch';
import type { TaskInstance } from '../data/task';
import { nodeKernelBackend, type Backend } from '../engine/backend';
import { createRng, Rng } from '../engine/rng';
import { WeightStore } from '../engine/weights';
import type { GraphDocument, StoredWeight } from '../graph/document';
import { CHECKPOINT_FORMAT, graphSignature, parseCheckpoint, type Checkpoint } from './checkpoint';
import { resolveConfig, resolveTelemetry, type ConfigOverrides, type SessionConfig, type TelemetryOptions } from './config';
import { checkData, dataSource, type BindNames } from './data';
import { SessionError } from './errors';
import { edgeValues, TelemetryBuffer, withAttention, type TelemetryBatch, type StepRow } from './telemetry';
import { Trainer, type Evaluation } from './trainer';
import type { Divergence } from './watchdog';

export type SessionStatus = 'idle' | 'running' | 'paused' | 'finished' | 'stopped' | 'diverged';

export type SessionEvent =
  | { readonly type: 'status'; readonly status: SessionStatus; readonly step: number }
  | { readonly type: 'telemetry'; readonly batch: TelemetryBatch }
  | { readonly type: 'diverged'; readonly divergence: Divergence };

export interface SessionOptions {
  /** The graph (its `training` block gives the config defaults, its `weights` the starting weights). */
  readonly doc: Pick<GraphDocument, 'nodes' | 'edges'> & Partial<Pick<GraphDocument, 'training' | 'weights'>>;
  /** The data: a task instance, or fixed batches used in turn; default: the config's `task`. */
  readonly task?: TaskInstance;
  readonly batches?: readonly Batch[];
  /** Which Inputs take the batch's x and y (default: `bindBatch`'s convention). */
  readonly bind?: BindNames;
  /** Changes to the document's training config (`null` removes an optional field). */
  readonly config?: ConfigOverrides;
  /** Kernel backend (default: the float64 reference kernels). */
  readonly backend?: Backend;
  /** Starting weights: `auto` (default) the document's when it has any, else drawn from the seed. */
  readonly init?: 'auto' | 'document' | 'seed';
  /** Continue a run (plain data from `checkpoint()`); `config` still overrides, e.g. a larger `steps`. */
  readonly checkpoint?: unknown;
  /** Compile fused cell steps (no gate probes). Default false. */
  readonly fused?: boolean;
  readonly telemetry?: TelemetryOptions;
  /** Streamed events: status changes, telemetry batches, a divergence. */
  readonly onEvent?: (event: SessionEvent) => void;
  /** Called in process after every completed step (not streamed). */
  readonly onStep?: (row: StepRow) => void;
  /** Watchdog scan of every forward value each step (default true); false scans only when the loss or a gradient is non-finite. */
  readonly scanValues?: boolean;
  /** Milliseconds clock (default `performance.now`, else `Date.now`). */
  readonly clock?: () => number;
  /** Awaited between steps (default: `setImmediate`, else `setTimeout(0)`, else a microtask). */
  readonly yieldTo?: () => Promise<void>;
}

export interface SessionResult {
  readonly status: 'finished' | 'stopped' | 'diverged';
  /** Steps completed (the diverged step is not counted). */
  readonly step: number;
  readonly updates: number;
  readonly elapsedMs: number;
  /** Loss of the last completed step (NaN when none ran). */
  readonly lastLoss: number;
  /** Steps whose gradient was clipped at least once. */
  readonly clippedSteps: number;
  readonly divergence?: Divergence;
}

/** What `Session.document` adds to a document. */
export interface TrainedParts {
  readonly training: SessionConfig;
  /** `<nodeId>.<param>` → stored tensor. */
  readonly weights: Record<string, StoredWeight>;
}

export interface Session {
  readonly plan: Plan;
  readonly config: SessionConfig;
  readonly backend: Backend;
  readonly weights: WeightStore;
  readonly task: TaskInstance | undefined;
  readonly status: SessionStatus;
  readonly step: number;
  /** Runs until `config.steps` steps are done, `stop()`, or a non-finite value. */
  start(): Promise<SessionResult>;
  /** Pauses after the current step; false when not running. */
  pause(): boolean;
  resume(): boolean;
  /** Stops after the current step (also while paused); false when already ended. */
  stop(): boolean;
  /** Stateful training: the next batch starts from the initial states, not the carried ones; false when nothing was carried. */
  resetState(): boolean;
  /** The run's state as plain data; valid between steps. */
  checkpoint(): Checkpoint;
  /** Loss and metrics of the current weights on fixed evaluation batches. */
  evaluate(batches?: number, batchSize?: number): Evaluation;
  /** The document with the current weights (`float32` by default) and the resolved training config. */
  document<D extends Pick<GraphDocument, 'nodes' | 'edges'>>(doc: D, dtype?: 'float32' | 'float64'): Omit<D, 'training' | 'weights'> & TrainedParts;
}

function rngData(rng: Rng): Checkpoint['rng']['data'] {
  const st = rng.state();
  return { s: [st.s[0], st.s[1], st.s[2], st.s[3]], key: st.key, spare: st.spare };
}

function defaultClock(): () => number {
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  return perf ? () => perf.now() : () => Date.now();
}

function defaultYield(): () => Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => unknown; setTimeout?: (f: () => void, ms: number) => unknown };
  if (g.setImmediate) return () => new Promise((r) => g.setImmediate!(r));
  if (g.setTimeout) return () => new Promise((r) => g.setTimeout!(r, 0));
  return () => Promise.resolve();
}

function compiled(doc: SessionOptions['doc'], fused: boolean): Plan {
  const r = compile(doc, { fused });
  if (r.ok) return r.plan;
  const details = r.problems.map((p) => ({ where: p.port ? `${p.nodeId}.${p.port}` : p.nodeId, code: p.code, message: p.message }));
  throw new SessionError('session-compile', `the graph does not compile: ${details.map((d) => `node ${d.where}: ${d.message}`).join('; ')}`, details);
}

function startingWeights(plan: Plan, options: SessionOptions, ck: Checkpoint | undefined, root: Rng): WeightStore {
  const stored = ck?.weights ?? (options.init === 'seed' ? undefined : options.doc.weights);
  const useStored = ck !== undefined || options.init === 'document' || (stored !== undefined && Object.keys(stored).length > 0);
  if (!useStored) return WeightStore.initialise(plan, root);
  const r = WeightStore.fromDocument(plan, stored);
  if (r.ok) return r.store;
  const from = ck ? 'the checkpoint' : 'the document';
  throw new SessionError('session-weights', `the weights of ${from} do not fit the graph: ${r.problems.map((p) => p.message).join('; ')}`, r.problems.map((p) => ({ where: p.name, code: p.code, message: p.message })));
}

export function createSession(options: SessionOptions): Session {
  const ck = options.checkpoint === undefined ? undefined : parseCheckpoint(options.checkpoint);
  if (ck !== undefined) {
    const want = graphSignature(options.doc.nodes);
    if (want.length !== ck.graph.length || want.some((s, i) => s !== ck.graph[i])) {
      throw new SessionError('session-bad-checkpoint', `the checkpoint was written for another graph (nodes ${ck.graph.join(', ')}); open the graph it belongs to`);
    }
  }
  const config = resolveConfig(ck?.config ?? options.doc.training, options.config);
  const telemetry = resolveTelemetry(options.telemetry);
  const plan = compiled(options.doc, options.fused ?? false);
  if (plan.losses.length === 0) throw new SessionError('session-no-loss', 'the graph has no loss node (CrossEntropy, MSE or BCE), so there is nothing to train; add one and wire its target to an Input');
  const root = createRng(config.seed);
  const weights = startingWeights(plan, options, ck, root);
  const source = dataSource(config, options.task, options.batches);
  const backend = options.backend ?? nodeKernelBackend;
  const trainer = new Trainer({
    plan,
    weights,
    backend,
    config,
    source,
    dataRng: ck ? Rng.fromState(ck.rng.data) : root.fork('data'),
    evalRng: () => root.fork('eval'),
    names: options.bind ?? {},
    scanValues: options.scanValues ?? true,
    step: ck?.step ?? 0,
    updates: ck?.updates ?? 0,
    edges: telemetry.recordEvery > 0 ? edgeValues(plan, options.doc) : [],
    nodes: options.doc.nodes,
  });
  if (ck !== undefined) trainer.optimizer.load(ck.optimizer);
  checkData(trainer.exec, source, source.batch(root.fork('check'), 1, 1), options.bind ?? {});

  const clock = options.clock ?? defaultClock();
  const yieldTo = options.yieldTo ?? defaultYield();
  const emit = (e: SessionEvent) => options.onEvent?.(e);
  let status: SessionStatus = 'idle';
  let pauseRequested = false;
  let stopRequested = false;
  let wake: (() => void) | undefined;
  const before = ck?.elapsedMs ?? 0;
  let activeMs = 0; // ms spent running in this session
  let runningSince = 0;
  const elapsed = () => before + activeMs + (status === 'running' ? clock() - runningSince : 0);
  const setStatus = (s: SessionStatus) => {
    if (s === 'running') runningSince = clock();
    else if (status === 'running') activeMs += clock() - runningSince;
    status = s;
    emit({ type: 'status', status: s, step: trainer.step });
  };

  async function loop(): Promise<SessionResult> {
    const buffer = new TelemetryBuffer(telemetry, trainer.trainable, clock());
    const flush = () => {
      const batch = buffer.flush(clock(), elapsed());
      if (batch) emit({ type: 'telemetry', batch });
    };
    let lastLoss = NaN;
    let clippedSteps = 0;
    let divergence: Divergence | undefined;
    setStatus('running');
    while (trainer.step < config.steps && !stopRequested) {
      if (pauseRequested) {
        flush();
        // The waiter exists before 'paused' is announced, so a listener may resume or stop at once.
        const woken = new Promise<void>((r) => (wake = r));
        setStatus('paused');
        await woken;
        wake = undefined;
        if (stopRequested) break;
        setStatus('running');
      }
      const every = telemetry.recordEvery;
      const next = trainer.step + 1;
      const record = every > 0 && (next % every === 0 || next === 1) ? { sample: telemetry.recordSample } : undefined;
      const out = trainer.run(record);
      if (!out.ok) {
        divergence = out.divergence;
        break;
      }
      lastLoss = out.row.loss;
      if (out.row.clipped > 0) clippedSteps++;
      buffer.push(out.row);
      if (out.recording) buffer.record(withAttention(out.recording, trainer.exec));
      options.onStep?.(out.row);
      if (buffer.due(clock())) flush();
      await yieldTo();
    }
    flush();
    if (divergence) emit({ type: 'diverged', divergence });
    const end = divergence ? 'diverged' : stopRequested && trainer.step < config.steps ? 'stopped' : 'finished';
    setStatus(end);
    return { status: end, step: trainer.step, updates: trainer.updates, elapsedMs: elapsed(), lastLoss, clippedSteps, ...(divergence ? { divergence } : {}) };
  }

  const session: Session = {
    plan,
    config,
    backend,
    weights,
    task: source.task,
    get status() {
      return status;
    },
    get step() {
      return trainer.step;
    },
    start() {
      if (status !== 'idle') return Promise.reject(new SessionError('session-state', `the session has already been started (it is ${status}); create a new session to train again`));
      return loop();
    },
    pause() {
      if (status !== 'running' || pauseRequested) return false;
      pauseRequested = true;
      return true;
    },
    resume() {
      if (!pauseRequested) return false;
      pauseRequested = false;
      wake?.();
      return true;
    },
    resetState() {
      const had = trainer.carriesState;
      trainer.resetState();
      return had;
    },
    stop() {
      if (status === 'finished' || status === 'stopped' || status === 'diverged' || stopRequested) return false;
      stopRequested = true;
      wake?.();
      return true;
    },
    checkpoint() {
      return {
        format: CHECKPOINT_FORMAT,
        version: 1,
        step: trainer.step,
        updates: trainer.updates,
        config,
        graph: graphSignature(options.doc.nodes),
        weights: weights.toDocument('float64'),
        optimizer: trainer.optimizer.state(),
        rng: { data: rngData(trainer.dataRng) },
        elapsedMs: elapsed(),
      };
    },
    evaluate: (batches, batchSize) => trainer.evaluate(batches, batchSize),
    document(doc, dtype = 'float32') {
      return { ...doc, training: config, weights: weights.toDocument(dtype) };
    },
  };
  return session;
}
