/**
 * The pipeline: the only place that orders the stages.
 *
 *   experiments/*.yaml
 *     1. load      config/            → ExperimentSpec[]   (any error: stop, nothing written)
 *   for each experiment (a failure is recorded and the others go on):
 *     2. data      data/              → Dataset + digest   (binary-cached source)
 *        views     stages/data-views  → data figures       [figures/<data views key>]
 *     3. train     stages/train.ts    → model + history    [runs/<train key>]
 *     or import    stages/import.ts   → the same, from a model file (model.load)   [runs/<import key>]
 *     4. analyze   stages/analyze.ts  → test metrics       [analysis/<analysis key>]
 *        repeats   stages/repeats.ts  → runs 2…N (train.repeats): train + analyze each, the curves of all
 *                                       [runs/, analysis/ per run; figures/<repeated curves key>]
 *     5. figures   stages/figures.ts  → SVG/PNG/data       [figures/<figures key>]
 *        explain   stages/explain.ts  → interpretability   [figures/<explain key>]
 *   then
 *     6. publish   publish.ts         → <cache>/report/ (report.json + published files)
 *     7. site      site/build-site.ts → dist/              (`build` only)
 *
 * Keys are content hashes (plan.ts); entries are written atomically (store.ts).
 */
import { join } from 'node:path';
import { loadExperiments, formatConfigError } from '../config/index.ts';
import { isImported, trained, type ExperimentSpec } from '../config/spec.ts';
import { loadDataset, type Dataset } from '../data/index.ts';
import { channelStats } from '../data/normalize.ts';
import { initEngine, type BackendRequest, type Engine } from '../engine/backend.ts';
import type { ReplicaPool } from '../engine/replicas/pool.ts';
import type { Clock } from '../lib/clock.ts';
import { UserError } from '../lib/errors.ts';
import type { PipelineContext } from './context.ts';
import { formatDuration, type Log } from './log.ts';
import { publishReport, type ExperimentResult, type FailedResult } from './publish.ts';
import { analyzeStage } from './stages/analyze.ts';
import { countPerClass, dataViewsStage } from './stages/data-views.ts';
import { explainStage } from './stages/explain.ts';
import { figuresStage } from './stages/figures.ts';
import { divergedRun } from './stages/diverged.ts';
import { TrainingDiverged } from '../engine/train.ts';
import { compareExperiment, compareStage, type CompareExperiment } from './stages/compare.ts';
import { trainStage } from './stages/train.ts';
import { repeatsStage, withRepeatedCurves } from './stages/repeats.ts';
import { chanceWarning, importStage } from './stages/import.ts';
import { openStore, type Store } from './store.ts';
import type { RemoteRequest } from '../remote/open.ts';
import type { RemoteStore } from '../remote/store.ts';
import { missingRun, notPushed, trafficLine } from '../remote/messages.ts';
import { experimentSetDigest } from './shard.ts';
import { prepareCache, removeStaleSiteBuilds, removeStaleTemporaries } from './cache-dir.ts';
import { lockCache } from './lock.ts';
import { fsUserError } from './fs-errors.ts';

export interface RunOptions {
  /** Experiment YAML files, in the order given. */
  files: string[];
  /** Only these experiment ids (all when empty). */
  ids: string[];
  cacheDir: string;
  force: boolean;
  backend: BackendRequest;
  /** A remote cache behind the local store (src/remote/). */
  remote?: RemoteRequest;
  /** Every run must come from the cache, local or remote: the merge build (`build --no-train`). */
  noTrain?: boolean;
  /** A shard's plan for all shards, left on a readwrite remote for the merge build's messages. */
  shardPlan?: { setDigest: string; count: number; shards: Record<string, number> };
}

export interface BuildOptions extends RunOptions {
  outDir: string;
  /** URL sub-path the site is served under, e.g. `/reports/`. */
  base: string;
}

export interface Effects {
  log: Log;
  clock: Clock;
}

