/**
 * The S3 transport: the remote cache in a bucket, through the AWS SDK, so AWS S3, Cloudflare R2,
 * MinIO and Ceph RGW all work with the credentials their users already have.
 *
 * - Credentials and region come from the SDK's usual chain (environment, profile, SSO, instance or
 *   pod role); never from the URL. With no region configured anywhere the client uses
 *   AWS_DEFAULT_REGION (what the aws CLI reads), else us-east-1, and follows S3's redirect to the
 *   bucket's own region.
 * - A custom endpoint (AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL: the variables the SDK itself
 *   honours) switches to path-style addressing (`http://host/bucket/key`): MinIO, Ceph RGW and
 *   local emulators have no per-bucket DNS names.
 * - A create-only put sends `If-None-Match: *`. S3 answers 412 when the key exists ('exists'), and
 *   409 ConditionalRequestConflict when a concurrent write to the key raced it; AWS says to retry,
 *   so we do, twice, and then call it 'exists' only if HEAD shows the object (an S3 object is
 *   visible only once complete).
 * - Every put carries its SHA-256 (x-amz-checksum-sha256), so S3 refuses bytes corrupted on the
 *   way; a user who turned the SDK's checksums off (AWS_REQUEST_CHECKSUM_CALCULATION=WHEN_REQUIRED,
 *   the usual fix for an S3 clone that rejects them) gets none from us either.
 * - Failures become RemoteErrors built from the SDK error's name and HTTP status only, and a name
 *   is printed only when it is a documented S3 code: the SDK's message and the server's text can
 *   carry request details, and nothing here may echo a key, a signature or a token.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { RemoteError, failureForStatus, type PutOutcome, type RemoteFailure, type Transport } from './transport.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** Where an s3:// remote keeps its objects. */
export interface S3Location {
  bucket: string;
  /** Key prefix without leading or trailing slash; '' for the bucket's root. */
  prefix: string;
  /** `s3://bucket/prefix`: safe to show. */
  display: string;
}

/** The remote cache at `url` (`s3://bucket/optional/prefix`); `env` is where the endpoint variables are read. */
export function s3Transport(url: string, env: Env): Transport {
  return s3TransportWith(new S3Client(s3ClientConfig(env)), parseS3Url(url));
}

const USERINFO = "an s3:// remote takes credentials from the AWS SDK's chain (environment, profile, instance role), not from the URL: remove the part before '@'";
const QUERY = "an s3:// remote URL takes no query or fragment: credentials and options come from the AWS SDK's chain (environment, profile, instance role); remove the part from '?' or '#'";

