import { defineConfig } from 'vite';

/** The preload script: one CommonJS file (`.vite/build/preload.cjs`), as sandboxed preloads must be. */
export default defineConfig({});
