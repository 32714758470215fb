import os from 'node:os';
const { RTLD_NOW, RTLD_GLOBAL, RTLD_NODELETE } = os.constants.dlopen;
try { process.dlopen({ exports: {} }, '/usr/lib/chromium/libvulkan.so.1', RTLD_NOW | RTLD_GLOBAL | RTLD_NODELETE); } catch (e) { console.log('dlopen:', e.message); }
const { create } = await import('webgpu');
Object.defineProperty(globalThis, 'navigator', { value: { gpu: create([]) }, configurable: true, writable: true });
const { GPU, input } = (await import('gpu.js')).default;
console.log('avail', await GPU.isWebGPUAvailable());
const gpu = new GPU({ mode: 'webgpu' });
const k = gpu.createKernel(`function (a, b) { let s = 0; for (let k = 0; k < 3; k++) { s += a[this.thread.y][k] * b[this.thread.x][k]; } return Math.tanh(s); }`, { output: [2, 2] });
const r = await k(input(Float32Array.from([1,2,3,4,5,6]), [3, 2]), input(Float32Array.from([1,0,0,0,1,0]), [3, 2]));
console.log(r);
const k2 = gpu.createKernel(`function (a) { return a[this.thread.x] * 2; }`, { output: [5] });
console.log(await k2(Float32Array.from([1,2,3,4,5])));
let t0 = performance.now(); for (let i = 0; i < 20; i++) await k2(Float32Array.from([1,2,3,4,5])); console.log('ms/call', (performance.now()-t0)/20);
process.exit(0);
