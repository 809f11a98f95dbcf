/**
 * The config stage: experiment YAML files → ExperimentSpec[], or every error found.
 *
 *   file text ──1 load──▶ YAML tree + data ──2 validate──▶ ──3 checks──▶ ──4 id──▶ ──5 normalize──▶ ExperimentSpec
 *                                                                                  6 ids unique across files
 *
 *   1. load.ts       parse YAML, keep node positions; malformed or empty → error
 *   2. validate.ts   zod schema (schema.ts); issues → located ConfigErrors (messages.ts)
 *   3. checks.ts     rules across keys (model form, layer graph, schedules, monitors)
 *   4. here          id = `id:` or the file name, which must then be a valid id too
 *   5. normalize.ts  shorthands expanded, seeds derived (pure)
 *   6. here          a duplicate id is an error at the later file
 *
 * Files are checked independently so one run reports the errors of all of them. This module
 * must never import tfjs: `convlens check` loads only this (a test enforces it).
 */
import { open, readdir } from 'node:fs/promises';
import { FileTooLarge, MAX_FILE_BYTES } from './limits.ts';
import { basename, extname, join } from 'node:path';
import { UserError } from '../lib/errors.ts';
import { checkExperiment } from './checks.ts';
import type { ConfigError } from './error.ts';
import { keyPosition, loadYaml, valuePosition, type Position } from './load.ts';
import { messages } from './messages.ts';
import { normalizeExperiment } from './normalize.ts';
import { ID_PATTERN } from './schema.ts';
import type { ExperimentSpec } from './spec.ts';
import { validateExperiment } from './validate.ts';

export { formatConfigError, type ConfigError } from './error.ts';

/** File reading, injected so tests need no disk. */
export interface ConfigFs {
  readFile(path: string): Promise<string>;
}

/** Never reads a file larger than an experiment may be: its size is enough for the error. */
const nodeFs: ConfigFs = {
  readFile: async (path) => {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      if (size > MAX_FILE_BYTES) throw new FileTooLarge(size);
      return await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  },
};

/** Every valid experiment, and every error; an experiment with any error is left out. */
export interface LoadedExperiments {
  experiments: ExperimentSpec[];
  errors: ConfigError[];
}

/** The experiment id a file gets when it sets no `id:` (file name without extension). */
export function idFromFileName(file: string): string {
  return basename(file, extname(file));
}

/** Load, validate and normalize one file's text. */
export function parseExperiment(file: string, text: string): { spec: ExperimentSpec; idPosition: Position } | { errors: ConfigError[] } {
  const loaded = loadYaml(file, text);
  if (!loaded.ok) return { errors: loaded.errors };
  const validated = validateExperiment(loaded.value);
  if (!validated.ok) return { errors: validated.errors };
  const crossErrors = checkExperiment(validated.value, loaded.value);
  if (crossErrors.length > 0) return { errors: crossErrors };
  const id = validated.value.id ?? idFromFileName(file);
  if (!ID_PATTERN.test(id)) return { errors: [{ file, line: 1, col: 1, path: 'id', message: messages.badFileId(id) }] };
  // Where a clash with another file's id is reported: the `id:` key, or the top of the file.
  const idPosition = validated.value.id === undefined ? { line: 1, col: 1 } : keyPosition(loaded.value, ['id']);
  return { spec: normalizeExperiment(validated.value, { id, file, source: text }), idPosition };
}

/** Load experiment files (paths relative to the working directory), in the order given. */
export async function loadExperiments(files: string[], fs: ConfigFs = nodeFs): Promise<LoadedExperiments> {
  const experiments: ExperimentSpec[] = [];
  const errors: ConfigError[] = [];
  const firstFileOf = new Map<string, string>();
  for (const file of files) {
    let text: string;
    try {
      text = await fs.readFile(file);
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      const message = e instanceof FileTooLarge ? messages.fileTooLarge(e.bytes, MAX_FILE_BYTES) : messages.readFailed(reason);
      errors.push({ file, line: 1, col: 1, path: '', message });
      continue;
    }
    const result = parseExperiment(file, text);
    if ('errors' in result) {
      errors.push(...result.errors);
      continue;
    }
    const { spec, idPosition: pos } = result;
    const first = firstFileOf.get(spec.id);
    if (first !== undefined) {
      errors.push({ file, line: pos.line, col: pos.col, path: 'id', message: messages.duplicateId(spec.id, first) });
      continue;
    }
    firstFileOf.set(spec.id, file);
    experiments.push(spec);
  }
  return { experiments, errors };
}

/** The experiment files (`*.yaml`, `*.yml`) directly in `dir`, sorted, as `dir/name`. Throws a UserError if `dir` is missing. */
export async function listExperimentFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(messages.missingDir(dir));
    if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') throw new UserError(messages.notADir(dir));
    throw e;
  }
  return names
    .filter((n) => /\.ya?ml$/i.test(n))
    .sort()
    .map((n) => join(dir, n));
}

/** Where the value at `path` (e.g. ['model', 'load']) sits in the experiment's file, for errors found after loading. */
export function locateInSpec(spec: ExperimentSpec, path: readonly PropertyKey[]): Position {
  const loaded = loadYaml(spec.file, spec.source);
  return loaded.ok ? valuePosition(loaded.value, path) : { line: 1, col: 1 };
}
