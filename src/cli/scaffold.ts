/**
 * `convlens init`'s work: set up a project for convlens without ever overwriting a file.
 *
 *   1. example     <experiments>/example.yaml, commented, with the editor schema line — unless it exists
 *   2. .gitignore  append the cache and site directories, skipping entries already there
 *   3. scripts     add reports:check / reports:build to package.json's scripts, touching nothing else
 *
 * Returns one line per step saying what was done or left alone; all paths relative to `cwd`.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { initMessages as m } from './messages.ts';

/** Where init writes; the directories are the command's --experiments, --out and --cache. */
export interface ScaffoldOptions {
  /** The project directory (where package.json and .gitignore are). */
  cwd: string;
  /** Experiments directory, relative to cwd. */
  experiments: string;
  /** Site output directory, relative to cwd (ignored by git). */
  out: string;
  /** Cache directory, relative to cwd (ignored by git). */
  cache: string;
}

/** The npm scripts init adds, by name. */
export const SCRIPTS: Readonly<Record<string, string>> = {
  'reports:check': 'convlens check',
  'reports:build': 'convlens build',
};

/** Where the JSON Schema is once convlens is installed in the project, for the `$schema` line. */
const SCHEMA_IN_PROJECT = join('node_modules', 'convlens', 'schema', 'experiment.schema.json');

/** The example experiment; `schemaPath` is relative to the experiments directory. */
export function exampleExperiment(schemaPath: string): string {
  return `# yaml-language-server: $schema=${schemaPath}
#
# An example convlens experiment: a small CNN on Fashion-MNIST (28×28 grey images, 10 classes).
# \`npx convlens check\` validates this file; \`npx convlens build\` trains it and builds the report
# into dist/. The experiment's id is its file name (example). Editors that read the schema line
# above (VS Code with the YAML extension, JetBrains IDEs, Neovim with yamlls) complete and check
# every key; convlens's docs/experiments.md describes them all.
title: Fashion-MNIST — small CNN
description: >-
  Two convolution blocks and a dense head, trained on part of Fashion-MNIST.
seed: 42
data:
  source: fashion-mnist        # or mnist, cifar10, a folder of images, a CSV of file names
  # Images per split, so that a first build takes seconds rather than minutes. Remove the line
  # to train on the whole dataset (60,000 training and 10,000 test images).
  limit: { train: 6000, test: 1000 }
  split: { validation: 0.1, stratify: true }
  normalize: rescale           # pixels / 255
model:
  layers:
    - conv2d: { filters: 16, kernel: 3, activation: relu }
    - maxPool: 2
    - conv2d: { filters: 32, kernel: 3, activation: relu }
    - maxPool: 2
    - flatten: {}
    - dense: { units: 64, activation: relu }
    - dropout: 0.3
    - dense: { units: 10, activation: softmax }
train:
  epochs: 3
  batchSize: 64
  optimizer: { adam: { learningRate: 0.001 } }
`;
}

const exists = (error: unknown) => (error as NodeJS.ErrnoException).code === 'EEXIST';
const missing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

/** A path as the user typed it, with forward slashes, for messages and .gitignore. */
function display(path: string): string {
  return path.split(sep).join('/');
}

async function writeExample(o: ScaffoldOptions): Promise<string> {
  const dir = resolve(o.cwd, o.experiments);
  const file = join(dir, 'example.yaml');
  const shown = display(relative(o.cwd, file));
  await mkdir(dir, { recursive: true });
  const schema = display(relative(dir, resolve(o.cwd, SCHEMA_IN_PROJECT)));
  try {
    // `wx`: fail rather than overwrite, even if the file appears between a check and the write.
    await writeFile(file, exampleExperiment(schema), { flag: 'wx' });
  } catch (error) {
    if (exists(error)) return m.exampleKept(shown);
    throw error;
  }
  return m.exampleCreated(shown);
}

/** A .gitignore line reduced to what it matches here: `/dist/`, `dist/` and `dist` are the same entry. */
function ignoreKey(line: string): string {
  return line.trim().replace(/^\//, '').replace(/\/+$/, '');
}

async function updateGitignore(o: ScaffoldOptions): Promise<string> {
  const file = join(o.cwd, '.gitignore');
  let text = '';
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (!missing(error)) throw error;
  }
  const present = new Set(text.split(/\r?\n/).map(ignoreKey));
  const wanted = [o.cache, o.out].map((p) => `${display(p).replace(/^\.\//, '').replace(/\/+$/, '')}/`);
  const added = wanted.filter((entry, i) => !present.has(ignoreKey(entry)) && wanted.indexOf(entry) === i);
  if (added.length === 0) return m.gitignoreKept(wanted);
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  await writeFile(file, `${text}${separator}${added.join('\n')}\n`);
  return text === '' ? m.gitignoreCreated(added) : m.gitignoreAdded(added);
}

async function addScripts(o: ScaffoldOptions): Promise<string> {
  const file = join(o.cwd, 'package.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (missing(error)) return m.noPackageJson(SCRIPTS);
    throw error;
  }
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(text) as Record<string, unknown>;
    if (typeof pkg !== 'object' || pkg === null || Array.isArray(pkg)) throw new Error('not an object');
  } catch {
    return m.packageJsonUnreadable(SCRIPTS);
  }
  const scripts = (typeof pkg['scripts'] === 'object' && pkg['scripts'] !== null ? pkg['scripts'] : {}) as Record<string, unknown>;
  const added = Object.keys(SCRIPTS).filter((name) => !(name in scripts));
  const kept = Object.keys(SCRIPTS).filter((name) => name in scripts && scripts[name] !== SCRIPTS[name]);
  if (added.length > 0) {
    pkg['scripts'] = { ...scripts, ...Object.fromEntries(added.map((name) => [name, SCRIPTS[name]])) };
    // Keep the file's own indentation and final newline.
    const indent = /^[ \t]+/m.exec(text.slice(text.indexOf('{') + 1))?.[0] ?? '  ';
    await writeFile(file, JSON.stringify(pkg, null, indent) + (text.endsWith('\n') ? '\n' : ''));
  }
  return m.scripts(added, kept);
}

/** Run the three steps in order; returns what each did, one line each. */
export async function scaffold(options: ScaffoldOptions): Promise<string[]> {
  return [await writeExample(options), await updateGitignore(options), await addScripts(options)];
}

/** What to type next, after init. */
export function nextSteps(options: ScaffoldOptions): string {
  return m.next(display(relative(options.cwd, join(resolve(options.cwd, options.experiments), 'example.yaml'))));
}
