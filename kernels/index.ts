import type { Backend } from '../src/engine/backend';
import { GPUJS_MODES, openF32Backend, openGpujsBackend, type GpujsBackendOptions, type GpujsMode } from './gpujs';
import { selfTest, timeLstmStep } from './gpujs/selftest';
import { referenceBackend } from './reference';

/**
 * The kernel backends by name. `createBackend(name)` gives a backend and what it is (shown to the
 * user), or a `BackendUnavailableError` naming the backend and why. `reference` is the float64
 * spec; `f32` the float32 kernels as plain TypeScript loops; `gpujs:<mode>` the same kernels on gpu.js.
 * `auto` tries `f32` and every available gpu.js mode: a short self-test against the reference kernels, then a short timing; it takes the
 * fastest that passes (the reference when none does, or none is faster) and reports every
 * candidate it passed over, with the reason.
 */

export const BACKEND_NAMES = ['reference', 'f32', 'gpujs:webasm', 'gpujs:cpu', 'gpujs:webgpu', 'gpujs:headlessgl', 'auto'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface Candidate {
  readonly name: string;
  /** Why it was not chosen (unavailable, failed the self-test, slower). */
  readonly reason: string;
  /** ms of one LSTM step forward + backward (batch 32, input 64, hidden 128), when timed. */
  readonly ms?: number;
}

export interface BackendInfo {
  /** What was asked for. */
  readonly requested: BackendName;
  /** The backend that runs (`reference`, `gpujs:webasm`, …). */
  readonly name: string;
  readonly precision: 'float64' | 'float32';
  /** One line for the UI or CLI: what runs and why. */
  readonly summary: string;
  /** Under `auto`: the chosen backend's timing. */
  readonly ms?: number;
  /** Under `auto`: every other candidate and why it was passed over. */
  readonly passedOver: readonly Candidate[];
}

export interface CreatedBackend {
  readonly backend: Backend;
  readonly info: BackendInfo;
  /** Frees kernels and workers; the backend must not be used afterwards. */
  destroy(): void;
}

export class BackendUnavailableError extends Error {
  readonly code = 'backend-unavailable';
  constructor(
    readonly backendName: string,
    readonly reason: string,
  ) {
    super(`backend "${backendName}" is unavailable: ${reason}`);
    this.name = 'BackendUnavailableError';
  }
}

export function isBackendName(s: string): s is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(s);
}

export interface CreateOptions {
  /** Options for gpu.js backends (thresholds). */
  readonly gpujs?: GpujsBackendOptions;
  /** gpu.js modes `auto` considers (all by default). */
  readonly modes?: readonly GpujsMode[];
  /** Whether `auto` considers the `f32` backend (default true). */
  readonly f32?: boolean;
}

const REFERENCE = (requested: BackendName, passedOver: readonly Candidate[] = [], ms?: number): CreatedBackend => ({
  backend: referenceBackend,
  info: { requested, name: 'reference', precision: 'float64', summary: 'reference kernels (float64 TypeScript)', passedOver, ...(ms === undefined ? {} : { ms }) },
  destroy: () => {},
});

/** The backend called `name`; throws `BackendUnavailableError` when it cannot run here. */
export function createBackend(name: string, options: CreateOptions = {}): CreatedBackend {
  if (!isBackendName(name)) throw new BackendUnavailableError(name, `unknown backend; choose one of ${BACKEND_NAMES.join(', ')}`);
  if (name === 'reference') return REFERENCE(name);
  if (name === 'auto') return chooseAuto(options);
  if (name === 'f32') {
    const f = openF32Backend();
    return { backend: f.backend, info: { requested: name, name, precision: 'float32', summary: 'float32 TypeScript loops (fused gate math, blocked matrix products)', passedOver: [] }, destroy: () => {} };
  }
  const mode = name.slice('gpujs:'.length) as GpujsMode;
  const r = openGpujsBackend(mode, options.gpujs);
  if (!r.ok) throw new BackendUnavailableError(name, r.reason);
  const g = r.value;
  const t = g.thresholds;
  return {
    backend: g.backend,
    info: { requested: name, name, precision: 'float32', summary: `gpu.js ${mode}, float32 (${describeThresholds(t.matmul, t.elementwise)})`, passedOver: [] },
    destroy: () => g.destroy(),
  };
}

function describeThresholds(matmul: number, elementwise: number): string {
  if (matmul === Infinity && elementwise === Infinity) return 'every op as a float32 loop: gpu.js kernels were slower here';
  const at = (n: number) => (n === Infinity ? 'never' : n === 0 ? 'always' : `from ${n}`);
  return `gpu.js kernels for products ${at(matmul)} multiply-adds, element-wise ops ${at(elementwise)} elements; smaller ones as float32 loops`;
}

function chooseAuto(options: CreateOptions): CreatedBackend {
  const passedOver: Candidate[] = [];
  const timed: { name: BackendName; created: CreatedBackend; ms: number }[] = [];
  const names: BackendName[] = [...(options.f32 === false ? [] : (['f32'] as const)), ...(options.modes ?? GPUJS_MODES).map((m) => `gpujs:${m}` as BackendName)];
  for (const name of names) {
    let created: CreatedBackend;
    try {
      created = createBackend(name, options);
    } catch (e) {
      passedOver.push({ name, reason: e instanceof BackendUnavailableError ? `unavailable: ${e.reason}` : `failed to start: ${(e as Error).message}` });
      continue;
    }
    const test = selfTest(created.backend);
    if (!test.ok) {
      passedOver.push({ name, reason: `failed the self-test: ${test.reason}` });
      created.destroy();
      continue;
    }
    timed.push({ name, created, ms: timeLstmStep(created.backend) });
  }
  const refMs = timeLstmStep(referenceBackend);
  const best = timed.reduce<(typeof timed)[number] | null>((b, c) => (b === null || c.ms < b.ms ? c : b), null);
  const slower = (c: { name: string; ms: number }, than: string, ms: number): Candidate => ({ name: c.name, reason: `slower: ${c.ms.toFixed(2)} ms vs ${ms.toFixed(2)} ms for ${than}`, ms: c.ms });
  if (best === null || best.ms >= refMs) {
    for (const c of timed) {
      passedOver.push(slower(c, 'reference', refMs));
      c.created.destroy();
    }
    return REFERENCE('auto', passedOver, refMs);
  }
  for (const c of timed) {
    if (c === best) continue;
    passedOver.push(slower(c, best.name, best.ms));
    c.created.destroy();
  }
  passedOver.push(slower({ name: 'reference', ms: refMs }, best.name, best.ms));
  const info = best.created.info;
  return {
    backend: best.created.backend,
    info: { ...info, requested: 'auto', summary: `auto chose ${info.name}: ${info.summary}`, ms: best.ms, passedOver },
    destroy: best.created.destroy,
  };
}
