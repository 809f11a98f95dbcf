// The pack test's browser check (scripts/pack-test.sh): serve a built report directory under a URL
// prefix on 127.0.0.1 and open its index and one experiment page in Chromium. Each page must load
// with no console error, no failed request and no 404, and every image on it (the figures) must
// decode. Prints one line per check ("ok …" / "FAILED …") and exits 1 if any failed.
//
//   node tests/package/browse.mjs <dist dir> <prefix, e.g. /reports/> <experiment id>
//
// Plain JavaScript so it runs from the checkout without a build; Playwright comes from the
// checkout's devDependencies, Chromium from the system (never `npx playwright install`).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { extname, join, normalize, resolve, sep } from 'node:path';

const [distArg, prefix = '/reports/', experiment = 'example'] = process.argv.slice(2);
if (!distArg) {
  process.stderr.write('usage: node tests/package/browse.mjs <dist dir> <prefix> <experiment id>\n');
  process.exit(2);
}
const root = resolve(distArg);
const { chromium } = createRequire(import.meta.url)('@playwright/test');
const CHROMIUM = process.env.CONVLENS_CHROMIUM ?? '/usr/bin/chromium';

const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.csv': 'text/csv', '.yaml': 'text/yaml' };

/** A static server for `root` under `prefix` only: a link that ignores the base path is a 404. */
function serve() {
  const server = createServer(async (req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (!pathname.startsWith(prefix)) return void res.writeHead(404).end();
    let file = normalize(join(root, pathname.slice(prefix.length)));
    if (file !== root && !file.startsWith(root + sep)) return void res.writeHead(403).end();
    let info = await stat(file).catch(() => null);
    if (info?.isDirectory()) {
      file = join(file, 'index.html');
      info = await stat(file).catch(() => null);
    }
    if (!info?.isFile()) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

const server = await serve();
const base = `http://127.0.0.1:${server.address().port}${prefix}`;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
let failed = 0;
try {
  for (const [name, path] of [['index page', ''], [`experiment page ${experiment}`, `experiments/${experiment}/`]]) {
    const page = await browser.newPage();
    const problems = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
    page.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));
    const response = await page.goto(base + path, { waitUntil: 'load' });
    if (response?.status() !== 200) problems.push(`HTTP ${response?.status()} for the page itself`);
    // Every image, lazy ones included, must load and decode to a real picture.
    const images = await page.evaluate(async () =>
      Promise.all(
        [...document.images].map(async (img) => {
          img.loading = 'eager';
          try {
            await img.decode();
            return { src: img.currentSrc, ok: img.naturalWidth > 0 };
          } catch {
            return { src: img.currentSrc || img.src, ok: false };
          }
        }),
      ),
    );
    for (const img of images.filter((i) => !i.ok)) problems.push(`image did not decode: ${img.src}`);
    if (path !== '' && images.length === 0) problems.push('no figures on the experiment page');
    if (path === '' && !(await page.locator(`a[href="${prefix}experiments/${experiment}/"]`).count())) problems.push(`no link to ${prefix}experiments/${experiment}/`);
    await page.close();
    if (problems.length === 0) process.stdout.write(`ok ${name} (${images.length} images decoded)\n`);
    else {
      failed++;
      process.stdout.write(`FAILED ${name}:\n${problems.map((p) => `  ${p}\n`).join('')}`);
    }
  }
} finally {
  await browser.close();
  server.close();
}
process.exit(failed === 0 ? 0 : 1);
