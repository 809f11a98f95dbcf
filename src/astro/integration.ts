/**
 * `convlens/astro`: the convlens reports inside an existing Astro or Starlight site.
 *
 *   1. config:setup   validate report.json (clear message before Astro starts); inject every page of
 *                     the report site (src/pages, read from this package) under the prefix; point
 *                     the pages at the report directory (CONVLENS_REPORT_DIR, as `convlens build`
 *                     does); rewrite their `import.meta.env.BASE_URL` to `<base><prefix>` so every
 *                     link stays under the prefix; expose `virtual:convlens/config` to
 *                     `<ConvlensFigure>`
 *   2. server:setup   dev: serve the published files (figures, data, model) under the prefix
 *   3. build:done     copy the published files into the output under the prefix, beside the pages
 *
 * The standalone site (`convlens build`) does none of this: there the report is Astro's publicDir
 * and BASE_URL is the site's own base, so its output does not change.
 */
import type { AstroIntegration } from 'astro';
import { createReadStream, readdirSync } from 'node:fs';
import { cp, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readReport, REPORT_DIR_ENV } from '../site/load.ts';
import { formatNotDirectory } from './messages.ts';
import { injectedPages, normalizePrefix, reportBase } from './routes.ts';

/** The convlens package root (src/pages lives there): the checkout, or node_modules/convlens (from lib/astro/ as from src/astro/). */
const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The report site's page files, shipped as sources in every install. */
const PAGES_DIR = join(PACKAGE_ROOT, 'src', 'pages');

/** The report site's sources whose `import.meta.env.BASE_URL` means the report's root. */
const SITE_SOURCES = ['pages', 'components', 'layouts', 'site'].map((d) => join(PACKAGE_ROOT, 'src', d) + sep);

/** The module `<ConvlensFigure>` reads the integration's settings from. */
export const CONFIG_MODULE = 'virtual:convlens/config';

/** Options of the integration. */
export interface ConvlensAstroOptions {
  /** The report directory `convlens run` publishes (holds report.json and experiments/), relative to the Astro project root. Default `.convlens/report`. */
  report?: string;
  /** URL path under the site's `base` where the report pages and files go. Default `/reports/`. */
  prefix?: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.yaml': 'text/yaml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.bin': 'application/octet-stream',
};

/** The Astro integration: `integrations: [convlens({ report: '.convlens/report', prefix: '/reports/' })]`. */
export default function convlens(options: ConvlensAstroOptions = {}): AstroIntegration {
  const prefixPath = normalizePrefix(options.prefix ?? '/reports/');
  let reportDir = '';
  let base = '';

  return {
    name: 'convlens',
    hooks: {
      'astro:config:setup': ({ config, injectRoute, updateConfig, logger }) => {
        reportDir = resolve(fileURLToPath(config.root), options.report ?? '.convlens/report');
        readReport(reportDir, 'given as the convlens integration\'s report option');
        base = reportBase(config.base, prefixPath);
        // The pages read the report through load.ts, as in `convlens build`; they render in this process.
        process.env[REPORT_DIR_ENV] = reportDir;
        if (config.build.format !== 'directory') logger.warn(formatNotDirectory(config.build.format));
        for (const page of injectedPages(prefixPath, PAGES_DIR, pageFiles(PAGES_DIR))) {
          injectRoute({ ...page, prerender: true });
        }
        updateConfig({
          vite: {
            plugins: [reportBasePlugin(() => base), configModulePlugin(() => ({ reportDir, base }))],
            // An installed convlens ships .astro and .ts sources: Vite must compile them, not Node.
            ssr: { noExternal: ['convlens'] },
          },
        });
      },
      'astro:server:setup': ({ server }) => {
        server.middlewares.use((req, res, next) => {
          servePublished(reportDir, base, req, res).then((served) => {
            if (!served) next();
          }, next);
        });
      },
      'astro:build:done': async ({ dir, logger }) => {
        const target = join(fileURLToPath(dir), ...prefixPath.split('/'));
        // Never over a page the build wrote: the report directory holds files only, no HTML.
        await cp(reportDir, target, { recursive: true, force: false, errorOnExist: false });
        logger.info(`report files from ${relative(process.cwd(), reportDir) || '.'} copied to ${relative(process.cwd(), target)}`);
      },
    },
  };
}

/** Page files under `dir`, relative and `/`-separated. */
function pageFiles(dir: string, sub = ''): string[] {
  return readdirSync(join(dir, sub), { withFileTypes: true }).flatMap((e) => {
    const rel = sub === '' ? e.name : `${sub}/${e.name}`;
    return e.isDirectory() ? pageFiles(dir, rel) : [rel];
  });
}

/** Vite plugin: in the report site's modules, `import.meta.env.BASE_URL` is the report's root under the host (runs before Vite's define). */
function reportBasePlugin(base: () => string) {
  return {
    name: 'convlens:report-base',
    transform(code: string, id: string) {
      const file = id.split('?')[0]!;
      if (!SITE_SOURCES.some((dir) => file.startsWith(dir)) || !code.includes('import.meta.env.BASE_URL')) return null;
      return { code: code.replaceAll('import.meta.env.BASE_URL', JSON.stringify(base())), map: null };
    },
  };
}

/** Vite plugin: `virtual:convlens/config` exports `{ reportDir, base }` for `<ConvlensFigure>`. */
function configModulePlugin(settings: () => { reportDir: string; base: string }) {
  const resolved = `\0${CONFIG_MODULE}`;
  return {
    name: 'convlens:config',
    resolveId(id: string) {
      return id === CONFIG_MODULE ? resolved : null;
    },
    load(id: string) {
      return id === resolved ? `export default ${JSON.stringify(settings())};` : null;
    },
  };
}

/** Dev server: answer a GET under `base` with the published file it names, if there is one. */
async function servePublished(reportDir: string, base: string, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  } catch {
    return false;
  }
  if (!pathname.startsWith(base)) return false;
  const file = resolve(reportDir, pathname.slice(base.length));
  if (!file.startsWith(reportDir + sep)) return false;
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) return false;
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': info.size });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
  return true;
}
