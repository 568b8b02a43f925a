/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The platform serves dist/ itself (same origin as the API), so production needs no proxy. `npm run dev` proxies
// /api and /health to a platform given by IMGUARD_PLATFORM (e.g. https://127.0.0.1:7400; its certificate is from
// the deployment's own CA, hence secure: false).
const platform = process.env.IMGUARD_PLATFORM ?? 'https://127.0.0.1:7400';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    sourcemap: false,
    // No inline scripts or styles: the platform's Content-Security-Policy allows 'self' only.
    assetsInlineLimit: 0,
  },
  server: {
    proxy: {
      '/api': { target: platform, secure: false, changeOrigin: false },
      '/health': { target: platform, secure: false },
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
