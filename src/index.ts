/**
 * convlens's public API (`import { build } from 'convlens'`): what the CLI does, callable from a
 * script or another tool. Kept small on purpose; everything else under src/ is internal and may
 * change in any release.
 *
 *   loadExperiments / listExperimentFiles   read and validate experiment YAML (no TensorFlow.js)
 *   run / build                             the pipeline (`convlens run` / `convlens build`)
 *   buildSite                               only the site, from a report directory `run` published
 *   readReport + the report types           what a report directory holds (report.json)
 *   createLog / systemClock                 the effects `run` and `build` take
 *
 * `run` and `build` load the pipeline (and TensorFlow.js) on first call, so importing this module
 * to validate experiments stays as light as `convlens check`.
 */
import type { BuildOptions, Effects, RunOptions, RunOutcome } from './pipeline/index.ts';

export { listExperimentFiles, loadExperiments, formatConfigError, type ConfigError, type LoadedExperiments } from './config/index.ts';
export type { ExperimentSpec } from './config/spec.ts';
export type { BackendRequest } from './engine/backend.ts';
export { createLog, type Log, type LogMode } from './pipeline/log.ts';
export { systemClock, type Clock } from './lib/clock.ts';
export { UserError } from './lib/errors.ts';
export { buildSite, type BuildSiteOptions } from './site/build-site.ts';
export { readReport } from './site/load.ts';
export type { Report, ExperimentEntry, FailedEntry, Figure, RunManifest } from './site/report.ts';
export type { BuildOptions, Effects, RunOptions, RunOutcome };

/** Train, evaluate and render what changed, then publish `<cacheDir>/report/` (`convlens run`). Paths are relative to the working directory. */
export async function run(options: RunOptions, effects: Effects): Promise<RunOutcome> {
  const pipeline = await import('./pipeline/index.ts');
  return pipeline.run(options, effects);
}

/** `run`, then the static site into `options.outDir` (`convlens build`). Paths are relative to the working directory. */
export async function build(options: BuildOptions, effects: Effects): Promise<RunOutcome> {
  const pipeline = await import('./pipeline/index.ts');
  return pipeline.build(options, effects);
}
