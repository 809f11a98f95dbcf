/** --remote, --remote-mode and their environment variables; the CLI's scrubbing of remote secrets. */
import { describe, expect, it } from 'vitest';
import { redactingIo, remoteSecrets, resolveRemote } from '../../../src/cli/remote.ts';
import { main } from '../../../src/cli/main.ts';

describe('resolveRemote', () => {
  it('takes the flag over CONVLENS_REMOTE, and the mode from the flag, the environment, or read', () => {
    const env = { CONVLENS_REMOTE: 's3://from-env/p', CONVLENS_REMOTE_MODE: 'readwrite' };
    expect(resolveRemote({ remote: 'http://h:1234/c/' }, env)?.location.display).toBe('http://h:1234/c/');
    expect(resolveRemote({ remote: 'http://h:1234/c/' }, env)?.mode).toBe('readwrite');
    expect(resolveRemote({}, env)?.location.display).toBe('s3://from-env/p/');
    expect(resolveRemote({ remoteMode: 'read' }, env)?.mode).toBe('read');
    expect(resolveRemote({ remote: 'http://h:1234/c/' }, {})?.mode).toBe('read');
    expect(resolveRemote({}, {})).toBeUndefined();
  });

  it('says exactly what is wrong', () => {
    expect(() => resolveRemote({ remote: 's3://b/p', remoteMode: 'write' }, {})).toThrow('--remote-mode must be read or readwrite (got "write").');
    expect(() => resolveRemote({ remote: 's3://b/p' }, { CONVLENS_REMOTE_MODE: 'rw' })).toThrow('CONVLENS_REMOTE_MODE must be read or readwrite (got "rw").');
    expect(() => resolveRemote({ remoteMode: 'readwrite' }, {})).toThrow('--remote-mode needs a remote cache: add --remote URL (or set CONVLENS_REMOTE).');
    expect(() => resolveRemote({ remote: '' }, {})).toThrow('--remote is empty (an unset CI variable?). Give the remote cache URL, or leave --remote out to build without one.');
  });

  it('passes CONVLENS_REMOTE_TOKEN to the transport and counts it as a secret', () => {
    const r = resolveRemote({ remote: 'https://cache/' }, { CONVLENS_REMOTE_TOKEN: ' tok-abcdef ' });
    expect(r?.token).toBe('tok-abcdef');
    expect(r?.location.secrets).toEqual(['tok-abcdef']);
  });
});

describe('the CLI never prints a remote secret', () => {
  it('finds secrets in --remote, --remote=, CONVLENS_REMOTE and CONVLENS_REMOTE_TOKEN', () => {
    const secrets = remoteSecrets(['run', '--remote', 'http://u1:pass-one@h/', '--remote=http://u2:pass-two@h/?k=query-three'], {
      CONVLENS_REMOTE: 'https://u3:pass-four@h/',
      CONVLENS_REMOTE_TOKEN: 'token-five',
    });
    for (const s of ['pass-one', 'pass-two', 'query-three', 'pass-four', 'token-five']) expect(secrets).toContain(s);
  });

  it('scrubs them from everything written, including an error that quotes one', async () => {
    const out: string[] = [];
    const io = redactingIo({ out: (t) => out.push(t), err: (t) => out.push(t) }, ['pass-one']);
    io.out('a pass-one b');
    io.err('pass-one');
    expect(out).toEqual(['a *** b', '***']);

    const printed: string[] = [];
    const code = await main(['run', '--remote', 'ftp://u:planted-pass-99@h/', '--experiments', 'tests/fixtures/experiments/remote'], {
      out: (t) => printed.push(t),
      err: (t) => printed.push(t),
      env: {},
    });
    expect(code).toBe(1);
    expect(printed.join('')).toBe('--remote must start with s3://, http:// or https://.\n');
  });
});
