/** Shared set-up for the commands that run the pipeline: log, files, backend, cache. */
import { BACKENDS, type BackendRequest } from '../engine/backend.ts';
import { listExperimentFiles } from '../config/index.ts';
import { systemClock } from '../lib/clock.ts';
import { UserError } from '../lib/errors.ts';
import { createLog, type LogMode } from '../pipeline/log.ts';
import type { RunOptions, Effects } from '../pipeline/index.ts';
import { unknownBackend } from './messages.ts';
import type { CliIo, CliOptions } from './options.ts';

/** The log mode for these options and this terminal. */
export function logMode(options: CliOptions): LogMode {
  if (options.json) return 'json';
  if (options.quiet) return 'quiet';
  return process.stdout.isTTY && !process.env['CI'] ? 'tty' : 'plain';
}

/** Effects (log + clock) for a pipeline command. */
export function effectsFor(options: CliOptions, io: CliIo): Effects {
  return { clock: systemClock, log: createLog({ mode: logMode(options), out: io.out, err: io.err, clock: systemClock }) };
}

/** Validate `--backend`. */
export function backendOf(value: string): BackendRequest {
  if (value === 'auto' || (BACKENDS as readonly string[]).includes(value)) return value as BackendRequest;
  throw new UserError(unknownBackend(value, BACKENDS));
}

/** Pipeline options from the command line. */
export async function runOptionsFor(options: CliOptions): Promise<RunOptions> {
  return {
    files: await listExperimentFiles(options.experiments),
    ids: options.args,
    cacheDir: options.cache,
    force: options.force,
    backend: backendOf(options.backend),
  };
}
