import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// `nx run viewer:dev` proxies the server's endpoints, so the page talks to it as if it were
// served by it. LFE_SERVER picks the server (default: the stream server's default port).
const server = process.env['LFE_SERVER'] ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: import.meta.dirname,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: {
      input: { main: resolve(import.meta.dirname, 'index.html'), obs: resolve(import.meta.dirname, 'obs.html') },
    },
  },
  server: {
    proxy: {
      '/whip': server,
      '/whep': server,
      '/healthz': server,
      '/ws': { target: server.replace(/^http/, 'ws'), ws: true },
    },
  },
});
