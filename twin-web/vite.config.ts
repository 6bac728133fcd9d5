import { defineConfig } from 'vitest/config';
import { resolve } from 'node:path';

// Two pages from one build: the operator's twin at / and the tenant portal at /portal. The output lands in
// target/classes/webroot so the module's jar carries it onto the backend's classpath.
export default defineConfig({
  base: '/',
  build: {
    outDir: 'target/classes/webroot',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      input: {
        twin: resolve(import.meta.dirname, 'index.html'),
        portal: resolve(import.meta.dirname, 'portal/index.html'),
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: process.env.GRIDLEDGER_URL ?? 'http://localhost:8080', ws: true },
      '/web': process.env.GRIDLEDGER_URL ?? 'http://localhost:8080',
      '/openapi.yaml': process.env.GRIDLEDGER_URL ?? 'http://localhost:8080',
      '/pay': process.env.GRIDLEDGER_URL ?? 'http://localhost:8080',
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
  },
});
