/**
 * All help text of the command line: `convlens --help` (USAGE) and one page per command
 * (`convlens help build`, `convlens build --help`), each in the usual shape: usage line,
 * description, options with their defaults, examples.
 */

/** One option line: flag column and what it does (defaults written in the text). */
type OptionRow = readonly [flag: string, text: string];

const OPTIONS = {
  experiments: ['--experiments DIR', 'experiment definitions (default: experiments)'],
  out: ['--out DIR', 'site output (default: dist)'],
  cache: ['--cache DIR', 'cache directory (default: .convlens)'],
  base: ['--base PATH', 'URL sub-path the site is served under (default: /)'],
  backend: ['--backend NAME', 'auto | tensorflow | wasm | cpu (default: auto: the fastest that loads)'],
  force: ['--force', 'retrain and recompute even when cached'],
  replicas: ['--replicas N', 'data-parallel replicas on wasm/cpu (default: 2)'],
  shard: ['--shard I/N', 'run only shard I of N (counted from 1), balanced by estimated cost; env CONVLENS_SHARD=I/N'],
  shards: ['--shards N', 'N shards, this one from JOB_COMPLETION_INDEX (Kubernetes Indexed Jobs, counted from 0)'],
  remote: ['--remote URL', 'a shared remote cache: s3://bucket/prefix or http(s)://host/path/ (GET/HEAD/PUT); env CONVLENS_REMOTE'],
  remoteMode: ['--remote-mode MODE', 'read (default: pull only) | readwrite (also push what is computed); env CONVLENS_REMOTE_MODE'],
  noTrain: ['--no-train', 'train nothing: every run must come from the cache or the remote (the merge build after shards)'],
  url: ['--url URL', 'download from this mirror instead of the official address'],
  quiet: ['--quiet', 'print only warnings and errors'],
  json: ['--json', 'print machine-readable log lines'],
  md: ['--md', 'write GitHub-flavoured Markdown (a pull-request comment)'],
  help: ['-h, --help', 'show this help'],
} as const satisfies Record<string, OptionRow>;

interface CommandHelp {
  usage: string;
  description: string;
  options: readonly OptionRow[];
  examples: readonly string[];
}

