import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

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
  plugins: [svelte()],
  optimizeDeps: { exclude: wasmPackages },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 8192 },
  server: { port: 5173, strictPort: true },
  preview: { port: 5173, strictPort: true },
});
