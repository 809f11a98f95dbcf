/** All user-facing text of the command line except help pages (help.ts). */
import type { BenchReport } from '../bench/index.ts';

/** The command is not one we know. */
export function unknownCommand(command: string, known: string[]): string {
  return `Unknown command "${command}". Use one of: ${known.join(', ')} (run "convlens --help" for details).`;
}

/** `convlens help X` for a command we do not know. */
export function unknownHelpTopic(topic: string, known: string[]): string {
  return `There is no command "${topic}" to show help for. Use one of: ${known.join(', ')}.`;
}

/** `--backend` has a value we do not know. */
export function unknownBackend(value: string, known: readonly string[]): string {
  return `Unknown backend "${value}" for --backend. Use one of: auto, ${known.join(', ')}.`;
}

/** Summary line after `run`/`build` when some experiments failed (`total`: how many ran). */
export function failedSummary(ids: string[], total: number): string {
  const others = ids.length === total ? 'None was built' : 'The others were built';
  return `${ids.length} experiment${ids.length === 1 ? '' : 's'} failed: ${ids.join(', ')}. ${others}; fix the errors above and run again.`;
}

/** `--replicas` is not a usable count. */
export function badReplicas(value: string): string {
  return `--replicas must be a whole number from 1 to 64, not "${value}". Use the number of CPU cores to train on, e.g. --replicas 2.`;
}

/** `convlens bench` without --json: one row per model. */
export function benchTable(r: BenchReport): string {
  const rows = Object.entries(r.models).map(([name, m]) => `${name.padEnd(22)} ${String(m.train_img_s).padStart(11)} ${String(m.infer_img_s).padStart(11)}`);
  const explain = Object.entries(r.models).flatMap(([name, m]) =>
    m.explain ? [`${name} explanations img/s: Grad-CAM ${m.explain.gradcam_img_s}, saliency ${m.explain.saliency_img_s}, SmoothGrad ${m.explain.smoothgrad_img_s}, IG ${m.explain.integrated_gradients_img_s}, occlusion ${m.explain.occlusion_img_s}`] : [],
  );
  const data = r.data
    ? [
        `decode + resize to ${r.data.decode.target.join('×')}: ${r.data.decode.jpeg_img_s} JPEG/s, ${r.data.decode.png_img_s} PNG/s (${r.data.decode.concurrency} at a time)`,
        `augmentation (one thread): ${Object.entries(r.data.augment_img_s).map(([shape, v]) => `${v} img/s at ${shape}`).join(', ')}`,
      ]
    : [];
  return [
    `backend ${r.backend} (tfjs ${r.tfjs}, node ${r.node}, ${r.replicas} replica${r.replicas === 1 ? '' : 's'})`,
    `${'model'.padEnd(22)} ${'train img/s'.padStart(11)} ${'infer img/s'.padStart(11)}`,
    ...rows,
    ...explain,
    ...data,
    '',
  ].join('\n');
}

/** `convlens init`: one line per step, and what to do next. */
export const initMessages = {
  exampleCreated: (file: string) => `created ${file}`,
  exampleKept: (file: string) => `${file} exists; left as it is`,
  gitignoreCreated: (entries: string[]) => `created .gitignore with ${entries.join(' and ')}`,
  gitignoreAdded: (entries: string[]) => `added ${entries.join(' and ')} to .gitignore`,
  gitignoreKept: (entries: string[]) => `.gitignore already lists ${entries.join(' and ')}; left as it is`,
  scripts: (added: string[], kept: string[]) =>
    [
      ...(added.length > 0 ? [`added npm script${added.length === 1 ? '' : 's'} ${added.join(' and ')} to package.json`] : []),
      ...(kept.length > 0 ? [`package.json already has a script named ${kept.join(' and ')} (doing something else); left as it is`] : []),
      ...(added.length === 0 && kept.length === 0 ? ['package.json already has the scripts reports:check and reports:build; left as it is'] : []),
    ].join('\n'),
  noPackageJson: (scripts: Readonly<Record<string, string>>) =>
    `no package.json here, so no npm scripts were added (run "npm init -y" and "convlens init" again, or add them yourself: ${describeScripts(scripts)})`,
  packageJsonUnreadable: (scripts: Readonly<Record<string, string>>) =>
    `package.json is not valid JSON, so no npm scripts were added; left as it is (fix it and run "convlens init" again, or add them yourself: ${describeScripts(scripts)})`,
  next: (example: string) =>
    `Next: edit ${example}, then\n  npm run reports:check    # validate it\n  npm run reports:build    # train it and build the report into dist/`,
};

