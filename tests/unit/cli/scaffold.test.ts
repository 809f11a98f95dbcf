/** `convlens init`: what it writes into a fresh project, and that it never overwrites anything. */
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadExperiments } from '../../../src/config/index.ts';
import { nextSteps, scaffold } from '../../../src/cli/scaffold.ts';

let cwd: string;
const defaults = () => ({ cwd, experiments: 'experiments', out: 'dist', cache: '.convlens' });
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'convlens-init-'));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

describe('convlens init', () => {
  it('in a fresh npm project: the example, .gitignore and two scripts, other package.json fields untouched', async () => {
    const pkg = '{\n    "name": "paper",\n    "version": "1.0.0",\n    "scripts": {\n        "test": "node --test"\n    },\n    "devDependencies": {\n        "convlens": "^0.1.0"\n    }\n}\n';
    await writeFile(join(cwd, 'package.json'), pkg);
    expect(await scaffold(defaults())).toEqual([
      'created experiments/example.yaml',
      'created .gitignore with .convlens/ and dist/',
      'added npm scripts reports:check and reports:build to package.json',
    ]);
    expect(await readFile(join(cwd, '.gitignore'), 'utf8')).toBe('.convlens/\ndist/\n');
    expect(await readFile(join(cwd, 'package.json'), 'utf8')).toBe(
      '{\n    "name": "paper",\n    "version": "1.0.0",\n    "scripts": {\n        "test": "node --test",\n        "reports:check": "convlens check",\n        "reports:build": "convlens build"\n    },\n    "devDependencies": {\n        "convlens": "^0.1.0"\n    }\n}\n',
    );
    const example = await readFile(join(cwd, 'experiments', 'example.yaml'), 'utf8');
    expect(example.split('\n')[0]).toBe('# yaml-language-server: $schema=../node_modules/convlens/schema/experiment.schema.json');
    expect(nextSteps(defaults())).toBe('Next: edit experiments/example.yaml, then\n  npm run reports:check    # validate it\n  npm run reports:build    # train it and build the report into dist/');
  });

  it('the example is a valid experiment', async () => {
    await scaffold(defaults());
    const { experiments, errors } = await loadExperiments([join(cwd, 'experiments', 'example.yaml')]);
    expect(errors).toEqual([]);
    expect(experiments.map((e) => e.id)).toEqual(['example']);
  });

  it('run again, or over existing files: overwrites nothing and says so', async () => {
    await mkdir(join(cwd, 'experiments'));
    await writeFile(join(cwd, 'experiments', 'example.yaml'), 'mine\n');
    await writeFile(join(cwd, '.gitignore'), 'node_modules\n/dist\n');
    await writeFile(join(cwd, 'package.json'), '{"name":"x","scripts":{"reports:build":"make reports"}}');
    expect(await scaffold(defaults())).toEqual([
      'experiments/example.yaml exists; left as it is',
      'added .convlens/ to .gitignore',
      'added npm script reports:check to package.json\npackage.json already has a script named reports:build (doing something else); left as it is',
    ]);
    expect(await readFile(join(cwd, 'experiments', 'example.yaml'), 'utf8')).toBe('mine\n');
    expect(await readFile(join(cwd, '.gitignore'), 'utf8')).toBe('node_modules\n/dist\n.convlens/\n');
    expect(JSON.parse(await readFile(join(cwd, 'package.json'), 'utf8'))).toEqual({ name: 'x', scripts: { 'reports:build': 'make reports', 'reports:check': 'convlens check' } });

    expect(await scaffold(defaults())).toEqual([
      'experiments/example.yaml exists; left as it is',
      '.gitignore already lists .convlens/ and dist/; left as it is',
      'package.json already has a script named reports:build (doing something else); left as it is',
    ]);
    expect(await readFile(join(cwd, '.gitignore'), 'utf8')).toBe('node_modules\n/dist\n.convlens/\n');
  });

  it('a .gitignore without a final newline gets one before the new entries; --out/--cache/--experiments are honoured', async () => {
    await writeFile(join(cwd, '.gitignore'), 'node_modules');
    const options = { cwd, experiments: 'reports/experiments', out: 'public/reports/', cache: './cache' };
    expect(await scaffold(options)).toEqual([
      'created reports/experiments/example.yaml',
      'added cache/ and public/reports/ to .gitignore',
      'no package.json here, so no npm scripts were added (run "npm init -y" and "convlens init" again, or add them yourself: "reports:check": "convlens check", "reports:build": "convlens build")',
    ]);
    expect(await readFile(join(cwd, '.gitignore'), 'utf8')).toBe('node_modules\ncache/\npublic/reports/\n');
    const example = await readFile(join(cwd, 'reports', 'experiments', 'example.yaml'), 'utf8');
    expect(example.split('\n')[0]).toBe('# yaml-language-server: $schema=../../node_modules/convlens/schema/experiment.schema.json');
  });

  it('an unreadable package.json is left alone', async () => {
    await writeFile(join(cwd, 'package.json'), '{ "name": ');
    const lines = await scaffold(defaults());
    expect(lines[2]).toBe(
      'package.json is not valid JSON, so no npm scripts were added; left as it is (fix it and run "convlens init" again, or add them yourself: "reports:check": "convlens check", "reports:build": "convlens build")',
    );
    expect(await readFile(join(cwd, 'package.json'), 'utf8')).toBe('{ "name": ');
  });
});