/** Bucket and prefix of an s3:// URL; refuses credentials in it without repeating them. */
export function parseS3Url(url: string): S3Location {
  if (!/^s3:\/\//i.test(url)) throw new Error('an s3 remote URL starts with s3://, as in s3://bucket/optional/prefix');
  const rest = url.slice('s3://'.length);
  // Checked on the whole URL, before splitting: a secret key may contain '/', so userinfo can
  // reach past the first slash, and no part of it may end up in a message.
  if (rest.includes('@')) throw new Error(USERINFO);
  if (/[?#]/.test(rest)) throw new Error(QUERY);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const prefix = (slash < 0 ? '' : rest.slice(slash + 1)).replace(/\/$/, '');
  if (bucket === '') throw new Error('an s3:// remote names its bucket first, as in s3://bucket/optional/prefix');
  if (bucket.includes(':')) {
    throw new Error('an s3:// remote names a bucket, not a host and port: put the endpoint in AWS_ENDPOINT_URL_S3 (MinIO, Ceph, R2) and use s3://bucket/prefix');
  }
  if (!/^[A-Za-z0-9._-]{1,255}$/.test(bucket)) {
    throw new Error('the bucket of an s3:// remote may contain only letters, digits, dots, hyphens and underscores');
  }
  if (prefix !== '' && prefix.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    throw new Error(`the prefix "${prefix}" of an s3:// remote has an empty, "." or ".." segment: write it as s3://${bucket}/a/b`);
  }
  return { bucket, prefix, display: prefix === '' ? `s3://${bucket}` : `s3://${bucket}/${prefix}` };
}

const DEFAULT_REGION = 'us-east-1';

/** The S3 client settings convlens uses (exported for tests, which swap the request handler). */
export function s3ClientConfig(env: Env): S3ClientConfig {
  const endpoint = configuredEndpoint(env);
  return {
    region: regionOrDefault(env),
    // The SDK's retries (with backoff) cover 5xx, throttling and dropped connections; three
    // attempts keep a dead server from holding the build for long.
    maxAttempts: 3,
    // A connection that cannot be opened, or that goes silent, fails in seconds; there is no
    // limit on a whole request, which would cut off a large blob on a slow link.
    requestHandler: { connectionTimeout: 5_000, socketTimeout: 30_000 },
    // Only matters with the default region: S3 answers with the bucket's region and the SDK retries there.
    followRegionRedirects: true,
    ...(endpoint !== undefined && { endpoint, forcePathStyle: true }),
  };
}

/**
 * AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL, as the SDK reads them. We read them too because the
 * addressing style depends on them, and hand the value to the SDK so both come from one source.
 */
function configuredEndpoint(env: Env): string | undefined {
  if (env['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS']?.toLowerCase() === 'true') return undefined;
  const name = env['AWS_ENDPOINT_URL_S3'] ? 'AWS_ENDPOINT_URL_S3' : env['AWS_ENDPOINT_URL'] ? 'AWS_ENDPOINT_URL' : undefined;
  if (name === undefined) return undefined;
  const value = env[name] as string;
  // Never echoed: an endpoint URL may carry userinfo.
  const protocol = URL.parse(value)?.protocol;
  if (protocol !== 'http:' && protocol !== 'https:') throw new Error(`${name} is not an http(s) URL: set it to the S3 endpoint, e.g. http://minio.internal:9000`);
  return value;
}

/** The SDK's region chain (AWS_REGION, the profile), then AWS_DEFAULT_REGION, then us-east-1; resolved once. */
function regionOrDefault(env: Env): () => Promise<string> {
  let region: Promise<string> | undefined;
  // A bare client resolves the region exactly as the SDK would and throws when none is configured.
  return () => (region ??= new S3Client({}).config.region().catch(() => env['AWS_DEFAULT_REGION'] || DEFAULT_REGION));
}

/** How a create-only put waits before retrying after a 409 (exported for tests). */
export interface S3TransportOptions {
  pause?: (ms: number) => Promise<void>;
}

const CONFLICT_RETRIES = 2;

/** The transport over an existing client (tests pass one whose request handler is a fake). */
export function s3TransportWith(client: S3Client, location: S3Location, options: S3TransportOptions = {}): Transport {
  const { bucket, display } = location;
  const pause = options.pause ?? ((ms: number) => sleep(ms));
  const key = (path: string) => {
    const relative = path.replace(/^\/+/, '');
    return location.prefix === '' ? relative : `${location.prefix}/${relative}`;
  };
  const fail = (error: unknown, operation: string) => s3Failure(error, display, operation, bucket);

  async function head(path: string): Promise<number | undefined> {
    try {
      const answer = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key(path) }));
      if (answer.ContentLength === undefined) throw new RemoteError('protocol', display, `HEAD ${path}`, 'the answer had no Content-Length');
      return answer.ContentLength;
    } catch (error) {
      if (error instanceof RemoteError) throw error;
      // A HEAD answer has no body, so a missing bucket is a plain 404 too and reads as "no object".
      if (statusOf(error) === 404) return undefined;
      throw fail(error, `HEAD ${path}`);
    }
  }

  async function checksum(bytes: Buffer): Promise<string | undefined> {
    // An invalid AWS_REQUEST_CHECKSUM_CALCULATION is left for the send to report (as a RemoteError).
    const setting = await client.config.requestChecksumCalculation().catch(() => 'WHEN_SUPPORTED');
    return setting === 'WHEN_REQUIRED' ? undefined : createHash('sha256').update(bytes).digest('base64');
  }

  return {
    display,
    async get(path) {
      try {
        const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key(path) }));
        if (!answer.Body) throw new RemoteError('protocol', display, `GET ${path}`, 'the answer had no body');
        const bytes = await answer.Body.transformToByteArray();
        return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      } catch (error) {
        if (error instanceof RemoteError) throw error;
        if (nameOf(error) !== 'NoSuchBucket' && statusOf(error) === 404) return undefined;
        throw fail(error, `GET ${path}`);
      }
    },
    head,
    async put(path, bytes, putOptions = {}): Promise<PutOutcome> {
      const operation = `PUT ${path}`;
      const createOnly = putOptions.createOnly === true;
      const sha256 = await checksum(bytes);
      const input = {
        Bucket: bucket,
        Key: key(path),
        Body: bytes,
        ContentLength: bytes.length,
        ContentType: 'application/octet-stream',
        ...(sha256 !== undefined && { ChecksumSHA256: sha256 }),
        ...(createOnly && { IfNoneMatch: '*' }),
      };
      for (let attempt = 0; ; attempt++) {
        try {
          await client.send(new PutObjectCommand(input));
          return 'stored';
        } catch (error) {
          const status = statusOf(error);
          if (!createOnly || (status !== 412 && status !== 409)) throw fail(error, operation);
          if (status === 412) return 'exists';
          if (attempt < CONFLICT_RETRIES) {
            await pause(100 * 2 ** attempt);
            continue;
          }
          if ((await head(path)) !== undefined) return 'exists';
          throw new RemoteError('unavailable', display, operation, 'other writes to the same key kept conflicting with this one (ConditionalRequestConflict)', 409);
        }
      }
    },
  };
}

