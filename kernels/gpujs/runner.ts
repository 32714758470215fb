import { createRequire } from 'node:module';
import * as gpujs from 'gpu.js';
import type { KernelArg, KernelSpec } from './sources';

const { GPU } = gpujs;
/** gpu.js's `input(data, [cols, rows])` (its typings declare it as a type only). */
const input = (gpujs as unknown as { input: (data: Float32Array, size: number[]) => unknown }).input;

/**
 * Runs gpu.js kernels of one mode, synchronously: compiles each `KernelSpec` once (cached by its
 * key, i.e. per op and shape) and returns its result as one flat `Float32Array` (row-major), a copy
 * that the next call does not touch. Results are copied out right away, so gpu.js reusing its output
 * buffer between calls (its default without `immutable`) cannot alias them.
 */

export type GpujsMode = 'webasm' | 'cpu' | 'webgpu' | 'headlessgl';

export const GPUJS_MODES: readonly GpujsMode[] = ['webasm', 'cpu', 'webgpu', 'headlessgl'];

export interface KernelRunner {
  readonly mode: GpujsMode;
  run(spec: KernelSpec, args: readonly KernelArg[]): Float32Array;
  /** Kernels compiled so far. */
  readonly compiled: number;
  destroy(): void;
}

export type RunnerResult = { readonly ok: true; readonly runner: KernelRunner } | { readonly ok: false; readonly reason: string };

/** The gpu.js kernel class each mode must compile to (a kernel that degraded to another is refused). */
const KERNEL_CLASS: Record<GpujsMode, string> = { webasm: 'WebAssemblyKernel', cpu: 'CPUKernel', webgpu: 'WebGPUKernel', headlessgl: 'HeadlessGLKernel' };

/** Flattens a gpu.js result (`Float32Array`, or rows of them) into `out`. */
export function flatten(result: unknown, out: Float32Array): Float32Array {
  if (result instanceof Float32Array) {
    out.set(result.subarray(0, out.length));
    return out;
  }
  if (!Array.isArray(result)) throw new Error(`gpu.js returned ${typeof result}, expected a Float32Array or rows of them`);
  let off = 0;
  for (const row of result as Float32Array[]) {
    out.set(row, off);
    off += row.length;
  }
  if (off !== out.length) throw new Error(`gpu.js returned ${off} values, expected ${out.length}`);
  return out;
}

function size(spec: KernelSpec): number {
  return spec.output.reduce((a, b) => a * b, 1);
}

type Kernel = ((...args: unknown[]) => unknown) & { kernel?: { constructor: { name: string }; fallbackReason?: string | null } };

/** A runner for the modes that run in this thread (webasm, cpu, headlessgl). */
class LocalRunner implements KernelRunner {
  private readonly gpu: InstanceType<typeof GPU>;
  private readonly kernels = new Map<string, Kernel>();

  constructor(readonly mode: Exclude<GpujsMode, 'webgpu'>) {
    this.gpu = new GPU({ mode });
  }

  get compiled(): number {
    return this.kernels.size;
  }

  run(spec: KernelSpec, args: readonly KernelArg[]): Float32Array {
    let k = this.kernels.get(spec.key);
    if (k === undefined) {
      k = this.gpu.createKernel(spec.source, { output: [...spec.output] as [number], immutable: false }) as unknown as Kernel;
      this.kernels.set(spec.key, k);
    }
    const result = k(...args.map((a) => (a.size ? input(a.data, [a.size[0], a.size[1]]) : a.data)));
    const cls = k.kernel?.constructor.name;
    if (cls !== KERNEL_CLASS[this.mode]) {
      throw new Error(`gpu.js kernel "${spec.key}" ran as ${cls ?? 'an unknown kernel'} instead of ${KERNEL_CLASS[this.mode]} (mode ${this.mode})${k.kernel?.fallbackReason ? `: ${k.kernel.fallbackReason}` : ''}`);
    }
    return flatten(result, new Float32Array(size(spec)));
  }

  destroy(): void {
    this.kernels.clear();
    void this.gpu.destroy();
  }
}

/** Why headless-gl cannot be used here, or null when the `gl` package loads and makes a context. */
function headlessGlProblem(): string | null {
  try {
    const gl = createRequire(import.meta.url)('gl') as (w: number, h: number) => unknown;
    return gl(1, 1) ? null : 'the `gl` package loaded but could not create a WebGL context (no display: run under xvfb-run)';
  } catch (e) {
    return `the optional \`gl\` package (headless-gl) does not load: ${(e as Error).message.split('\n')[0]}`;
  }
}

/** Opens a runner for an in-thread mode, or says why the mode is unavailable. */
export function openLocalRunner(mode: Exclude<GpujsMode, 'webgpu'>): RunnerResult {
  if (mode === 'webasm' && !GPU.isWebAssemblySupported) return { ok: false, reason: 'WebAssembly is not supported in this runtime' };
  if (mode === 'headlessgl') {
    const problem = headlessGlProblem();
    if (problem !== null) return { ok: false, reason: problem };
  }
  try {
    const runner = new LocalRunner(mode);
    // a one-element kernel proves the mode compiles and runs here
    const probe = runner.run({ key: 'probe', source: 'function (a) { return a[this.thread.x] + 1; }', output: [1] }, [{ data: Float32Array.of(1) }]);
    if (probe[0] !== 2) return { ok: false, reason: `gpu.js ${mode} probe kernel returned ${probe[0]} instead of 2` };
    return { ok: true, runner };
  } catch (e) {
    return { ok: false, reason: `gpu.js ${mode} does not run here: ${(e as Error).message}` };
  }
}
