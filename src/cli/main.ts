/**
 * `convlens` command line: parse arguments, lazy-import the command, and turn errors into
 * exit codes (0 ok, 1 user error, 2 internal error). The one top-level catch lives here.
 * `check` never loads tfjs; `run`/`build` load it only through the pipeline.
 */
import { parseArgs } from 'node:util';
import { exitCodeFor, UserError } from '../lib/errors.ts';
import { COMMAND_HELP, commandHelp, USAGE } from './help.ts';
import { unknownCommand, unknownHelpTopic } from './messages.ts';
import type { CliIo, CliOptions } from './options.ts';
import { redactingIo, remoteSecrets } from './remote.ts';

const COMMANDS = {
  init: () => import('./commands/init.ts'),
  check: () => import('./commands/check.ts'),
  run: () => import('./commands/run.ts'),
  build: () => import('./commands/build.ts'),
  clean: () => import('./commands/clean.ts'),
  bench: () => import('./commands/bench.ts'),
  datasets: () => import('./commands/datasets.ts'),
  diff: () => import('./commands/diff.ts'),
} as const;

function parse(argv: string[]): CliOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      experiments: { type: 'string', default: 'experiments' },
      out: { type: 'string', default: 'dist' },
      cache: { type: 'string', default: '.convlens' },
      base: { type: 'string', default: '/' },
      backend: { type: 'string', default: 'auto' },
      force: { type: 'boolean', default: false },
      replicas: { type: 'string', default: '2' },
      shard: { type: 'string' },
      shards: { type: 'string' },
      remote: { type: 'string' },
      'remote-mode': { type: 'string' },
      'no-train': { type: 'boolean', default: false },
      url: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      md: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      version: { type: 'boolean', short: 'v', default: false },
    },
  });
  const [command, ...args] = positionals;
  const { 'remote-mode': remoteMode, 'no-train': noTrain, ...rest } = values;
  return { command: command ?? '', args, ...rest, remoteMode, noTrain } as CliOptions;
}

/** Run the CLI; returns the process exit code. */
export async function main(argv: string[], given: CliIo = { out: (t) => void process.stdout.write(t), err: (t) => void process.stderr.write(t) }): Promise<number> {
  // Remote-cache credentials (URL userinfo and query, CONVLENS_REMOTE_TOKEN) are scrubbed from
  // everything the CLI prints, stack traces included: the last line of defence, not the first.
  const io = redactingIo(given, remoteSecrets(argv, given.env ?? process.env));
  try {
    let options: CliOptions;
    try {
      options = parse(argv);
    } catch (error) {
      throw new UserError(`${(error as Error).message}.\n\n${USAGE}`);
    }
    if (options.version) {
      const { convlensVersion } = await import('./version.ts');
      io.out(`${convlensVersion()}\n`);
      return 0;
    }
    const load = COMMANDS[options.command as keyof typeof COMMANDS];
    if (options.command !== '' && options.command !== 'help' && !load) throw new UserError(unknownCommand(options.command, Object.keys(COMMANDS)));
    // `convlens help build` and `convlens build --help` show the same page.
    const topic = options.command === 'help' ? options.args[0] : options.help ? options.command : undefined;
    if (topic !== undefined && topic !== '') {
      if (!(topic in COMMAND_HELP)) throw new UserError(unknownHelpTopic(topic, Object.keys(COMMAND_HELP)));
      io.out(`${commandHelp(topic)}\n`);
      return 0;
    }
    if (options.help || options.command === '' || options.command === 'help' || !load) {
      io.out(`${USAGE}\n`);
      return 0;
    }
    const command = await load();
    return await command.default(options, io);
  } catch (error) {
    const code = exitCodeFor(error);
    io.err(code === 1 ? `${(error as Error).message}\n` : `convlens failed unexpectedly; this is a bug, please report it with the output below.\n${(error as Error)?.stack ?? String(error)}\n`);
    return code;
  }
}