export interface RunOutcome {
  results: ExperimentResult[];
  failed: (FailedResult & { exitCode: 1 | 2 })[];
  reportDir: string;
  /** A readwrite remote that did not receive everything: the message to fail with (exit 1). */
  remoteIncomplete?: string;
}

/** Invalid experiment files: every message, formatted `file:line:col: …`. */
export class ConfigInvalid extends UserError {
  override name = 'ConfigInvalid';
}

/** Step 1: load and validate; throws ConfigInvalid listing every error. */
export async function loadSpecs(files: string[], ids: string[]): Promise<ExperimentSpec[]> {
  const { experiments, errors } = await loadExperiments(files);
  if (errors.length > 0) throw new ConfigInvalid(errors.map(formatConfigError).join('\n'));
  if (ids.length === 0) return experiments;
  const unknown = ids.filter((id) => !experiments.some((e) => e.id === id));
  if (unknown.length > 0) {
    throw new UserError(
      `No experiment with id ${unknown.map((u) => `"${u}"`).join(', ')}. Known experiments: ${experiments.map((e) => e.id).join(', ') || 'none'}.`,
    );
  }
  return experiments.filter((e) => ids.includes(e.id));
}

/** Per-channel mean and standard deviation of the training split (x/255 scale), for the data section. */
function channelSummary(dataset: Dataset): { mean: number[]; std: number[] } {
  const stats = channelStats(dataset.train.pixels, dataset.shape[2]);
  return { mean: [...stats.mean], std: [...stats.std] };
}

/** One experiment's stages; also what the cross-experiment comparison needs of it. */
async function runExperiment(ctx: PipelineContext, spec: ExperimentSpec): Promise<{ result: ExperimentResult; compare: CompareExperiment }> {
  const { dataset, warnings } = await loadDataset(spec.data, spec.seeds, { cacheDir: ctx.cacheDir });
  for (const w of warnings) ctx.log.warn(`${spec.id}: ${w}`);
  if (spec.train && spec.train.batchSize > dataset.train.count) {
    ctx.log.warn(`${spec.id}: train.batchSize ${spec.train.batchSize} is larger than the ${dataset.train.count} training images; using batches of ${dataset.train.count}.`);
  }
  const dataViews = await dataViewsStage(ctx, spec, dataset);
  // The seam for models trained elsewhere: either stage leaves the same artifact.
  const run = isImported(spec) ? await importStage(ctx, spec, dataset) : await trainStage(ctx, trained(spec), dataset);
  const analysis = await analyzeStage(ctx, dataset, run, spec.report);
  if (run.facts.imported) {
    const warning = chanceWarning(analysis.metrics.accuracy, dataset.classes.length, spec.data.normalize);
    if (warning) ctx.log.warn(`${spec.id}: ${warning}`);
  }
  // The seam for repeated runs: the other seeds train and evaluate here; everything below is run 0's.
  const repeats = spec.runs ? await repeatsStage(ctx, { ...trained(spec), runs: spec.runs }, dataset, { run, analysis }) : undefined;
  const runFigures = await figuresStage(ctx, {
    analysisKey: analysis.key,
    history: run.facts.history,
    phases: run.facts.phases,
    evaluation: analysis.evaluation,
    probs: analysis.probs,
    test: dataset.test,
    shape: dataset.shape,
    report: spec.report,
    reportSeed: spec.seeds.report,
    layers: run.facts.summary.layers,
    imported: run.facts.imported !== undefined,
  });
  const figures = withRepeatedCurves(runFigures, repeats);
  const explained = await explainStage(ctx, spec, dataset, run, analysis);
  // Only the test split is kept for the comparison, not the whole dataset.
  const { source, classes, shape, test } = dataset;
  const compare = compareExperiment(spec, { source, classes, shape, test }, run, analysis);
  const result: ExperimentResult = {
    spec,
    dataset: {
      source: dataset.source,
      classes: dataset.classes,
      shape: dataset.shape,
      digest: dataset.digest,
      counts: { train: dataset.train.count, validation: dataset.validation.count, test: dataset.test.count },
      perClass: {
        train: countPerClass(dataset.train.labels, dataset.classes.length),
        validation: countPerClass(dataset.validation.labels, dataset.classes.length),
        test: countPerClass(dataset.test.labels, dataset.classes.length),
      },
      testLabels: dataset.test.labels,
      testPixels: dataset.test.pixels,
      origin: dataset.origin,
      channels: channelSummary(dataset),
      skipped: dataset.skipped,
      notes: dataset.notes,
    },
    run,
    analysis,
    dataViews,
    figures,
    explained,
    ...(repeats && { repeats }),
  };
  return { result, compare };
}