/** S3 error codes that mean the credentials themselves were refused (wrong, expired, or a skewed clock). */
const AUTH_CODES = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken', 'TokenRefreshRequired', 'RequestTimeTooSkewed']);
/** S3's one transient error that is not a 5xx: the upload stalled (HTTP 400). */
const TRANSIENT_CODES = new Set(['RequestTimeout']);

/**
 * Names we repeat in messages: documented S3 error codes, and the SDK's own. Anything else is the
 * server's free text and is left out.
 */
const KNOWN_CODES = new Set([
  ...AUTH_CODES,
  'AccessDenied', 'AccountProblem', 'AllAccessDisabled', 'AuthorizationHeaderMalformed', 'BadDigest', 'EntityTooLarge',
  'IncompleteBody', 'InternalError', 'InvalidArgument', 'InvalidBucketName', 'InvalidDigest', 'InvalidObjectState',
  'InvalidRequest', 'KeyTooLongError', 'MethodNotAllowed', 'MissingContentLength', 'NoSuchBucket', 'NoSuchKey',
  'NotImplemented', 'OperationAborted', 'PermanentRedirect', 'PreconditionFailed', 'ConditionalRequestConflict',
  'RequestTimeout', 'ServiceUnavailable', 'SlowDown', 'TemporaryRedirect', 'XAmzContentSHA256Mismatch',
  'InvalidChecksum', 'NotFound', 'Forbidden', 'BadRequest',
]);
const GENERIC = new Set(['NotFound', 'Forbidden', 'BadRequest']);

/** What the network layer's error code means, in the words the HTTP transport uses. */
const NETWORK: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name does not resolve',
  ECONNRESET: 'the connection was closed',
  EPIPE: 'the connection was closed',
  ETIMEDOUT: 'no answer in time',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
};

/** The RemoteError for an AWS SDK failure of `operation` (e.g. "GET entries/runs/ab.json"); exported for tests. */
export function s3Failure(error: unknown, display: string, operation: string, bucket: string): RemoteError {
  const name = nameOf(error);
  const status = statusOf(error);
  const [failure, detail] = describe(name, status, networkCode(error), bucket);
  return new RemoteError(failure, display, operation, detail, status);
}

function describe(name: string | undefined, status: number | undefined, network: string | undefined, bucket: string): [RemoteFailure, string] {
  if (name === 'CredentialsProviderError') return ['auth', 'no AWS credentials were found (environment, profile or instance role)'];
  if (status === undefined) {
    // No HTTP answer: the request never completed.
    if (name === 'TimeoutError') return ['unavailable', 'no answer in time'];
    if (network !== undefined) return ['unavailable', NETWORK[network] ?? `network error ${network}`];
    return ['protocol', `the AWS SDK failed before an answer arrived${name && /^[A-Za-z]{1,40}$/.test(name) ? ` (${name})` : ''}`];
  }
  const code = name !== undefined && KNOWN_CODES.has(name) ? name : undefined;
  if (code !== undefined && AUTH_CODES.has(code)) return ['auth', `the credentials were refused (${code})`];
  if (code === 'NoSuchBucket') return ['protocol', `the bucket "${bucket}" does not exist (NoSuchBucket)`];
  if (code !== undefined && TRANSIENT_CODES.has(code)) return ['unavailable', `HTTP ${status} ${code}`];
  // NotFound, Forbidden and BadRequest are what the SDK names a bodiless answer (HEAD): they add nothing to the status.
  const shown = code !== undefined && !GENERIC.has(code) ? ` ${code}` : '';
  switch (failureForStatus(status)) {
    case 'auth':
      return ['auth', `the credentials were refused (HTTP ${status}${shown})`];
    case 'forbidden':
      return ['forbidden', `access denied to bucket "${bucket}" (HTTP 403${shown})`];
    case 'unavailable':
      return ['unavailable', `HTTP ${status}${shown}`];
    case 'protocol':
      return ['protocol', `unexpected answer from bucket "${bucket}" (HTTP ${status}${shown})`];
  }
}

function nameOf(error: unknown): string | undefined {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : undefined;
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/** The Node network error code (ECONNREFUSED, …), also inside the AggregateError of a dual-stack connect. */
function networkCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; errors?: unknown } | null;
  if (typeof e?.code === 'string' && /^E[A-Z_]+$/.test(e.code)) return e.code;
  if (Array.isArray(e?.errors)) {
    for (const inner of e.errors) {
      const code = networkCode(inner);
      if (code !== undefined) return code;
    }
  }
  return undefined;
}
