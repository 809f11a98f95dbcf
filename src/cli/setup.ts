/** Shared set-up for the commands that run the pipeline: log, files, backend, cache. */
import { BACKENDS, type BackendRequest } from '../engine/backend.ts';
import { listExperimentFiles } from '../config/index.ts';
import { systemClock } from '../lib/clock.ts';
import { UserError } from '../lib/errors.ts';
import { createLog, type LogMode } from '../pipeline/log.ts';
import type { RunOptions, Effects, RunOutcome } from '../pipeline/index.ts';
import { failedSummary, unknownBackend } from './messages.ts';
import type { CliIo, CliOptions } from './options.ts';
import { resolveRemote } from './remote.ts';

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
export async function runOptionsFor(options: CliOptions, env: Readonly<Record<string, string | undefined>>): Promise<RunOptions> {
  const remote = resolveRemote(options, env);
  if (options.noTrain && options.force) throw new UserError('--no-train and --force contradict each other: --force retrains, --no-train never trains. Drop one.');
  return {
    files: await listExperimentFiles(options.experiments),
    ids: options.args,
    cacheDir: options.cache,
    force: options.force,
    backend: backendOf(options.backend),
    ...(remote && { remote }),
    ...(options.noTrain && { noTrain: true }),
  };
}

/** The exit code of a run or build: failed experiments (1 or 2), else a remote that missed pushes (1), else 0. */
export function exitCodeOf(outcome: RunOutcome, effects: Effects): number {
  if (outcome.failed.length > 0) {
    effects.log.error(failedSummary(outcome.failed.map((f) => f.id), outcome.failed.length + outcome.results.length));
    return Math.max(...outcome.failed.map((f) => f.exitCode));
  }
  if (outcome.remoteIncomplete) {
    effects.log.error(outcome.remoteIncomplete);
    return 1;
  }
  return 0;
}
