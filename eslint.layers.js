// @ts-check
/**
 * The layer rule of Unroll (see docs/architecture.md):
 *   src/       imports nothing above it: no Electron, React, DOM or Node APIs
 *   kernels/   imports src/ (types and pure helpers), never main/ or renderer/
 *   main/      imports src/ and kernels/, never renderer/ or React
 *   renderer/  imports src/, never main/, kernels/, Electron or Node
 *   bench/     imports src/ and kernels/ (and the yardsticks), never renderer/
 * Enforced with `no-restricted-imports`; `test/unit/layers.test.ts` proves the rule fires.
 */
const NODE_BUILTINS = [
  'assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs', 'fs/promises', 'http', 'http2',
  'https', 'module', 'net', 'os', 'path', 'perf_hooks', 'process', 'readline', 'stream', 'timers', 'tls', 'url', 'util',
  'v8', 'vm', 'worker_threads', 'zlib',
];

const ui = ['react', 'react-dom', 'react-dom/*', 'react/*', '@xyflow/*', 'zustand', 'zustand/*'];
const electron = ['electron', 'electron/*'];
const node = ['node:*', ...NODE_BUILTINS];

/** @param {string} layer @param {string[]} pkgs @param {string[]} folders */
function restrict(layer, pkgs, folders) {
  return {
    files: [`${layer}/**/*.{ts,tsx,js,mjs,cjs}`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...pkgs.map((p) => ({ group: [p], message: `${layer}/ may not import ${p} (layer rule, see docs/architecture.md)` })),
            ...folders.map((f) => ({
              group: [`**/${f}`, `**/${f}/**`],
              message: `${layer}/ may not import from ${f}/ (layer rule, see docs/architecture.md)`,
            })),
          ],
        },
      ],
    },
  };
}

export const layerRules = [
  restrict('src', [...ui, ...electron, ...node, 'gpu.js', 'ws', 'write-file-atomic'], ['main', 'renderer', 'kernels', 'test']),
  restrict('kernels', [...ui, ...electron], ['main', 'renderer', 'test']),
  restrict('main', ui, ['renderer', 'test']),
  restrict('bench', [...ui, ...electron], ['renderer', 'test']),
  restrict('renderer', [...electron, ...node, 'gpu.js', 'ws', 'write-file-atomic'], ['main', 'kernels', 'test']),
];
