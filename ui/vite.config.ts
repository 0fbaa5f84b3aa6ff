/// <reference types="vitest/config" />
// Builds the web UI that the Tauri shell loads from ui/dist; also configures Vitest.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  plugins: [svelte()],
  base: './',
  clearScreen: false,
  // The Tauri shell's devUrl is http://localhost:1420.
  server: { port: 1420, strictPort: true },
  preview: { port: 1421, strictPort: true },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Keep small assets as files: CSP forbids nothing here, but data: URLs would need img-src data:.
    assetsInlineLimit: 0,
  },
  // Vitest must resolve Svelte's browser build, not its server build.
  resolve: process.env.VITEST ? { conditions: ['browser'] } : undefined,
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
    restoreMocks: true,
  },
});
