/**
 * Builds the Studio into dist/studio/, served by the Cuepoint server at /studio (see
 * src/http/routes/studio.ts). `npx vite studio` runs it against a Cuepoint on 127.0.0.1:8080.
 */
import { defineConfig } from 'vite';

/** The local Cuepoint the development server forwards the API to. */
const API = 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/studio/',
  // JSX for Preact through Vite's own Oxc transform: no Babel, no plugin.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: '../dist/studio',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
  },
  server: { proxy: { '/v1': API, '/v4': API, '/api': API } },
});
