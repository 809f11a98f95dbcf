/**
 * The pipeline's call into Astro: build the static site from a report directory.
 *
 *   1. validate   read <reportDir>/report.json with the shared schema (clear message, no Astro noise)
 *   2. build      Astro `build()` into a fresh sibling `<outDir>.tmp-…`, with `publicDir = reportDir`
 *                 so every published file lands beside the pages, byte for byte
 *   3. swap       rename the old outDir aside, rename the new one in, then delete the old one
 *
 * A failed build removes its temporary directory and leaves the previous outDir untouched, so a
 * half-written site is never presented as done.
 *
 * The site's sources (src/pages, src/components, …, astro.config.mjs) are read from the convlens
 * package (Astro's `root`), which may be an installed copy in the project's node_modules;
 * everything Astro writes goes to the project: `outDir`, and Astro's and Vite's caches in
 * `<cacheDir>/astro/`. Type generation (`sync`, which writes `<root>/.astro/`) is off, so an
 * installed convlens is never written to. (Astro needs `srcDir` inside `root`: a root in the
 * project's cache with srcDir in node_modules fails to compile the pages' scripts.)
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../lib/errors.ts';
import { readReport, REPORT_DIR_ENV } from './load.ts';
import { siteBuildFailed } from './messages.ts';

/** The convlens package root (where astro.config.mjs and src/pages live): the checkout, or node_modules/convlens when installed. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface BuildSiteOptions {
  /** The report directory (holds report.json and experiments/); relative paths resolve against the working directory. */
  reportDir: string;
  /** Where the finished site goes; replaced only when the build succeeds. */
  outDir: string;
  /** URL sub-path the site is served under, e.g. `/reports/`. Default `/`. */
  base?: string;
  /** convlens cache directory; Astro's and Vite's caches go in `<cacheDir>/astro/`. Default `<outDir>/../.convlens`. */
  cacheDir?: string;
}

/** Build the site from `reportDir` into `outDir` (atomically replaced). */
export async function buildSite(options: BuildSiteOptions): Promise<void> {
  const reportDir = resolve(options.reportDir);
  const outDir = resolve(options.outDir);
  const cacheDir = resolve(options.cacheDir ?? join(dirname(outDir), '.convlens'));
  readReport(reportDir);

  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const temp = `${outDir}.tmp-${suffix}`;
  await mkdir(dirname(outDir), { recursive: true });
  try {
    await runAstro({ reportDir, outDir: temp, base: options.base ?? '/', cacheDir: join(cacheDir, 'astro') });
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    if (error instanceof UserError) throw error;
    const detail = (error instanceof Error ? error.message : String(error)).trim().replace(/\.$/, '');
    throw new Error(siteBuildFailed(outDir, detail), { cause: error });
  }
  const old = `${outDir}.old-${suffix}`;
  try {
    await rename(outDir, old);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      await rm(temp, { recursive: true, force: true });
      throw error;
    }
  }
  await rename(temp, outDir);
  await rm(old, { recursive: true, force: true });
}

interface AstroRun {
  reportDir: string;
  outDir: string;
  base: string;
  cacheDir: string;
}

/**
 * Vite's reserved `import.meta.env` names. Astro lets a process environment variable of the same
 * name override them (a shell or CI with BASE_URL=/ would silently drop `base` from every link),
 * so they are hidden from Astro for the duration of the build.
 */
const RESERVED_ENV = ['BASE_URL', 'MODE', 'DEV', 'PROD', 'SSR', 'SITE', 'ASSETS_PREFIX'];

/** Astro's programmatic build with the report directory exposed to the pages (environment restored afterwards). */
async function runAstro(run: AstroRun): Promise<void> {
  const overrides: Record<string, string | undefined> = {
    [REPORT_DIR_ENV]: run.reportDir,
    // An archival build must not phone home.
    ASTRO_TELEMETRY_DISABLED: '1',
    ...Object.fromEntries(RESERVED_ENV.map((name) => [name, undefined])),
  };
  const saved = Object.fromEntries(Object.keys(overrides).map((name) => [name, process.env[name]]));
  for (const [name, value] of Object.entries(overrides)) setEnv(name, value);
  try {
    const { build } = await import('astro');
    await build(
      {
        root: PACKAGE_ROOT,
        publicDir: run.reportDir,
        outDir: run.outDir,
        base: run.base,
        cacheDir: run.cacheDir,
        logLevel: 'warn',
        vite: {
          cacheDir: join(run.cacheDir, 'vite'),
          logLevel: 'warn',
          // An inline PostCSS config stops Vite searching upwards for one: the project's own
          // postcss.config.* (Tailwind, …) must not restyle the report.
          css: { postcss: {} },
          // Astro renders the pages by importing a prerender bundle it writes into outDir (when
          // outDir is inside the working directory). Bare imports left in it would resolve from
          // the user's project, where pnpm (or a plain folder) does not have Astro's dependencies:
          // bundle them all, so the bundle resolves nothing from where it lies.
          environments: { prerender: { resolve: { noExternal: true } } },
        },
      },
      // No type generation: it would write <root>/.astro/, inside node_modules when installed.
      // The site has no content collections (notes arrive through report.json). `sync` is
      // AstroBuilder's option, passed through by build() but not in its public type (Astro 7.3);
      // should a later Astro drop it, the build still works, writing .astro/ into the package.
      { sync: false } as Parameters<typeof build>[1],
    );
  } finally {
    for (const [name, value] of Object.entries(saved)) setEnv(name, value);
  }
}

function setEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
