/**
 * One training step, synchronously: draw a batch, forward, backward (full BPTT, or truncated BPTT
 * with an update after each chunk and the state carried; refused for an encoder–decoder graph, whose
 * second time axis needs the whole source), clip, update, with the NaN/Inf watchdog
 * between the passes. With `config.pascanu` (full BPTT only) the step adds the Pascanu term: clipping
 * and the update use the gradient of `L + λΩ`; the row's loss stays L and Ω is the metric `pascanu.omega`. A step that produces a non-finite number leaves weights, optimiser state,
 * update count and data generator exactly as they were before it.
 *
 * Randomness (each concern its own fork of `createRng(seed)`): `init` for the weights (inside
 * `WeightStore.initialise`), `data` for the batches, `eval` for evaluation batches, and `teacher <n>`
 * for the teacher-forcing draws of step n (derived from the step number, so a rolled-back or resumed
 * step draws the same). Evaluation runs as inference: teacher forcing off, the model's own outputs.
 */
import type { Plan } from '../compiler/plan';
import type { Backend } from '../engine/backend';
import { chunkRanges, type ChunkRange } from '../engine/bptt';
import { clipGradients } from '../engine/clip';
import { Executor } from '../engine/executor';
import { PascanuError, pascanuTerm, resolvePascanu, type PascanuNode, type PascanuSetup } from '../engine/pascanu';
import { createOptimizer, type Optimizer, type OptimizerState, type ParamSlot } from '../engine/optim';
import { Rng } from '../engine/rng';
import { learningRate } from '../engine/schedule';
import { recurrenceGradNorms } from '../engine/telemetry-records';
import { getNodeSpec } from '../nodes/registry';
import type { WeightStore } from '../engine/weights';
import type { SessionConfig } from './config';
import { feedOf, type BindNames, type DataSource } from './data';
import { SessionError } from './errors';
import { metricSums, metricValues, type MetricSum } from './metrics';
import { edgeGradNorms, paramHistograms, zeroGradNodes, type EdgeValue, type ParamHistogram, type Recording, type StepRow, type TraceRecord } from './telemetry';
import { scheduledTeachers, teacherRatios, type ScheduledTeacher } from './teacher';
import { sampleTokens } from './tokens';
import { divergence, Watchdog, type Divergence } from './watchdog';

export interface TrainerParts {
  readonly plan: Plan;
  readonly weights: WeightStore;
  readonly backend: Backend;
  readonly config: SessionConfig;
  readonly source: DataSource;
  readonly dataRng: Rng;
  readonly evalRng: () => Rng;
  readonly names: BindNames;
  /** Run the watchdog's full scan of forward values every step (default); otherwise only when the loss or a gradient is non-finite. */
  readonly scanValues: boolean;
  readonly step: number;
  readonly updates: number;
  /** The document's edges and the values they carry, for the per-edge gradient norms of records (default none). */
  readonly edges?: readonly EdgeValue[];
  /** The document's nodes: the Pascanu term (`config.pascanu`) names RNN nodes among them. */
  readonly nodes?: readonly PascanuNode[];
}

/** The metric under which a step reports Ω (summed over the regularised nodes). */
export const OMEGA_METRIC = 'pascanu.omega';

/** `config.pascanu` checked against the plan; throws `session-bad-config` naming the field. */
export function trainingPascanu(plan: Plan, nodes: readonly PascanuNode[], config: SessionConfig): PascanuSetup | undefined {
  const p = config.pascanu;
  if (p === undefined) return undefined;
  const bad = (message: string) => new SessionError('session-bad-config', `training.pascanu: ${message}`, [{ where: 'pascanu', code: 'invalid', message }]);
  if (config.tbptt !== undefined) throw bad('the Pascanu term needs full BPTT; remove tbptt or the regulariser');
  let setup: PascanuSetup;
  try {
    setup = resolvePascanu(plan, nodes, p);
  } catch (e) {
    if (e instanceof PascanuError) throw bad(e.message);
    throw e;
  }
  const onTarget = new Set(plan.buffers.filter((v) => v.axis === 1).map((v) => v.id));
  const decoder = setup.cells.find((c) => onTarget.has(c.source));
  if (decoder !== undefined) throw bad(`${nodes.find((n) => n.id === decoder.node)?.type ?? 'cell'} node "${decoder.node}" runs on the target (decoder) time axis; the Pascanu term regularises source-axis (encoder) cells only — leave it out of the list`);
  return setup;
}