/** `convlens run`: steps 1–6. Failed experiments are reported, not thrown. */
export async function run(options: RunOptions, effects: Effects): Promise<RunOutcome> {
  const specs = await loadSpecs(options.files, options.ids);
  // Only valid experiments get this far: an invalid one writes nothing at all.
  await prepareCache(options.cacheDir);
  return locked(options.cacheDir, effects, () => runLoaded(specs, options, effects));
}

/** Hold the cache lock while `work` runs (another build on the same cache is waited for). */
async function locked<T>(cacheDir: string, effects: Effects, work: () => Promise<T>): Promise<T> {
  const release = await lockCache({
    cacheDir,
    clock: effects.clock,
    onWait: (owner) => effects.log.info(`another convlens build (pid ${owner.pid}) is using the cache ${cacheDir}; waiting for it to finish`),
  });
  try {
    await removeStaleTemporaries(cacheDir);
    return await work();
  } finally {
    await release();
  }
}

async function runLoaded(specs: ExperimentSpec[], options: RunOptions, effects: Effects): Promise<RunOutcome> {
  const { log, clock } = effects;
  let engine: Promise<Engine> | undefined;
  let pool: ReplicaPool | undefined;
  const local = openStore(join(options.cacheDir, 'store'), (what) => log.warn(`cache entry ${what}; recomputing it.`));
  const remote = options.remote && (await openRemoteStore(local, options.remote, log));
  const store = remote ?? local;
  if (remote && options.shardPlan) {
    const { setDigest, count, shards } = options.shardPlan;
    await remote.recordShardPlan(setDigest, { format: 1, count, shards });
  }
  const ctx: PipelineContext = {
    store,
    ...(options.noTrain && { missingRun: await missingRunMessage(specs, remote) }),
    log,
    clock,
    cacheDir: options.cacheDir,
    force: options.force,
    backend: options.backend,
    engine: () =>
      (engine ??= initEngine(options.backend).then((e) => {
        log.info(`backend: ${e.backend} (tfjs ${e.versions['tfjs']})${e.notes.length > 0 ? `; ${e.notes.join('; ')}` : ''}`);
        return e;
      })),
    // One pool serves every experiment of the run; a failed pool (a replica crashed) is replaced.
    replicas: async (count) => {
      if (pool && !pool.broken && pool.size === count) return pool;
      await pool?.close();
      const { ReplicaPool } = await import('../engine/replicas/pool.ts');
      pool = await ReplicaPool.start(count, (await ctx.engine()).backend);
      return pool;
    },
  };

  const results: ExperimentResult[] = [];
  const compared: CompareExperiment[] = [];
  const failed: RunOutcome['failed'] = [];
  for (const spec of specs) {
    const started = clock.now();
    try {
      const { result, compare } = await runExperiment(ctx, spec);
      results.push(result);
      compared.push(compare);
      const m = result.analysis.metrics;
      const took = formatDuration((clock.now() - started) / 1000);
      const runs = result.repeats?.runs ?? [result.run];
      const mean = result.repeats?.metrics['accuracy'];
      const over = mean ? `; over ${runs.length} runs ${mean.mean.toFixed(4)} ± ${mean.std.toFixed(4)}` : '';
      log.status(spec.id, runs.every((r) => r.cached) ? 'cached' : 'fresh', `test accuracy ${m.accuracy.toFixed(4)}, loss ${m.loss.toFixed(4)}${over} (${took})`);
    } catch (thrown) {
      const error = fsUserError(thrown, `the experiment ${spec.id}`, options.cacheDir) ?? thrown;
      const message = error instanceof Error ? error.message : String(error);
      const exitCode = error instanceof UserError ? 1 : 2;
      const partial = error instanceof TrainingDiverged ? { spec, run: await divergedRun(spec, error) } : undefined;
      failed.push({ id: spec.id, title: spec.title, error: message, exitCode, ...(partial && { partial }) });
      log.status(spec.id, 'failed', message);
      if (exitCode === 2 && error instanceof Error && error.stack) log.error(error.stack);
    }
  }
  // Across experiments: failed ones are left out; a comparison failing fails the build (exit 2).
  const comparison = await compareStage(ctx, compared);
  await pool?.close();
  const reportDir = join(options.cacheDir, 'report');
  try {
    await publishReport(reportDir, results, failed, { comparison });
  } catch (error) {
    throw fsUserError(error, `publishing the report into ${reportDir}`, reportDir) ?? error;
  }
  if (!remote) return { results, failed, reportDir };
  log.info(trafficLine(remote.remote.display, remote.remote.traffic));
  const { entries, reason } = remote.unpushed();
  return { results, failed, reportDir, ...(entries.length > 0 && { remoteIncomplete: notPushed(remote.remote.display, entries, reason) }) };
}

