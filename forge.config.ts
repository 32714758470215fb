import type { ForgeConfig } from '@electron-forge/shared-types';
import { MakerDeb } from '@electron-forge/maker-deb';
import { MakerZIP } from '@electron-forge/maker-zip';
import { VitePlugin } from '@electron-forge/plugin-vite';

/** Electron Forge: Vite builds main, preload and renderer; makers produce a zip and a .deb. */
const config: ForgeConfig = {
  packagerConfig: {
    name: 'Unroll',
    executableName: 'unroll',
    asar: true,
    // The example graphs, opened from the start page (main/examples.ts reads them from resources/).
    extraResource: ['examples'],
  },
  rebuildConfig: {},
  makers: [
    new MakerZIP({}),
    new MakerDeb({
      options: {
        name: 'unroll',
        productName: 'Unroll',
        genericName: 'Recurrent network designer',
        categories: ['Development', 'Education', 'Science'],
        section: 'science',
      },
    }),
  ],
  plugins: [
    new VitePlugin({
      build: [
        { entry: 'main/electron/main.ts', config: 'vite.main.config.ts', target: 'main' },
        { entry: 'main/electron/preload.ts', config: 'vite.preload.config.ts', target: 'preload' },
      ],
      renderer: [{ name: 'main_window', config: 'vite.renderer.config.ts' }],
    }),
  ],
};

export default config;