/** Truncated BPTT on an encoder–decoder graph: refused with `session-bad-config` (the decoder needs the whole source first). */
export function refuseTruncatedTwoAxes(plan: Plan, config: SessionConfig): void {
  if (config.tbptt === undefined || !plan.buffers.some((v) => v.axis === 1)) return;
  const target = plan.inputs.filter((i) => i.axis === 1).map((i) => `"${i.node}"`);
  const message = `this graph has a second (target) time axis (Inputs ${target.join(', ')}): its decoder starts only after the whole source sequence has been read, so it trains with full BPTT only; remove tbptt`;
  throw new SessionError('session-bad-config', `training.tbptt: ${message}`, [{ where: 'tbptt', code: 'invalid', message }]);
}

export type StepOutcome = { readonly ok: true; readonly row: StepRow; readonly recording?: Recording } | { readonly ok: false; readonly divergence: Divergence };

export interface Evaluation {
  /** Mean over the batches of the reduced loss. */
  readonly loss: number;
  /** Metrics pooled over all valid steps of all batches. */
  readonly metrics: Record<string, number>;
  readonly batches: number;
}

export class Trainer {
  readonly plan: Plan;
  readonly weights: WeightStore;
  readonly exec: Executor;
  readonly optimizer: Optimizer;
  readonly config: SessionConfig;
  readonly trainable: readonly string[];
  step: number;
  updates: number;
  /** The data generator (replaced by its earlier state when a step is rolled back). */
  dataRng: Rng;
  private readonly parts: TrainerParts;
  private readonly watchdog: Watchdog;
  private readonly snapshot: Map<string, Float64Array>;
  private readonly totalUpdates: number;
  private readonly pascanu: PascanuSetup | undefined;
  private evalExec: Executor | undefined;
  /** Stateful training: every Delay's history after the last step, carried into the next batch. */
  private carried: Map<string, Float64Array> | undefined;
  /** The plan has stochastic ops (teacher forcing with a ratio): each step passes its draws. */
  private readonly stochastic: boolean;
  /** TeacherForcing ops whose ratio is charted (`<node>.teacherRatio`). */
  readonly teachers: readonly ScheduledTeacher[];

  constructor(parts: TrainerParts) {
    this.parts = parts;
    this.plan = parts.plan;
    this.weights = parts.weights;
    this.config = parts.config;
    this.exec = new Executor(parts.plan, parts.weights, parts.backend);
    this.optimizer = createOptimizer(parts.config.optimizer);
    this.trainable = parts.plan.params.filter((p) => p.trainable).map((p) => p.name);
    this.watchdog = new Watchdog(parts.plan);
    this.snapshot = new Map(parts.plan.params.map((p) => [p.name, new Float64Array(parts.weights.get(p.name).length)]));
    this.step = parts.step;
    this.dataRng = parts.dataRng;
    this.updates = parts.updates;
    this.totalUpdates = parts.config.steps * this.chunks(parts.source.T).length;
    this.pascanu = trainingPascanu(parts.plan, parts.nodes ?? [], parts.config);
    this.stochastic = parts.plan.ops.some((op) => getNodeSpec(op.type)?.stochastic === true);
    this.teachers = scheduledTeachers(parts.plan);
    refuseTruncatedTwoAxes(parts.plan, parts.config);
    if (parts.config.stateful === true && parts.plan.buffers.some((v) => v.axis === 1)) {
      const message = 'an encoder–decoder starts every batch from its encoder, so there is no state to carry between batches; turn stateful off';
      throw new SessionError('session-bad-config', `training.stateful: ${message}`, [{ where: 'stateful', code: 'invalid', message }]);
    }
  }

  private chunks(T: number): ChunkRange[] {
    const tb = this.config.tbptt;
    return tb === undefined ? [{ index: 1, from: 0, to: T, windowFrom: 0 }] : chunkRanges(T, tb);
  }

  /** Stateful training: forget the carried state, so the next batch starts from each Delay's initial value. */
  resetState(): void {
    this.carried = undefined;
  }

  /** Whether a carried state will start the next batch (stateful training). */
  get carriesState(): boolean {
    return this.carried !== undefined;
  }

  /** Learning rate of the next update. */
  get lr(): number {
    return learningRate(this.config.lrSchedule, this.config.optimizer.lr, Math.min(this.updates, this.totalUpdates), this.totalUpdates);
  }

