import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';
import { manifest } from './app/pwa/manifest.js';

// The jSquash packages locate their .wasm with `new URL(..., import.meta.url)`; pre-bundling
// them in dev would move the JS away from the wasm, so they are served as they are.
const wasmPackages = [
  '@jsquash/avif',
  '@jsquash/jpeg',
  '@jsquash/jxl',
  '@jsquash/oxipng',
  '@jsquash/png',
  '@jsquash/resize',
  '@jsquash/webp',
  'libheif-js',
];

export default defineConfig({
  plugins: [
    svelte(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'app/sw',
      filename: 'sw.ts',
      // The page registers the worker itself (app/pwa/pwa.svelte.ts) and asks before updating.
      registerType: 'prompt',
      injectRegister: false,
      manifest,
      includeAssets: ['favicon.svg', 'icons/apple-touch-icon.png'],
      injectManifest: {
        globPatterns: ['**/*.{html,js,css,wasm,svg,png,webmanifest}'],
        // Two AVIF encoder wasm files are ~3.5 MB and libheif ~2 MB: the 2 MiB default
        // would leave them out (and fail the build).
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
      },
    }),
  ],
  optimizeDeps: { exclude: wasmPackages },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 8192 },
  server: { port: 5173, strictPort: true },
  preview: { port: 5173, strictPort: true },
});
