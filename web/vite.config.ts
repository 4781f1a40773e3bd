// Builds the officers' web interface into dist/, which `liaison serve
// --web-root web/dist` serves at / next to the API. Everything the page needs
// is bundled: no CDN, no web fonts, no inline scripts (the node's
// Content-Security-Policy allows only same-origin scripts and styles).
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    sourcemap: false,
    // The polyfill would be an inline script; every supported browser has
    // module preload.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 600,
  },
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  server: {
    // `npm run dev` against a node on 8443 (its self-signed certificate).
    proxy: { '/api': { target: 'https://127.0.0.1:8443', secure: false } },
  },
});
