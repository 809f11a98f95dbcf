/** `--version`, `--help` and `help COMMAND`: the exact text a user sees. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMAND_HELP } from '../../../src/cli/help.ts';
import { main } from '../../../src/cli/main.ts';

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => void out.push(t), err: (t) => void err.push(t) });
  return { code, out: out.join(''), err: err.join('') };
}

describe('convlens --version and --help', () => {
  it('--version and -v print the version in package.json, nothing else', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(await cli('--version')).toEqual({ code: 0, out: `${version}\n`, err: '' });
    expect(await cli('-v')).toEqual({ code: 0, out: `${version}\n`, err: '' });
  });

  it('`convlens help build` and `convlens build --help` print the same page, in the usual shape', async () => {
    const page =
      'Usage: convlens build [IDS...] [options]\n' +
      '\n' +
      'Run (train, evaluate and render what changed), then build the static report site into --out.\n' +
      'After shards: --remote URL --no-train is the merge build; it trains nothing, and an experiment with no run\n' +
      'here or on the remote stops it (exit 1) naming the shard that should have produced it.\n' +
      '\n' +
      'Options:\n' +
      '  --experiments DIR   experiment definitions (default: experiments)\n' +
      '  --out DIR           site output (default: dist)\n' +
      '  --cache DIR         cache directory (default: .convlens)\n' +
      '  --base PATH         URL sub-path the site is served under (default: /)\n' +
      '  --backend NAME      auto | tensorflow | wasm | cpu (default: auto: the fastest that loads)\n' +
      '  --force             retrain and recompute even when cached\n' +
      '  --remote URL        a shared remote cache: s3://bucket/prefix or http(s)://host/path/ (GET/HEAD/PUT); env CONVLENS_REMOTE\n' +
      '  --remote-mode MODE  read (default: pull only) | readwrite (also push what is computed); env CONVLENS_REMOTE_MODE\n' +
      '  --no-train          train nothing: every run must come from the cache or the remote (the merge build after shards)\n' +
      '  --quiet             print only warnings and errors\n' +
      '  --json              print machine-readable log lines\n' +
      '  -h, --help          show this help\n' +
      '\n' +
      'Examples:\n' +
      '  convlens build\n' +
      '  convlens build --base /reports/ --out public/reports\n' +
      '  convlens build --remote s3://team-cache/convlens --no-train\n';
    expect(await cli('help', 'build')).toEqual({ code: 0, out: page, err: '' });
    expect(await cli('build', '--help')).toEqual({ code: 0, out: page, err: '' });
    expect(await cli('build', '-h')).toEqual({ code: 0, out: page, err: '' });
  });

  it('every command has a help page with a usage line, options and examples, reached both ways', async () => {
    for (const command of Object.keys(COMMAND_HELP)) {
      const a = await cli('help', command);
      expect(a.code).toBe(0);
      expect(a.out.startsWith(`Usage: convlens ${command}`)).toBe(true);
      expect(a.out).toContain('\nExamples:\n  convlens ');
      if (command !== 'help') {
        expect(a.out).toContain('\nOptions:\n');
        expect(await cli(command, '--help')).toEqual(a);
      }
    }
  });

  it('`convlens init --help` shows init\'s page', async () => {
    expect((await cli('init', '--help')).out).toBe(
      'Usage: convlens init [options]\n' +
        '\n' +
        'Set up this project for convlens: an example experiment in experiments/ (with the schema line editors use to\n' +
        'complete and check it), .gitignore entries for the cache and the site, and npm scripts reports:check and\n' +
        'reports:build in package.json. Never overwrites a file; says what it left as it was.\n' +
        '\n' +
        'Options:\n' +
        '  --experiments DIR  experiment definitions (default: experiments)\n' +
        '  --out DIR          site output (default: dist)\n' +
        '  --cache DIR        cache directory (default: .convlens)\n' +
        '  --quiet            print only warnings and errors\n' +
        '  -h, --help         show this help\n' +
        '\n' +
        'Examples:\n' +
        '  convlens init\n' +
        '  convlens init --experiments reports/experiments\n',
    );
  });

  it('no command, `help` and `--help` print the command list; help for an unknown command is a user error', async () => {
    const usage = await cli();
    expect(usage.code).toBe(0);
    expect(usage.out).toMatch(/^Usage: convlens <command> \[options\]\n/);
    expect(usage.out).toContain('\n  init                     set up this project: example experiment, .gitignore entries, npm scripts\n');
    expect(usage.out).toContain('\n  -v, --version      print the version of convlens\n');
    expect(await cli('help')).toEqual(usage);
    expect(await cli('--help')).toEqual(usage);
    expect(await cli('help', 'frob')).toEqual({
      code: 1,
      out: '',
      err: 'There is no command "frob" to show help for. Use one of: init, check, run, build, clean, bench, datasets, diff, help.\n',
    });
    expect((await cli('frob', '--help')).err).toBe('Unknown command "frob". Use one of: init, check, run, build, clean, bench, datasets, diff (run "convlens --help" for details).\n');
  });
});
