import { existsSync } from 'node:fs';
import process from 'node:process';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { flatten, type KernelRunner, type RunnerResult } from './runner';
import type { KernelArg, KernelSpec } from './sources';

/**
 * gpu.js `webgpu` kernels behind the synchronous Backend seam. WebGPU reads results back only
 * asynchronously, and the executor calls kernels synchronously, so the kernels run in a child
 * process (`webgpu-server.mjs`, through the worker `webgpu-worker.mjs`) and each call blocks on
 * `Atomics.wait` until the reply is there. The child gets the Vulkan environment Dawn needs: with
 * no system Vulkan loader it uses Chromium's (`/usr/lib/chromium/libvulkan.so.1`) and, when
 * `VK_ICD_FILENAMES` is unset, Chromium's SwiftShader driver (a software adapter: slow, but it runs
 * the WebGPU code path; on a machine with a GPU driver the same path runs on the GPU).
 */

const CHROMIUM = '/usr/lib/chromium';
const SWIFTSHADER_ICD = `${CHROMIUM}/vk_swiftshader_icd.json`;
const INIT_TIMEOUT_MS = 30_000;
const CALL_TIMEOUT_MS = 120_000;

/** The environment of the WebGPU process. */
export function webgpuEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env = { ...base };
  if (env.VK_ICD_FILENAMES === undefined && existsSync(SWIFTSHADER_ICD)) env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  const systemLoader = ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/aarch64-linux-gnu/libvulkan.so.1', '/usr/lib/libvulkan.so.1'].some(existsSync);
  if (!systemLoader && existsSync(`${CHROMIUM}/libvulkan.so.1`)) env.LD_LIBRARY_PATH = [CHROMIUM, env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  return env;
}

class WebgpuRunner implements KernelRunner {
  readonly mode = 'webgpu' as const;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private readonly port: MessagePort;
  private readonly worker: Worker;
  private next = 1;
  private readonly keys = new Set<string>();
  adapter = '';

  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(new URL('./webgpu-worker.mjs', import.meta.url), { workerData: { port: port2, flag: this.flag.buffer, env: webgpuEnv() }, transferList: [port2] });
    this.worker.unref();
  }

  get compiled(): number {
    return this.keys.size;
  }

  /** Sends a request and blocks until its reply. */
  call(msg: Record<string, unknown>, timeoutMs: number): unknown {
    const id = this.next++;
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage({ ...msg, id });
    for (;;) {
      if (Atomics.wait(this.flag, 0, 0, timeoutMs) === 'timed-out') throw new Error(`the WebGPU process did not answer within ${timeoutMs / 1000} s`);
      const got = receiveMessageOnPort(this.port);
      if (got === undefined) continue;
      const reply = got.message as { id: number; result?: unknown; error?: string };
      if (reply.id !== id) continue;
      if (reply.error !== undefined) throw new Error(reply.error);
      return reply.result;
    }
  }

  run(spec: KernelSpec, args: readonly KernelArg[]): Float32Array {
    this.keys.add(spec.key);
    const result = this.call({ type: 'run', key: spec.key, source: spec.source, output: spec.output, args }, CALL_TIMEOUT_MS);
    return flatten(result, new Float32Array(spec.output.reduce((a, b) => a * b, 1)));
  }

  destroy(): void {
    this.port.postMessage({ type: 'close' });
    this.port.close();
  }
}

/** Starts the WebGPU process and checks that it finds an adapter; or says why the mode is unavailable. */
export function openWebgpuRunner(): RunnerResult {
  let runner: WebgpuRunner | null = null;
  try {
    runner = new WebgpuRunner();
    runner.adapter = String(runner.call({ type: 'init' }, INIT_TIMEOUT_MS));
    const probe = runner.run({ key: 'probe', source: 'function (a) { return a[this.thread.x] + 1; }', output: [1] }, [{ data: Float32Array.of(1) }]);
    if (probe[0] !== 2) throw new Error(`probe kernel returned ${probe[0]} instead of 2`);
    return { ok: true, runner };
  } catch (e) {
    runner?.destroy();
    return { ok: false, reason: `gpu.js webgpu does not run here: ${(e as Error).message}` };
  }
}