/** The help page of every command, by name. */
export const COMMAND_HELP: Record<string, CommandHelp> = {
  init: {
    usage: 'convlens init [options]',
    description:
      'Set up this project for convlens: an example experiment in experiments/ (with the schema line editors use to\n' +
      'complete and check it), .gitignore entries for the cache and the site, and npm scripts reports:check and\n' +
      'reports:build in package.json. Never overwrites a file; says what it left as it was.',
    options: [OPTIONS.experiments, OPTIONS.out, OPTIONS.cache, OPTIONS.quiet, OPTIONS.help],
    examples: ['convlens init', 'convlens init --experiments reports/experiments'],
  },
  check: {
    usage: 'convlens check [FILES...] [options]',
    description:
      'Validate experiment files without training anything (TensorFlow.js is never loaded). Errors are printed as\n' +
      'file:line:col: key: what to do. Exit code 0 when every file is valid, 1 otherwise.',
    options: [OPTIONS.experiments, OPTIONS.quiet, OPTIONS.help],
    examples: ['convlens check', 'convlens check experiments/cnn.yaml'],
  },
  run: {
    usage: 'convlens run [IDS...] [options]',
    description:
      'Train, evaluate and render the figures of the experiments (all, or the ids given), reusing cached results\n' +
      'whose inputs have not changed. Publishes the report into <cache>/report/ without building the site.\n' +
      'With --shard I/N (or CONVLENS_SHARD, or --shards N in a Kubernetes Indexed Job) it runs one shard: every\n' +
      'experiment is in exactly one of the N shards, balanced by estimated cost (epochs x images x model FLOPs),\n' +
      'the same on every machine. The --shard flag wins over CONVLENS_SHARD; a shard builds no site.\n' +
      'With --remote URL the cache is shared: entries missing here are pulled (checked against their sha256),\n' +
      'and with --remote-mode readwrite what is computed here is pushed. Credentials: CONVLENS_REMOTE_TOKEN or\n' +
      'user:password in an http(s) URL; the AWS SDK\'s usual chain for s3://. They are never printed.',
    options: [OPTIONS.experiments, OPTIONS.cache, OPTIONS.backend, OPTIONS.force, OPTIONS.shard, OPTIONS.shards, OPTIONS.remote, OPTIONS.remoteMode, OPTIONS.quiet, OPTIONS.json, OPTIONS.help],
    examples: ['convlens run', 'convlens run fashion-mnist-cnn --backend wasm', 'convlens run --shard 2/4', 'JOB_COMPLETION_INDEX=1 convlens run --shards 4', 'convlens run --shard 1/4 --remote s3://team-cache/convlens --remote-mode readwrite'],
  },
  build: {
    usage: 'convlens build [IDS...] [options]',
    description:
      'Run (train, evaluate and render what changed), then build the static report site into --out.\n' +
      'After shards: --remote URL --no-train is the merge build; it trains nothing, and an experiment with no run\n' +
      'here or on the remote stops it (exit 1) naming the shard that should have produced it.',
    options: [OPTIONS.experiments, OPTIONS.out, OPTIONS.cache, OPTIONS.base, OPTIONS.backend, OPTIONS.force, OPTIONS.remote, OPTIONS.remoteMode, OPTIONS.noTrain, OPTIONS.quiet, OPTIONS.json, OPTIONS.help],
    examples: ['convlens build', 'convlens build --base /reports/ --out public/reports', 'convlens build --remote s3://team-cache/convlens --no-train'],
  },
  clean: {
    usage: 'convlens clean [options]',
    description: 'Remove the cache directory (only a directory convlens made; anything else is refused).',
    options: [OPTIONS.cache, OPTIONS.quiet, OPTIONS.help],
    examples: ['convlens clean', 'convlens clean --cache /tmp/convlens-cache'],
  },
  bench: {
    usage: 'convlens bench [options]',
    description: 'Measure training and inference throughput (images per second) of the benchmark models on this machine.',
    options: [OPTIONS.backend, OPTIONS.replicas, OPTIONS.json, OPTIONS.quiet, OPTIONS.help],
    examples: ['convlens bench', 'convlens bench --backend wasm --replicas 4 --json'],
  },
  datasets: {
    usage: 'convlens datasets fetch cifar10 [options]',
    description:
      'Download CIFAR-10 into the cache (resuming a broken download), verify it, and unpack it where\n' +
      '"data: { source: cifar10 }" finds it.',
    options: [OPTIONS.cache, OPTIONS.url, OPTIONS.quiet, OPTIONS.help],
    examples: ['convlens datasets fetch cifar10', 'convlens datasets fetch cifar10 --url https://mirror.example/cifar-10-binary.tar.gz'],
  },
  diff: {
    usage: 'convlens diff A B [--md | --json] [options]',
    description:
      'Compare two experiments: metrics with their differences (B - A), per-class precision/recall/F1, prediction\n' +
      'flips (right to wrong, wrong to right, per class pair), McNemar\'s test and bootstrap 95% confidence intervals\n' +
      'of the accuracy and macro-F1 differences (2000 paired resamples, seed 0). A and B are experiment ids of the\n' +
      'built report in <cache>/report, report directories or built sites (anything with report.json at its root),\n' +
      'or DIR:ID. Two directories alone compare every experiment id they share. Reads only report.json and\n' +
      'predictions.csv. On different test sets only the metrics are compared, and the output says why (exit 0).\n' +
      'Output: text, --md (Markdown for a pull-request comment) or --json (a stable shape, see docs/diff.md).',
    options: [OPTIONS.cache, OPTIONS.md, ['--json', 'write the documented JSON object instead of text'], OPTIONS.help],
    examples: ['convlens diff fashion-mnist-cnn fashion-mnist-wide', 'convlens diff main-site/ dist/ --md > comment.md', 'convlens diff main-site/:fashion-mnist-cnn fashion-mnist-cnn --json'],
  },
  help: {
    usage: 'convlens help [COMMAND]',
    description: 'Show the help of a command, or the list of commands.',
    options: [],
    examples: ['convlens help build'],
  },
};

function optionLines(rows: readonly OptionRow[]): string[] {
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`);
}

/** The help page of `command` (a key of COMMAND_HELP). */
export function commandHelp(command: string): string {
  const help = COMMAND_HELP[command]!;
  return [
    `Usage: ${help.usage}`,
    '',
    help.description,
    ...(help.options.length > 0 ? ['', 'Options:', ...optionLines(help.options)] : []),
    '',
    'Examples:',
    ...help.examples.map((e) => `  ${e}`),
  ].join('\n');
}

/** `convlens`, `convlens --help`: every command in one screen. */
export const USAGE = `Usage: convlens <command> [options]

Publish CNN experiment reports: experiment YAML in, trained models and a static report site out.

Commands:
  init                     set up this project: example experiment, .gitignore entries, npm scripts
  check [FILES...]         validate experiment files (default: every file in --experiments)
  run [IDS...]             train, evaluate and render figures, reusing cached results
  build [IDS...]           run, then build the static report site into --out
  clean                    remove the cache directory
  bench                    training and inference throughput of the benchmark models
  datasets fetch cifar10   download CIFAR-10 into the cache (--url URL for a mirror)
  diff A B                 compare two experiments: deltas, flips, McNemar, confidence intervals
  help [COMMAND]           show the help of a command

Options:
${optionLines([OPTIONS.experiments, OPTIONS.out, OPTIONS.cache, OPTIONS.base, OPTIONS.backend, OPTIONS.force, ['--replicas N', 'bench: data-parallel replicas on wasm/cpu (default: 2)'], OPTIONS.quiet, OPTIONS.json, OPTIONS.help, ['-v, --version', 'print the version of convlens']]).join('\n')}

Examples:
  convlens init
  convlens build --base /reports/ --out public/reports
  convlens help build`;
