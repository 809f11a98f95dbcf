/**
 * bin/convlens.js's rule: the sources when src/cli/main.ts is there (the checkout), else the
 * compiled lib/cli/main.js (the installed package, which ships no src/cli/), else a message.
 */
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let pkg: string;
beforeEach(async () => {
  pkg = await mkdtemp(join(tmpdir(), 'convlens-bin-'));
  await mkdir(join(pkg, 'bin'));
  await copyFile(resolve('bin/convlens.js'), join(pkg, 'bin', 'convlens.js'));
  await writeFile(join(pkg, 'package.json'), '{"type":"module"}');
});
afterEach(async () => {
  await rm(pkg, { recursive: true, force: true });
});

/** A stand-in CLI entry that says which file ran and with which arguments. */
const entry = (name: string) => `export async function main(argv) { process.stdout.write('${name} ' + argv.join(' ') + '\\n'); return 3; }\n`;
const run = () => spawnSync(process.execPath, [join(pkg, 'bin', 'convlens.js'), 'check', 'a.yaml'], { encoding: 'utf8' });

describe('bin/convlens.js', () => {
  it('installed (no src/cli/main.ts): runs lib/cli/main.js and exits with its code', async () => {
    await mkdir(join(pkg, 'lib', 'cli'), { recursive: true });
    await writeFile(join(pkg, 'lib', 'cli', 'main.js'), entry('lib'));
    const r = run();
    expect([r.stdout, r.status]).toEqual(['lib check a.yaml\n', 3]);
  });

  it('in the checkout (src/cli/main.ts present): runs the sources even when lib/ exists', async () => {
    await mkdir(join(pkg, 'lib', 'cli'), { recursive: true });
    await writeFile(join(pkg, 'lib', 'cli', 'main.js'), entry('lib'));
    await mkdir(join(pkg, 'src', 'cli'), { recursive: true });
    await writeFile(join(pkg, 'src', 'cli', 'main.ts'), entry('src').replace('main(argv)', 'main(argv: string[]): Promise<number>'));
    const r = run();
    expect([r.stdout, r.status]).toEqual(['src check a.yaml\n', 3]);
  });

  it('neither: says what is missing and how to fix it', () => {
    const r = run();
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `convlens is incomplete: neither its sources (src/cli/main.ts) nor its compiled code (lib/cli/main.js) are in ${pkg}/.\n` +
        'Reinstall it (npm install --save-dev convlens), or in a checkout run "npm run build:lib".\n',
    );
  });
});