function describeScripts(scripts: Readonly<Record<string, string>>): string {
  return Object.entries(scripts)
    .map(([name, command]) => `"${name}": "${command}"`)
    .join(', ');
}

/** Where the shard came from, as the log line and the errors name it. */
export type ShardSource = '--shard' | 'CONVLENS_SHARD' | 'JOB_COMPLETION_INDEX';

/** Sharding (`run --shard i/N`, `CONVLENS_SHARD`, `JOB_COMPLETION_INDEX` + `--shards N`): errors and the log line. */
export const shardMessages = {
  notAShard: (source: '--shard' | 'CONVLENS_SHARD', value: string) =>
    `${source} must be i/N, the shard to run (counted from 1) and the number of shards, not "${value}". For example ${source === '--shard' ? '--shard 2/4' : 'CONVLENS_SHARD=2/4'} runs the second of four shards.`,
  outOfRange: (source: '--shard' | 'CONVLENS_SHARD', value: string, count: number) =>
    `${source} ${value} names no shard: with ${count} shard${count === 1 ? '' : 's'} the shard number is 1 to ${count} (counted from 1, as Playwright's --shard).`,
  notACount: (value: string) => `--shards must be a whole number of at least 1, not "${value}". Give the number of completions of the Kubernetes Indexed Job, e.g. --shards 4.`,
  countsDisagree: (shard: string, count: string) =>
    `--shard ${shard} and --shards ${count} disagree on the number of shards. Give --shard i/N alone, or --shards N alone in a Kubernetes Indexed Job.`,
  badJobIndex: (value: string, count: number) =>
    `JOB_COMPLETION_INDEX must be a whole number from 0 to ${count - 1} with --shards ${count}, not "${value}". Set --shards to the Job's completions.`,
  jobIndexWithoutShards: (value: string) =>
    `JOB_COMPLETION_INDEX is set (${value}), as in a Kubernetes Indexed Job, but --shards is not given, so the number of shards is unknown. ` +
    'Pass --shards N with N the Job\'s completions, or --shard i/N to choose the shard yourself.',
  shardsWithoutJobIndex: (count: string) =>
    `--shards ${count} takes this shard's number from JOB_COMPLETION_INDEX (set by Kubernetes Indexed Jobs), which is not set. Outside Kubernetes give the shard itself: --shard i/${count}.`,
  jobIndexDisagrees: (source: '--shard' | 'CONVLENS_SHARD', index: number, count: number, jobIndex: number) =>
    `${source} says shard ${index}/${count}, but JOB_COMPLETION_INDEX=${jobIndex} (counted from 0) says shard ${jobIndex + 1}/${count}. Remove one of them or make them agree.`,
  buildRefused: (source: ShardSource | '--shards') =>
    `convlens build does not run shards (${source} was given): a shard runs only its share of the experiments, so it cannot build the whole site. ` +
    'Run each shard with "convlens run --shard i/N --cache DIR", then "convlens build --cache DIR" without a shard builds the whole site from the runs the shards stored there.',
  share: (index: number, count: number, source: ShardSource, ids: string[], total: number, costShare: number, ignored?: string) =>
    `shard ${index}/${count} (from ${source}${ignored ? `; ${ignored} ignored` : ''}): ${ids.join(', ')} ` +
    `(${ids.length} of ${total} experiment${total === 1 ? '' : 's'}, ${Math.round(costShare * 100)}% of the estimated cost)`,
  empty: (index: number, count: number, source: ShardSource, total: number, ignored?: string) =>
    `shard ${index}/${count} (from ${source}${ignored ? `; ${ignored} ignored` : ''}): no experiments (${total} experiment${total === 1 ? '' : 's'} in ${count} shards); nothing to run.`,
};
