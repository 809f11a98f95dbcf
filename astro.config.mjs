// @ts-check
// Astro config for the convlens report site. `convlens build` (src/site/build-site.ts) passes
// publicDir, outDir, base and cacheDir inline; this file holds what every build shares.
// Running Astro directly (`astro dev`, `astro build`) reads the report directory from
// CONVLENS_REPORT_DIR, e.g. CONVLENS_REPORT_DIR=tests/fixtures/site/report npx astro dev
import { defineConfig } from 'astro/config';

export default defineConfig({
  output: 'static',
  // The report directory is copied verbatim beside the pages (experiments/<id>/data/… etc.).
  publicDir: process.env.CONVLENS_REPORT_DIR ?? './public',
  outDir: './dist',
  trailingSlash: 'ignore',
  build: { format: 'directory', inlineStylesheets: 'never' },
  // No integrations, no remote images, no prefetch: the site must work offline for years.
  integrations: [],
  devToolbar: { enabled: false },
});
