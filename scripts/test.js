#!/usr/bin/env node
// `npm test`: type check (tsc), unit and integration tests (Vitest), then end-to-end tests (Playwright driving
// Debian's Chromium). Fails at once, naming the fix, when Chromium (the one system requirement README
// names) is missing. Optional tools are checked up front too: a test that needs one that is absent is
// skipped and listed at the end as not run, with the reason, and counted apart from the passed ones.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const chromium = process.env.CONVLENS_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  process.stderr.write(
    `npm test needs Chromium for the end-to-end tests, and there is none at ${chromium}.\n` +
      `Install it with "apt-get update && apt-get install -y chromium" (as root), or set CONVLENS_CHROMIUM to a Chromium binary, then run npm test again.\n`,
  );
  process.exit(1);
}

// The byte-for-byte rebuild of the wasm kernels needs Debian's clang and lld 14 (exit 3 = not here).
const toolchain = spawnSync('bash', ['src/engine/kernels/native/build.sh', '--check'], { encoding: 'utf8' });
if (toolchain.status !== 0) {
  const reason = toolchain.error ? 'bash is not on PATH' : toolchain.stderr.trim();
  process.stdout.write(`Not run here: the kernels.wasm rebuild check. ${reason}\n\n`);
}

// The remote cache tests run a real nginx (Debian's package); without it they are listed as not run.
const nginxWorks = ['/usr/sbin/nginx', '/usr/bin/nginx'].some((path) => existsSync(path) && spawnSync(path, ['-v'], { stdio: 'ignore' }).status === 0);
if (!nginxWorks) {
  process.stdout.write('Not run here: the remote cache tests against a real WebDAV server. nginx is not installed; on Debian 12: apt-get install -y nginx\n\n');
}

mkdirSync('test-reports', { recursive: true });
const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', env: process.env }).status ?? 1;
const types = run('npx', ['tsc', '--noEmit', '-p', '.']);
if (types !== 0) process.stderr.write('Type check failed (see above).\n');
const unit = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=test-reports/vitest.json']);
const e2e = run('npx', ['playwright', 'test']);

// One closing line over both runners, in the plain "N passed, N failed" form.
function counts(path, pick) {
  try {
    return pick(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    return { passed: 0, failed: 0, notRun: [] };
  }
}
const v = counts('test-reports/vitest.json', (r) => ({
  passed: r.numPassedTests,
  failed: r.numFailedTests,
  notRun: r.testResults.flatMap((f) => f.assertionResults.filter((a) => a.status !== 'passed' && a.status !== 'failed')),
}));
const p = counts('test-reports/e2e.json', (r) => ({
  passed: r.stats.expected,
  failed: r.stats.unexpected + (r.stats.flaky ?? 0),
  skipped: r.stats.skipped ?? 0,
}));
const failed = v.failed + p.failed + (types !== 0 ? 1 : 0) + (unit !== 0 && v.failed === 0 ? 1 : 0) + (e2e !== 0 && p.failed === 0 ? 1 : 0);
const notRun = v.notRun ?? [];
if (notRun.length > 0) {
  process.stdout.write(`\nNot run (${notRun.length}):\n`);
  for (const t of notRun) process.stdout.write(`  - ${t.fullName}${t.meta?.notRun ? `: ${t.meta.notRun}` : ''}\n`);
}
const skippedCount = notRun.length + (p.skipped ?? 0);
const skipped = skippedCount > 0 ? `, ${skippedCount} skipped` : '';
process.stdout.write(`\n${v.passed + p.passed} passed, ${failed} failed${skipped}\n`);
process.exit(types !== 0 || unit !== 0 || e2e !== 0 ? 1 : 0);
