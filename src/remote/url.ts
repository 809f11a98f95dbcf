/**
 * The `--remote` URL: which transport, what users may see of it, and which parts are secret.
 *
 *   s3://bucket/prefix            the S3 API (AWS, R2, MinIO, Ceph); credentials from the AWS SDK's chain
 *   http(s)://[user:pass@]host/p  plain GET/HEAD/PUT; credentials from CONVLENS_REMOTE_TOKEN or userinfo
 *
 * Userinfo and the query are secrets: `display` drops both, and `secrets` lists every value a log
 * line or error must never carry (the log scrubs them as a last line of defence, see log.ts).
 */
import { UserError } from '../lib/errors.ts';

export interface RemoteLocation {
  protocol: 's3' | 'http';
  /** The URL as given (secrets included): only the transport sees it. */
  url: string;
  /** scheme://host[:port]/path, ending in `/`: safe for logs, errors and reports. */
  display: string;
  /** Strings that must never be printed: the password, the user name, the query and its values, the token. */
  secrets: string[];
}

/** Where the URL came from, for the error message. */
export type RemoteSource = '--remote' | 'CONVLENS_REMOTE';

export function parseRemoteUrl(value: string, source: RemoteSource, token: string | undefined): RemoteLocation {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    // The value may hold credentials: say what is wrong without echoing it.
    throw new UserError(`${source} is not a URL. Use s3://bucket/prefix or http(s)://host/path/ (credentials in CONVLENS_REMOTE_TOKEN or the AWS SDK's usual chain).`);
  }
  const secrets = secretsOf(url, token);
  const path = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  if (url.protocol === 's3:') {
    if (url.hostname === '') throw new UserError(`${source} names no bucket: use s3://bucket/prefix.`);
    return { protocol: 's3', url: value.trim(), display: `s3://${url.hostname}${path === '/' ? '/' : path}`, secrets };
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    return { protocol: 'http', url: value.trim(), display: `${url.protocol}//${url.host}${path}`, secrets };
  }
  // Not even the scheme is echoed: "user:pass@host" without one parses as the scheme "user:".
  throw new UserError(`${source} must start with s3://, http:// or https://.`);
}

function secretsOf(url: URL, token: string | undefined): string[] {
  const found = new Set<string>();
  const add = (s: string | undefined | null) => {
    // Very short values ("a", "1") would scrub ordinary text; they are also no real secret.
    if (s && s.length >= 4) found.add(s);
  };
  add(url.username);
  add(url.password);
  add(safeDecode(url.username));
  add(safeDecode(url.password));
  if (url.search) {
    add(url.search.slice(1));
    for (const [, v] of url.searchParams) add(v);
  }
  add(token);
  return [...found];
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** `text` with every secret replaced by `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('***');
  return out;
}
