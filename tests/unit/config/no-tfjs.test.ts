/**
 * `convlens check` must start fast and never load TensorFlow.js, so the config module's whole
 * import graph must stay free of it. A fresh Node process records every module URL resolved
 * while importing src/config/index.ts (a module.registerHooks resolve hook sees the transitive
 * graph). A control module that does import tfjs proves the detector fires.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const HARNESS = `
import { registerHooks } from 'node:module';
const seen = [];
registerHooks({
  resolve(specifier, context, next) {
    const result = next(specifier, context);
    seen.push(result.url);
    // Record tfjs but do not execute it: the control only needs to be seen resolving it.
    return result.url.includes('@tensorflow') ? { url: 'data:text/javascript,', shortCircuit: true } : result;
  },
});
try {
  await import(process.argv[1]);
} finally {
  process.stdout.write(JSON.stringify(seen));
}
`;

function modulesLoadedBy(file: string): string[] {
  const url = new URL(`file://${resolve(file)}`).href;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', HARNESS, url], { encoding: 'utf8' });
  return JSON.parse(out) as string[];
}

describe('config module import graph', () => {
  it('does not load @tensorflow/*', () => {
    const urls = modulesLoadedBy('src/config/index.ts');
    // The hook did see the graph, packages included…
    expect(urls.some((u) => u.endsWith('/src/config/validate.ts'))).toBe(true);
    expect(urls.some((u) => u.includes('/node_modules/zod/'))).toBe(true);
    expect(urls.some((u) => u.includes('/node_modules/yaml/'))).toBe(true);
    // …and no TensorFlow.js in it.
    expect(urls.filter((u) => u.includes('@tensorflow'))).toEqual([]);
  });

  it('the detector fires on a module that does import tfjs (control)', () => {
    const urls = modulesLoadedBy('tests/fixtures/config/imports-tfjs.mjs');
    expect(urls.filter((u) => u.includes('@tensorflow')).length).toBeGreaterThan(0);
  });
});
