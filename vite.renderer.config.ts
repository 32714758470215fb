import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig, type ConfigEnv } from 'vite';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

/**
 * The renderer. `npm run build:renderer` builds it into `dist/renderer` for the web host; Electron
 * Forge's Vite plugin (which passes `forgeConfigSelf`) builds it into `.vite/renderer/main_window`.
 */
export default defineConfig((env: ConfigEnv & { forgeConfigSelf?: { name?: string } }) => {
  const forgeName = env.forgeConfigSelf?.name;
  return {
    root: here('./renderer'),
    base: './',
    plugins: [react()],
    build: {
      outDir: forgeName === undefined ? here('./dist/renderer') : here(`./.vite/renderer/${forgeName}`),
      emptyOutDir: true,
      sourcemap: true,
      chunkSizeWarningLimit: 2000,
    },
  };
});