  /** Runs training step `step + 1`; `record` also takes the expensive recordings (`sample` for traces). */
  run(record: { sample: number } | undefined): StepOutcome {
    const { exec, plan, parts } = this;
    const stepNo = this.step + 1;
    const rngBefore = this.dataRng.state();
    const batch = parts.source.batch(this.dataRng, this.config.batchSize, stepNo);
    exec.bind(feedOf(plan, batch, parts.names));
    const T = batch.T;
    const chunks = this.chunks(T);
    for (const [name, snap] of this.snapshot) snap.set(this.weights.get(name));
    const optBefore: OptimizerState | undefined = chunks.length > 1 ? this.optimizer.state() : undefined;
    const updatesBefore = this.updates;
    const slots: ParamSlot[] = this.trainable.map((name) => ({ name, param: this.weights.get(name), grad: new Float64Array(0) }));
    const clip = this.config.clip;
    let gradNorm = -1;
    let paramNorms: Float64Array = new Float64Array(this.trainable.length);
    let clipped = 0;
    let lr = this.lr;
    let lastLoss = 0;
    let omega: number | undefined;
    let edgeGrads: Record<string, number> | undefined;
    let histograms: ParamHistogram[] | undefined;
    // ‖∂L/∂h_t‖ of each recurrence over its own time axis (T' for a decoder's state)
    const gradNormsPerStep = record ? plan.recurrences.map((r) => new Float64Array(exec.stepsOf(r.axis === 1 ? 1 : 0))) : [];

    const fail = (found: Parameters<typeof divergence>[0]): StepOutcome => {
      for (const [name, snap] of this.snapshot) this.weights.get(name).set(snap);
      if (optBefore !== undefined) this.optimizer.load(optBefore);
      this.updates = updatesBefore;
      this.dataRng = Rng.fromState(rngBefore);
      return { ok: false, divergence: divergence(found, stepNo) };
    };

    const random = this.stochastic ? { rng: new Rng(this.config.seed).fork(`teacher ${stepNo}`), step: stepNo - 1 } : undefined;
    // stateful: the batch continues the previous one, so every Delay starts from its carried state
    const initialStates = this.config.stateful === true && batch.continues === true ? this.carried : undefined;
    for (const c of chunks) {
      const loss = exec.forward(c.from, c.to, { ...(random === undefined ? {} : { random }), ...(c.from === 0 && initialStates !== undefined ? { initialStates } : {}) });
      lastLoss = loss.total;
      if (parts.scanValues || !Number.isFinite(loss.total)) {
        const found = this.watchdog.forward(exec, c.from, c.to) ?? this.watchdog.loss(exec, c.from, c.to);
        if (found) return fail(found);
      }
      let grads = exec.backward(c.windowFrom);
      if (record) {
        // ∂L/∂h_t and the edge gradients are L's: read them before Ω's pass overwrites them
        // a chunk covers steps [from, to) of the source axis; the target axis always runs whole
        recurrenceGradNorms(exec).forEach((r, i) => {
          const [a, z] = plan.recurrences[i].axis === 1 ? [0, r.perStep.length] : [c.from, c.to];
          gradNormsPerStep[i].set(r.perStep.subarray(a, z), a);
        });
        if (c === chunks[chunks.length - 1]) edgeGrads = edgeGradNorms(exec, parts.edges ?? []);
        // weights as the recorded forward saw them, and ∂L/∂θ before Ω and clipping
        if (c === chunks[chunks.length - 1]) histograms = paramHistograms(this.trainable, (n) => this.weights.get(n), grads);
      }
      if (this.pascanu !== undefined) {
        const term = pascanuTerm(exec, this.pascanu, { total: loss.total, grads });
        omega = term.omega;
        grads = term.gradsTotal;
      }
      const withGrads = slots.map((s) => ({ ...s, grad: grads.get(s.name)! }));
      const report = clipGradients(withGrads, clip === undefined ? undefined : { kind: clip.kind, max: clip.max });
      if (!report.finite) {
        const found =
          (parts.scanValues ? undefined : this.watchdog.forward(exec, c.from, c.to)) ??
          this.watchdog.gradients(exec, c.windowFrom, c.to, grads) ??
          // Every element finite, but the squares overflow: name the first parameter whose norm does.
          this.watchdog.weight('gradient', this.trainable[Math.max(0, Array.from(report.paramNorms).findIndex((v) => !Number.isFinite(v)))], 'Infinity');
        return fail(found);
      }
      if (report.preNorm > gradNorm) {
        gradNorm = report.preNorm;
        paramNorms = report.paramNorms;
      }
      if (report.clipped) clipped++;
      lr = this.lr;
      this.optimizer.step(withGrads, lr);
      this.updates++;
      const bad = this.watchdog.params('weights', new Map(this.trainable.map((n) => [n, this.weights.get(n)])));
      if (bad) return fail(bad);
    }
    this.step = stepNo;
    this.carried = this.config.stateful === true ? exec.finalHistories() : undefined;
    const metrics = metricValues(metricSums(plan, exec));
    if (omega !== undefined) metrics[OMEGA_METRIC] = omega;
    Object.assign(metrics, teacherRatios(this.teachers, stepNo));
    const row: StepRow = { step: stepNo, loss: chunks.length === 1 ? lastLoss : batchLoss(exec), lr, gradNorm, clipped, paramNorms, metrics };
    if (!record) return { ok: true, row };
    const recording = this.recording(stepNo, record.sample, gradNormsPerStep, batch.lengths, paramNorms, edgeGrads ?? {});
    const tokens = sampleTokens(batch, parts.source.task, recording.sample);
    const named = tokens.inputs !== undefined || tokens.outputs !== undefined;
    return { ok: true, row, recording: { ...recording, ...(named ? { tokens } : {}), ...(histograms === undefined ? {} : { histograms }) } };
  }

