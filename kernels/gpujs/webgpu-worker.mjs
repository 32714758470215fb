// A worker thread between `webgpu.ts` (which blocks on Atomics.wait for each reply) and the child
// process that runs the WebGPU kernels: it forwards requests from its port to the child and replies
// back, then wakes the caller through the shared flag.
import { fork } from 'node:child_process';
import { workerData } from 'node:worker_threads';

const { port, flag, env } = workerData;
const signal = new Int32Array(flag);
const child = fork(new URL('./webgpu-server.mjs', import.meta.url), [], { env, serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
let stderr = '';
child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-2000)));

function reply(msg) {
  port.postMessage(msg);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
}

let pending = null;
child.on('message', (msg) => {
  pending = null;
  reply(msg);
});
child.on('exit', (code) => {
  const why = `the WebGPU process exited (code ${code})${stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' ')}` : ''}`;
  if (pending !== null) reply({ id: pending, error: why });
  port.on('message', (msg) => reply({ id: msg.id, error: why }));
});
port.on('message', (msg) => {
  if (msg.type === 'close') {
    child.disconnect();
    port.close();
    return;
  }
  pending = msg.id;
  child.send(msg);
});
