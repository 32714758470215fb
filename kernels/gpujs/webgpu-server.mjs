// The child process that runs gpu.js kernels in mode `webgpu` (Dawn, via the `webgpu` package) for
// `webgpu.ts`. It runs in its own process so that it can be started with the environment Dawn's
// Vulkan loader needs (LD_LIBRARY_PATH, VK_ICD_FILENAMES). Requests and replies travel on the IPC
// channel: { id, key, source, output, args: [{ data: Float32Array, size? }] } → { id, result } | { id, error }.
import process from 'node:process';

let gpu = null;
let input = null;
const kernels = new Map();

function flatten(result, n) {
  if (result instanceof Float32Array) return result.slice(0, n);
  const out = new Float32Array(n);
  let off = 0;
  for (const row of result) {
    out.set(row, off);
    off += row.length;
  }
  return out;
}

async function start() {
  const { create } = await import('webgpu');
  Object.defineProperty(globalThis, 'navigator', { value: { gpu: create([]) }, configurable: true, writable: true });
  const mod = (await import('gpu.js')).default;
  const adapter = await globalThis.navigator.gpu.requestAdapter();
  if (!adapter) throw new Error('the `webgpu` package found no WebGPU adapter (no Vulkan driver; on Linux install a Vulkan ICD such as SwiftShader or Mesa lavapipe)');
  if (!(await mod.GPU.isWebGPUAvailable())) throw new Error('gpu.js reports WebGPU unavailable');
  gpu = new mod.GPU({ mode: 'webgpu' });
  input = mod.input;
  const info = adapter.info ?? {};
  return [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'an unnamed adapter';
}

async function run(msg) {
  let k = kernels.get(msg.key);
  if (k === undefined) {
    k = gpu.createKernel(msg.source, { output: msg.output });
    kernels.set(msg.key, k);
  }
  const args = msg.args.map((a) => (a.size ? input(a.data, a.size) : a.data));
  const result = await k(...args);
  if (k.kernel?.constructor?.name !== 'WebGPUKernel') throw new Error(`kernel "${msg.key}" ran as ${k.kernel?.constructor?.name}, not WebGPUKernel`);
  return flatten(result, msg.output.reduce((a, b) => a * b, 1));
}

let queue = Promise.resolve();
process.on('message', (msg) => {
  queue = queue.then(async () => {
    try {
      if (msg.type === 'init') process.send({ id: msg.id, result: await start() });
      else process.send({ id: msg.id, result: await run(msg) });
    } catch (e) {
      process.send({ id: msg.id, error: String(e?.message ?? e) });
    }
  });
});
process.on('disconnect', () => process.exit(0));