  private recording(step: number, want: number, gradNorms: Float64Array[], lengths: Int32Array, paramNorms: Float64Array, edgeGrads: Record<string, number>): Recording {
    const { exec, plan } = this;
    const T = exec.stepCount;
    const sample = Math.min(want, exec.batchSize - 1);
    const trace = (node: string, name: string, value: string): TraceRecord => {
      const v = exec.value(value); // (B,T,H); (B,T',H) for a value on the target axis
      const Tv = v.shape[1];
      const H = v.shape[2] ?? 1;
      const onTarget = exec.axisOf(value) === 1;
      return { node, name, value, shape: [Tv, H], values: Float32Array.from(v.data.subarray(sample * Tv * H, (sample + 1) * Tv * H)), ...(onTarget ? { axis: 1 as const } : {}) };
    };
    const twoAxes = plan.buffers.some((b) => b.axis === 1);
    return {
      step,
      T,
      sample,
      length: lengths[sample],
      ...(twoAxes ? { targetLength: exec.lengthsOf(1)[sample] } : {}),
      gradNorms: plan.recurrences.map((r, i) => ({ name: r.name, node: r.node, perStep: gradNorms[i] })),
      gates: plan.probes.map((p) => trace(p.node, p.name, p.value)),
      states: plan.recurrences.map((r) => trace(r.node, r.name === r.node ? 'h' : r.name.slice(r.node.length + 1), r.source)),
      edgeGrads,
      zeroGradNodes: zeroGradNodes(plan, this.trainable, paramNorms),
    };
  }

  /**
   * Loss and metrics of the current weights on `batches` fresh batches drawn from the `eval` fork of
   * the seed (the same batches every call; training's generator is not touched).
   */
  evaluate(batches = 8, batchSize = this.config.batchSize): Evaluation {
    this.evalExec ??= new Executor(this.plan, this.weights, this.exec.backend);
    const exec = this.evalExec;
    const rng = this.parts.evalRng();
    let loss = 0;
    const pooled = new Map<string, MetricSum>();
    for (let i = 0; i < batches; i++) {
      const batch = this.parts.source.batch(rng, batchSize, i + 1);
      exec.bind(feedOf(this.plan, batch, this.parts.names));
      loss += exec.forward(0, batch.T, { inference: true }).total;
      for (const [k, s] of metricSums(this.plan, exec)) {
        const p = pooled.get(k) ?? { sum: 0, count: 0 };
        pooled.set(k, { sum: p.sum + s.sum, count: p.count + s.count });
      }
    }
    return { loss: loss / batches, metrics: metricValues(pooled), batches };
  }
}

/** The reduced loss of the whole bound batch, from the step terms (equals `forward().total` for one chunk). */
export function batchLoss(exec: Executor): number {
  const B = exec.batchSize;
  let total = 0;
  for (const l of exec.plan.losses) {
    const mask = exec.maskTimeMajor(l.axis === 1 ? 1 : 0);
    let valid = 0;
    for (let i = 0; i < mask.length; i++) valid += mask[i];
    const rows = exec.stepLosses(l.node).data;
    let sum = 0;
    for (let i = 0; i < rows.length; i++) sum += rows[i];
    total += sum / (l.perStep && l.reduction === 'meanValidSteps' ? valid : B);
  }
  return total;
}

