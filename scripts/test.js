#!/usr/bin/env node
// `npm test`: type check (tsc), unit and integration tests (Vitest), then end-to-end tests (Playwright driving
// Debian's Chromium). Fails at once, naming the fix, when Chromium is missing.
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
    return { passed: 0, failed: 0 };
  }
}
const v = counts('test-reports/vitest.json', (r) => ({ passed: r.numPassedTests, failed: r.numFailedTests }));
const p = counts('test-reports/e2e.json', (r) => ({ passed: r.stats.expected, failed: r.stats.unexpected + (r.stats.flaky ?? 0) }));
const failed = v.failed + p.failed + (types !== 0 ? 1 : 0) + (unit !== 0 && v.failed === 0 ? 1 : 0) + (e2e !== 0 && p.failed === 0 ? 1 : 0);
process.stdout.write(`\n${v.passed + p.passed} passed, ${failed} failed\n`);
process.exit(types !== 0 || unit !== 0 || e2e !== 0 ? 1 : 0);
