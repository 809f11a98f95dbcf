/**
 * `convlens` command line: parse arguments, lazy-import the command, and turn errors into
 * exit codes (0 ok, 1 user error, 2 internal error). The one top-level catch lives here.
 * `check` never loads tfjs; `run`/`build` load it only through the pipeline.
 */
import { parseArgs } from 'node:util';
import { exitCodeFor, UserError } from '../lib/errors.ts';
import { USAGE, unknownCommand } from './messages.ts';
import type { CliIo, CliOptions } from './options.ts';

const COMMANDS = {
  check: () => import('./commands/check.ts'),
  run: () => import('./commands/run.ts'),
  build: () => import('./commands/build.ts'),
  clean: () => import('./commands/clean.ts'),
  bench: () => import('./commands/bench.ts'),
  datasets: () => import('./commands/datasets.ts'),
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
      url: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...args] = positionals;
  return { command: command ?? '', args, ...values } as CliOptions;
}

/** Run the CLI; returns the process exit code. */
export async function main(argv: string[], io: CliIo = { out: (t) => void process.stdout.write(t), err: (t) => void process.stderr.write(t) }): Promise<number> {
  try {
    let options: CliOptions;
    try {
      options = parse(argv);
    } catch (error) {
      throw new UserError(`${(error as Error).message}.\n\n${USAGE}`);
    }
    if (options.help || options.command === '' || options.command === 'help') {
      io.out(`${USAGE}\n`);
      return 0;
    }
    const load = COMMANDS[options.command as keyof typeof COMMANDS];
    if (!load) throw new UserError(unknownCommand(options.command, Object.keys(COMMANDS)));
    const command = await load();
    return await command.default(options, io);
  } catch (error) {
    const code = exitCodeFor(error);
    io.err(code === 1 ? `${(error as Error).message}\n` : `convlens failed unexpectedly; this is a bug, please report it with the output below.\n${(error as Error)?.stack ?? String(error)}\n`);
    return code;
  }
}
