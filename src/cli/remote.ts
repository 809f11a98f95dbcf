/**
 * The remote cache from the command line and the environment:
 *
 *   --remote URL       or CONVLENS_REMOTE        the flag wins
 *   --remote-mode M    or CONVLENS_REMOTE_MODE   read (default) | readwrite
 *   CONVLENS_REMOTE_TOKEN                         bearer token for http(s) remotes
 *
 * Also the secrets the CLI must never print, found before anything else is parsed.
 */
import { UserError } from '../lib/errors.ts';
import { parseRemoteUrl, redact } from '../remote/url.ts';
import type { RemoteRequest } from '../remote/open.ts';
import type { RemoteMode } from '../remote/store.ts';
import type { CliIo } from './options.ts';

const MODES: readonly RemoteMode[] = ['read', 'readwrite'];
const set = (v: string | undefined): v is string => v !== undefined && v.trim() !== '';

export function resolveRemote(flags: { remote?: string; remoteMode?: string }, env: Readonly<Record<string, string | undefined>>): RemoteRequest | undefined {
  if (flags.remote !== undefined && flags.remote.trim() === '') {
    throw new UserError('--remote is empty (an unset CI variable?). Give the remote cache URL, or leave --remote out to build without one.');
  }
  const source = set(flags.remote) ? '--remote' : set(env['CONVLENS_REMOTE']) ? 'CONVLENS_REMOTE' : undefined;
  const modeSource = set(flags.remoteMode) ? '--remote-mode' : set(env['CONVLENS_REMOTE_MODE']) ? 'CONVLENS_REMOTE_MODE' : undefined;
  const modeValue = modeSource === '--remote-mode' ? flags.remoteMode!.trim() : modeSource ? env['CONVLENS_REMOTE_MODE']!.trim() : 'read';
  if (!MODES.includes(modeValue as RemoteMode)) throw new UserError(`${modeSource} must be read or readwrite (got "${modeValue.slice(0, 40)}").`);
  if (!source) {
    if (modeSource === '--remote-mode') throw new UserError('--remote-mode needs a remote cache: add --remote URL (or set CONVLENS_REMOTE).');
    return undefined;
  }
  const token = set(env['CONVLENS_REMOTE_TOKEN']) ? env['CONVLENS_REMOTE_TOKEN'].trim() : undefined;
  const value = source === '--remote' ? flags.remote! : env['CONVLENS_REMOTE']!;
  return { location: parseRemoteUrl(value, source, token), mode: modeValue as RemoteMode, token, env };
}

/** Every secret the arguments or environment carry for a remote, found without trusting the parse. */
export function remoteSecrets(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): string[] {
  const values: string[] = [];
  argv.forEach((arg, i) => {
    if (arg === '--remote' && argv[i + 1] !== undefined) values.push(argv[i + 1]!);
    else if (arg.startsWith('--remote=')) values.push(arg.slice('--remote='.length));
  });
  if (set(env['CONVLENS_REMOTE'])) values.push(env['CONVLENS_REMOTE']);
  const token = set(env['CONVLENS_REMOTE_TOKEN']) ? env['CONVLENS_REMOTE_TOKEN'].trim() : undefined;
  const secrets = new Set<string>(token && token.length >= 4 ? [token] : []);
  for (const value of values) {
    try {
      for (const s of parseRemoteUrl(value, '--remote', undefined).secrets) secrets.add(s);
    } catch {
      // Not a URL: nothing of it is printed either (the parse error does not echo it).
    }
  }
  return [...secrets];
}

/** `io` whose writes have every secret replaced by `***`. */
export function redactingIo(io: CliIo, secrets: readonly string[]): CliIo {
  if (secrets.length === 0) return io;
  return { ...io, out: (t) => io.out(redact(t, secrets)), err: (t) => io.err(redact(t, secrets)) };
}
