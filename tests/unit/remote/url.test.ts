/** The --remote URL: protocol, the display form, and the secrets that must never be printed. */
import { describe, expect, it } from 'vitest';
import { parseRemoteUrl, redact } from '../../../src/remote/url.ts';

describe('parseRemoteUrl', () => {
  it('shows http(s) remotes without userinfo or query, and lists those as secrets', () => {
    const r = parseRemoteUrl('https://ci-bot:s3cr%3Ft-pw@cache.example.com:8443/convlens?sig=abcdef123&x=1', '--remote', 'tok-123456');
    expect(r.protocol).toBe('http');
    expect(r.display).toBe('https://cache.example.com:8443/convlens/');
    expect(r.secrets.sort()).toEqual(['ci-bot', 's3cr%3Ft-pw', 's3cr?t-pw', 'sig=abcdef123&x=1', 'abcdef123', 'tok-123456'].sort());
  });

  it('keeps s3 remotes as bucket and prefix', () => {
    expect(parseRemoteUrl('s3://team-cache/convlens/main', 'CONVLENS_REMOTE', undefined)).toEqual({
      protocol: 's3',
      url: 's3://team-cache/convlens/main',
      display: 's3://team-cache/convlens/main/',
      secrets: [],
    });
  });

  it('refuses what is not a remote, without echoing the value', () => {
    expect(() => parseRemoteUrl('user:hunter2-secret', '--remote', undefined)).toThrow(
      '--remote must start with s3://, http:// or https://.',
    );
    expect(() => parseRemoteUrl('not a url at all hunter2', '--remote', undefined)).toThrow(
      '--remote is not a URL. Use s3://bucket/prefix or http(s)://host/path/ (credentials in CONVLENS_REMOTE_TOKEN or the AWS SDK\'s usual chain).',
    );
    expect(() => parseRemoteUrl('s3:///prefix', 'CONVLENS_REMOTE', undefined)).toThrow('CONVLENS_REMOTE names no bucket: use s3://bucket/prefix.');
  });

  it('redacts every occurrence of every secret', () => {
    expect(redact('a hunter2 b hunter2 c tok', ['hunter2', 'tok'])).toBe('a *** b *** c ***');
  });
});
