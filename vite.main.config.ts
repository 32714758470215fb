import { defineConfig } from 'vite';

/**
 * The Electron main process, built by Forge's Vite plugin into `.vite/build/main.js` (the package's
 * `main`). An ES module, since the package is `"type": "module"`; the banner gives bundled CommonJS
 * dependencies (write-file-atomic) the global `require` that ES modules lack (a module-level one
 * would be renamed by the minifier).
 */
export default defineConfig({
  build: {
    lib: { entry: 'main/electron/main.ts', formats: ['es'], fileName: () => 'main.js' },
    rollupOptions: {
      output: { banner: "import { createRequire as __unrollCreateRequire } from 'node:module';\nglobalThis.require ??= __unrollCreateRequire(import.meta.url);" },
    },
  },
});