/** The local store with the remote cache behind it (opened and probed: a bad remote fails here). */
async function openRemoteStore(local: Store, request: RemoteRequest, log: Log): Promise<RemoteStore> {
  const { openRemote } = await import('../remote/open.ts');
  const { withRemote } = await import('../remote/store.ts');
  const warn = (message: string) => log.warn(message);
  const remote = await openRemote(request, warn);
  log.info(`remote cache: ${remote.display} (${request.mode === 'readwrite' ? 'read and write' : 'read only'})`);
  return withRemote(local, remote, request.mode, warn);
}

/** For `--no-train`: the error for an experiment whose run is nowhere, naming the shard that owed it. */
async function missingRunMessage(specs: ExperimentSpec[], remote: RemoteStore | undefined): Promise<(id: string, key: string) => string> {
  const plan = remote && (await remote.remote.readShardPlan(experimentSetDigest(specs)).catch(() => undefined));
  return (id, key) => {
    const index = plan?.shards[id];
    return missingRun(id, key, remote?.remote.display, index !== undefined && plan ? { index, count: plan.count } : undefined);
  };
}

/** `convlens build`: run, then the static site into `outDir` (step 7). */
export async function build(options: BuildOptions, effects: Effects): Promise<RunOutcome> {
  const specs = await loadSpecs(options.files, options.ids);
  await prepareCache(options.cacheDir);
  return locked(options.cacheDir, effects, async () => {
    await removeStaleSiteBuilds(options.outDir);
    const outcome = await runLoaded(specs, options, effects);
    // A merge that lacks experiments would publish a partial site as if it were whole.
    if (options.noTrain && outcome.failed.length > 0) {
      throw new UserError(`build --no-train: ${outcome.failed.length} of ${specs.length} experiments could not be built from the cache (${outcome.failed.map((f) => f.id).join(', ')}); no site was built. Each is named above with the shard that should have produced it.`);
    }
    const started = effects.clock.now();
    const { buildSite } = await import('../site/build-site.ts');
    try {
      await buildSite({ reportDir: outcome.reportDir, outDir: options.outDir, base: options.base, cacheDir: options.cacheDir });
    } catch (error) {
      throw fsUserError(error, `building the site into ${options.outDir}`, options.outDir) ?? error;
    }
    effects.log.info(`site: ${options.outDir} (${formatDuration((effects.clock.now() - started) / 1000)})`);
    return outcome;
  });
}
