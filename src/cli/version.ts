/** convlens's own version, from its package.json (two levels up from src/cli/ and from lib/cli/ alike). */
import { readFileSync } from 'node:fs';

/** The version in convlens's package.json, e.g. "0.1.0". */
export function convlensVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
