/**
 * `npm run build:lib` (and `prepack`): the published package's JavaScript in lib/, which runs on
 * its own inside node_modules (the checkout runs src/ directly; ARCHITECTURE.md).
 *
 *   0. compile    remove lib/, then `tsc -p tsconfig.build.json` (src → lib/**\/*.js + .d.ts)
 *   1. assets     copy the files the code reads beside itself (kernels.wasm, onnx.proto, …):
 *                 everything under src/ that is not TypeScript, documentation or a build source
 *   2. rewrite    `new URL('./x.ts', import.meta.url)` → `./x.js` (tsc rewrites import specifiers,
 *                 not URLs; Node refuses to strip types under node_modules, so a worker must be .js)
 *   3. verify     every literal `new URL('…', import.meta.url)` / `join(import.meta.dirname, '…')`
 *                 in lib/ names a file that exists; otherwise fail, naming it
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const lib = join(root, 'lib');

/** Folders under src/ that ship as sources for Astro, never run from lib/. */
const SITE_SOURCES = ['pages', 'components', 'layouts', 'styles', 'site/client'];
/** Files that are not read at run time: TypeScript, docs, and the wasm kernels' C sources and build script. */
const NOT_ASSETS = /\.(ts|md|c|h|sh|astro|css)$/;

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? walk(path) : [path];
  });
}

// 0 compile: a stale file of a deleted module must not ship, so lib/ starts empty.
rmSync(lib, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
if (compiled.status !== 0) {
  process.stderr.write('build:lib: the TypeScript compiler reported errors (above); lib/ is incomplete and must not be packed.\n');
  process.exit(1);
}

// 1 assets
const copied: string[] = [];
for (const file of walk(src)) {
  const rel = relative(src, file);
  if (SITE_SOURCES.some((d) => rel.startsWith(`${d}/`)) || NOT_ASSETS.test(rel)) continue;
  mkdirSync(dirname(join(lib, rel)), { recursive: true });
  copyFileSync(file, join(lib, rel));
  copied.push(rel);
}

// 2 rewrite and 3 verify
const URL_LITERAL = /new URL\((['"])([^'"]+)\1, import\.meta\.url\)/g;
const DIRNAME_LITERAL = /join\(import\.meta\.dirname, (['"])([^'"]+)\1\)/g;
const missing: string[] = [];
let rewritten = 0;
for (const file of walk(lib).filter((f) => f.endsWith('.js'))) {
  const text = readFileSync(file, 'utf8');
  const next = text.replace(URL_LITERAL, (whole, quote: string, spec: string) => {
    if (!spec.startsWith('.') || !spec.endsWith('.ts')) return whole;
    rewritten++;
    return `new URL(${quote}${spec.slice(0, -3)}.js${quote}, import.meta.url)`;
  });
  if (next !== text) writeFileSync(file, next);
  for (const pattern of [URL_LITERAL, DIRNAME_LITERAL]) {
    for (const m of next.matchAll(pattern)) {
      const target = resolve(dirname(file), m[2]!);
      if (!existsSync(target)) missing.push(`${relative(root, file)} reads ${m[2]} (${relative(root, target)}), which lib/ does not have`);
    }
  }
}
if (missing.length > 0) {
  process.stderr.write(`build:lib: ${missing.length} file${missing.length === 1 ? '' : 's'} the compiled code reads would be missing:\n${missing.map((m) => `  ${m}\n`).join('')}Copy them in scripts/build-lib.ts (step 1), or resolve them from the package root.\n`);
  process.exit(1);
}
process.stdout.write(`build:lib: lib/ ready (${copied.length} asset${copied.length === 1 ? '' : 's'} copied: ${copied.join(', ')}; ${rewritten} worker URL${rewritten === 1 ? '' : 's'} rewritten to .js)\n`);
