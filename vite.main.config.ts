import { defineConfig } from 'vite';

/**
 * The Electron main process, built by Forge's Vite plugin into `.vite/build/main.js` (the package's
 * `main`), and the training session worker into `.vite/build/session-worker.js`. An ES module, since the package is `"type": "module"`; the banner gives bundled CommonJS
 * dependencies (write-file-atomic) the global `require` that ES modules lack (a module-level one
 * would be renamed by the minifier).
 */
export default defineConfig({
  build: {
    // The training session worker is a second entry: `main.js` starts it as `session-worker.js` beside itself.
    lib: { entry: { main: 'main/electron/main.ts', 'session-worker': 'main/sessions/worker.ts' }, formats: ['es'], fileName: (_format, name) => `${name}.js` },
    rollupOptions: {
      output: { banner: "import { createRequire as __unrollCreateRequire } from 'node:module';\nglobalThis.require ??= __unrollCreateRequire(import.meta.url);" },
    },
  },
});
