/**
 * The S3 transport without a server: the real AWS SDK client with a fake request handler, so what
 * is checked is what would go over the wire (headers, addressing) and how real S3 answers are
 * read (XML error bodies, bodiless HEAD errors, network failures).
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { parseS3Url, s3ClientConfig, s3Failure, s3Transport, s3TransportWith } from '../../../src/remote/s3.ts';
import { RemoteError, type RemoteFailure } from '../../../src/remote/transport.ts';

const BUCKET = 'convlens-cache';

/** A request as the handler saw it. */
interface Sent {
  method: string;
  hostname: string;
  port: number | undefined;
  path: string;
  headers: Record<string, string>;
}

/** An HTTP answer (an S3 error when `code` is set: the XML body S3 sends), or a thrown network error. */
type Answer = { status: number; code?: string; message?: string; headers?: Record<string, string>; body?: Buffer } | Error;

function errorXml(code: string, message: string): Buffer {
  return Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>`);
}

/** A request handler answering from a script, one answer per request, recording what was sent. */
function scripted(answers: Answer[]) {
  const sent: Sent[] = [];
  const handler = {
    async handle(request: { method: string; hostname: string; port?: number; path: string; headers: Record<string, string> }) {
      sent.push({ method: request.method, hostname: request.hostname, port: request.port, path: request.path, headers: { ...request.headers } });
      const answer = answers.shift();
      if (answer === undefined) throw new Error(`unexpected request ${request.method} ${request.path}`);
      if (answer instanceof Error) throw answer;
      const body = answer.code !== undefined && request.method !== 'HEAD' ? errorXml(answer.code, answer.message ?? 'text from the server') : (answer.body ?? Buffer.alloc(0));
      const headers = { 'x-amz-request-id': '4442587FB7D0A2F9', 'content-length': String(body.length), ...(answer.code !== undefined && { 'content-type': 'application/xml' }), ...answer.headers };
      return { response: { statusCode: answer.status, headers, body: Readable.from([body]) } };
    },
  };
  return { sent, handler };
}

/** convlens's client settings, with fixed credentials and region, one attempt, and the fake handler. */
function client(handler: ReturnType<typeof scripted>['handler'], env: Record<string, string> = {}, overrides: S3ClientConfig = {}): S3Client {
  return new S3Client({
    ...s3ClientConfig(env),
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAUNITTEST00000001', secretAccessKey: 'unit-test-secret' },
    maxAttempts: 1,
    requestHandler: handler,
    ...overrides,
  });
}

function scriptedTransport(answers: Answer[], prefix = 'team', overrides: S3ClientConfig = {}) {
  const { sent, handler } = scripted(answers);
  const pauses: number[] = [];
  const location = { bucket: BUCKET, prefix, display: prefix ? `s3://${BUCKET}/${prefix}` : `s3://${BUCKET}` };
  const transport = s3TransportWith(client(handler, {}, overrides), location, {
    pause: async (ms) => {
      pauses.push(ms);
    },
  });
  return { transport, sent, pauses };
}

async function failure(promise: Promise<unknown>): Promise<RemoteError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RemoteError);
  return error as RemoteError;
}

const ok = (headers: Record<string, string> = {}, body?: Buffer): Answer => ({ status: 200, headers, ...(body && { body }) });

describe('parseS3Url', () => {
  it('splits bucket and prefix, with or without a trailing slash', () => {
    expect(parseS3Url('s3://convlens-cache/team/cache/')).toEqual({ bucket: 'convlens-cache', prefix: 'team/cache', display: 's3://convlens-cache/team/cache' });
    expect(parseS3Url('s3://convlens-cache/team')).toEqual({ bucket: 'convlens-cache', prefix: 'team', display: 's3://convlens-cache/team' });
    expect(parseS3Url('s3://convlens-cache')).toEqual({ bucket: 'convlens-cache', prefix: '', display: 's3://convlens-cache' });
    expect(parseS3Url('s3://convlens-cache/')).toEqual({ bucket: 'convlens-cache', prefix: '', display: 's3://convlens-cache' });
  });

  it('refuses userinfo without repeating it, even when the secret holds a slash', () => {
    const expected = "an s3:// remote takes credentials from the AWS SDK's chain (environment, profile, instance role), not from the URL: remove the part before '@'";
    for (const url of ['s3://AKIAPLANTEDSECRET0001:planted/secret+value@convlens-cache/team', 's3://AKIAPLANTEDSECRET0001@convlens-cache']) {
      expect(() => parseS3Url(url)).toThrow(new Error(expected));
      expect(() => s3Transport(url, {})).toThrow(new Error(expected));
    }
  });

  it('refuses a query or fragment without repeating it', () => {
    const expected =
      "an s3:// remote URL takes no query or fragment: credentials and options come from the AWS SDK's chain (environment, profile, instance role); remove the part from '?' or '#'";
    expect(() => parseS3Url('s3://convlens-cache/team?X-Amz-Credential=AKIAPLANTEDSECRET0001&X-Amz-Signature=abc')).toThrow(new Error(expected));
    expect(() => parseS3Url('s3://convlens-cache/team#planted')).toThrow(new Error(expected));
  });

  it('refuses a missing bucket, a host:port, odd bucket characters and empty prefix segments', () => {
    expect(() => parseS3Url('s3:///team')).toThrow(new Error('an s3:// remote names its bucket first, as in s3://bucket/optional/prefix'));
    expect(() => parseS3Url('s3://minio.internal:9000/team')).toThrow(
      new Error('an s3:// remote names a bucket, not a host and port: put the endpoint in AWS_ENDPOINT_URL_S3 (MinIO, Ceph, R2) and use s3://bucket/prefix'),
    );
    expect(() => parseS3Url('s3://conv lens/team')).toThrow(new Error('the bucket of an s3:// remote may contain only letters, digits, dots, hyphens and underscores'));
    expect(() => parseS3Url('s3://convlens-cache/a//b')).toThrow(new Error('the prefix "a//b" of an s3:// remote has an empty, "." or ".." segment: write it as s3://convlens-cache/a/b'));
    expect(() => parseS3Url('s3://convlens-cache/a/../b')).toThrow(/"\." or "\.\." segment/);
    expect(() => parseS3Url('http://convlens-cache/a')).toThrow(new Error('an s3 remote URL starts with s3://, as in s3://bucket/optional/prefix'));
  });
});

describe('client settings', () => {
  const saved: Record<string, string | undefined> = {};
  function setEnv(values: Record<string, string | undefined>) {
    for (const [name, value] of Object.entries(values)) {
      if (!(name in saved)) saved[name] = process.env[name];
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
      delete saved[name];
    }
  });
  const noRegionAnywhere = { AWS_REGION: undefined, AWS_PROFILE: undefined, AWS_CONFIG_FILE: '/nonexistent/convlens-test/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/convlens-test/credentials' };
  const regionOf = (env: Record<string, string>) => (s3ClientConfig(env).region as () => Promise<string>)();

  it('a custom endpoint means path-style requests to that host; AWS_ENDPOINT_URL_S3 wins over AWS_ENDPOINT_URL', async () => {
    const { sent, handler } = scripted([ok({ 'content-length': '3' }), ok({ 'content-length': '3' })]);
    const minio = s3TransportWith(client(handler, { AWS_ENDPOINT_URL_S3: 'http://minio.internal:9000', AWS_ENDPOINT_URL: 'http://other.internal:1' }), parseS3Url('s3://convlens-cache/team'));
    expect(await minio.head('entries/runs/ab.json')).toBe(3);
    expect(sent[0]).toMatchObject({ method: 'HEAD', hostname: 'minio.internal', port: 9000, path: '/convlens-cache/team/entries/runs/ab.json' });

    const fallback = s3TransportWith(client(handler, { AWS_ENDPOINT_URL: 'http://ceph.internal:7480' }), parseS3Url('s3://convlens-cache'));
    expect(await fallback.head('/blobs/x')).toBe(3);
    expect(sent[1]).toMatchObject({ hostname: 'ceph.internal', port: 7480, path: '/convlens-cache/blobs/x' });
  });

  it('without an endpoint, AWS S3 with virtual-hosted addressing', async () => {
    const { sent, handler } = scripted([ok({ 'content-length': '3' })]);
    const aws = s3TransportWith(client(handler, { AWS_ENDPOINT_URL: 'http://ignored.internal', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }), parseS3Url('s3://convlens-cache/team'));
    expect(await aws.head('entries/runs/ab.json')).toBe(3);
    expect(sent[0]?.hostname).toBe('convlens-cache.s3.us-east-1.amazonaws.com');
    expect(sent[0]?.path).toBe('/team/entries/runs/ab.json');
    expect(s3ClientConfig({}).forcePathStyle).toBeUndefined();
    expect(s3ClientConfig({ AWS_ENDPOINT_URL_S3: 'http://minio.internal:9000' })).toMatchObject({ endpoint: 'http://minio.internal:9000', forcePathStyle: true, maxAttempts: 3 });
  });

  it('an endpoint that is not an http(s) URL is refused by name, without its value', () => {
    expect(() => s3ClientConfig({ AWS_ENDPOINT_URL_S3: 'planted-user:planted-pass@minio' })).toThrow(
      new Error('AWS_ENDPOINT_URL_S3 is not an http(s) URL: set it to the S3 endpoint, e.g. http://minio.internal:9000'),
    );
    expect(() => s3ClientConfig({ AWS_ENDPOINT_URL: 'minio.internal:9000' })).toThrow(
      new Error('AWS_ENDPOINT_URL is not an http(s) URL: set it to the S3 endpoint, e.g. http://minio.internal:9000'),
    );
  });

  it('region: the SDK chain, then AWS_DEFAULT_REGION, then us-east-1', async () => {
    setEnv(noRegionAnywhere);
    expect(await regionOf({})).toBe('us-east-1');
    expect(await regionOf({ AWS_DEFAULT_REGION: 'eu-central-1' })).toBe('eu-central-1');
    setEnv({ AWS_REGION: 'eu-west-1' });
    expect(await regionOf({ AWS_DEFAULT_REGION: 'eu-central-1' })).toBe('eu-west-1');
  });

  it('missing credentials are an auth error saying where they were looked for', async () => {
    const { handler } = scripted([]);
    const noCredentials = async () => {
      throw Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    };
    const remote = s3TransportWith(client(handler, {}, { credentials: noCredentials }), parseS3Url('s3://convlens-cache/team'));
    const error = await failure(remote.get('entries/runs/ab.json'));
    expect(error.failure).toBe('auth');
    expect(error.message).toBe('remote cache s3://convlens-cache/team: GET entries/runs/ab.json failed: no AWS credentials were found (environment, profile or instance role)');
  });
});

describe('get, head and put', () => {
  it('get returns the bytes; NoSuchKey and a bodiless 404 are "no object"', async () => {
    const bytes = Buffer.from([0, 255, 1, 254]);
    const { transport, sent } = scriptedTransport([ok({ 'content-length': '4' }, bytes), { status: 404, code: 'NoSuchKey' }, { status: 404, code: 'NotFound' }]);
    expect(await transport.get('blobs/sha256/ab/ab12')).toEqual(bytes);
    expect(await transport.get('blobs/missing')).toBeUndefined();
    expect(await transport.head('blobs/missing')).toBeUndefined();
    expect(sent.map((s) => `${s.method} ${s.path}`)).toEqual(['GET /team/blobs/sha256/ab/ab12', 'GET /team/blobs/missing', 'HEAD /team/blobs/missing']);
  });

  it('a plain put sends the length and SHA-256 and no condition', async () => {
    const { transport, sent } = scriptedTransport([ok()]);
    expect(await transport.put('blobs/hello', Buffer.from('hello'))).toBe('stored');
    expect(sent[0]?.method).toBe('PUT');
    expect(sent[0]?.headers['content-length']).toBe('5');
    expect(sent[0]?.headers['x-amz-checksum-sha256']).toBe(createHash('sha256').update('hello').digest('base64'));
    expect(sent[0]?.headers['x-amz-checksum-sha256']).toBe('LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=');
    expect(sent[0]?.headers['if-none-match']).toBeUndefined();
  });

  it('a create-only put sends If-None-Match: *, and 412 means the object exists', async () => {
    const { transport, sent } = scriptedTransport([ok(), { status: 412, code: 'PreconditionFailed' }]);
    expect(await transport.put('entries/runs/ab.json', Buffer.from('{}'), { createOnly: true })).toBe('stored');
    expect(await transport.put('entries/runs/ab.json', Buffer.from('{}'), { createOnly: true })).toBe('exists');
    expect(sent.map((s) => s.headers['if-none-match'])).toEqual(['*', '*']);
  });

  it('412 on a plain put is unexpected, not "exists"', async () => {
    const { transport } = scriptedTransport([{ status: 412, code: 'PreconditionFailed' }]);
    const error = await failure(transport.put('blobs/x', Buffer.from('x')));
    expect(error.failure).toBe('protocol');
    expect(error.message).toBe('remote cache s3://convlens-cache/team: PUT blobs/x failed: unexpected answer from bucket "convlens-cache" (HTTP 412 PreconditionFailed)');
  });

  it('with the SDK checksums turned off (WHEN_REQUIRED) no checksum header is sent', async () => {
    const { transport, sent } = scriptedTransport([ok()], 'team', { requestChecksumCalculation: 'WHEN_REQUIRED' });
    expect(await transport.put('blobs/hello', Buffer.from('hello'))).toBe('stored');
    expect(Object.keys(sent[0]!.headers).filter((h) => h.startsWith('x-amz-checksum-'))).toEqual([]);
  });
});

describe('409 ConditionalRequestConflict on a create-only put', () => {
  const conflict: Answer = { status: 409, code: 'ConditionalRequestConflict' };

  it('is retried after a pause, and the retry can store', async () => {
    const { transport, sent, pauses } = scriptedTransport([conflict, ok()]);
    expect(await transport.put('blobs/x', Buffer.from('x'), { createOnly: true })).toBe('stored');
    expect(sent.map((s) => `${s.method} ${s.headers['if-none-match']}`)).toEqual(['PUT *', 'PUT *']);
    expect(pauses).toEqual([100]);
  });

  it('a retry answered 412 means the concurrent write completed: exists', async () => {
    const { transport, sent, pauses } = scriptedTransport([conflict, conflict, { status: 412, code: 'PreconditionFailed' }]);
    expect(await transport.put('blobs/x', Buffer.from('x'), { createOnly: true })).toBe('exists');
    expect(sent).toHaveLength(3);
    expect(pauses).toEqual([100, 200]);
  });

  it('after three conflicts, exists only if HEAD shows the object', async () => {
    const { transport, sent } = scriptedTransport([conflict, conflict, conflict, ok({ 'content-length': '1' })]);
    expect(await transport.put('blobs/x', Buffer.from('x'), { createOnly: true })).toBe('exists');
    expect(sent.map((s) => s.method)).toEqual(['PUT', 'PUT', 'PUT', 'HEAD']);
  });

  it('after three conflicts and no object, the write failed and can be retried later', async () => {
    const { transport } = scriptedTransport([conflict, conflict, conflict, { status: 404, code: 'NotFound' }]);
    const error = await failure(transport.put('blobs/x', Buffer.from('x'), { createOnly: true }));
    expect(error.failure).toBe('unavailable');
    expect(error.status).toBe(409);
    expect(error.message).toBe('remote cache s3://convlens-cache/team: PUT blobs/x failed: other writes to the same key kept conflicting with this one (ConditionalRequestConflict)');
  });

  it('is not retried on a plain put', async () => {
    const { transport, sent } = scriptedTransport([conflict]);
    expect((await failure(transport.put('blobs/x', Buffer.from('x')))).failure).toBe('protocol');
    expect(sent).toHaveLength(1);
  });
});

describe('error mapping', () => {
  const table: [code: string, status: number, failure: RemoteFailure, detail: string][] = [
    ['InvalidAccessKeyId', 403, 'auth', 'the credentials were refused (InvalidAccessKeyId)'],
    ['SignatureDoesNotMatch', 403, 'auth', 'the credentials were refused (SignatureDoesNotMatch)'],
    ['ExpiredToken', 400, 'auth', 'the credentials were refused (ExpiredToken)'],
    ['InvalidToken', 400, 'auth', 'the credentials were refused (InvalidToken)'],
    ['RequestTimeTooSkewed', 403, 'auth', 'the credentials were refused (RequestTimeTooSkewed)'],
    ['Unauthorized', 401, 'auth', 'the credentials were refused (HTTP 401)'],
    ['AccessDenied', 403, 'forbidden', 'access denied to bucket "convlens-cache" (HTTP 403 AccessDenied)'],
    ['AllAccessDisabled', 403, 'forbidden', 'access denied to bucket "convlens-cache" (HTTP 403 AllAccessDisabled)'],
    ['NoSuchBucket', 404, 'protocol', 'the bucket "convlens-cache" does not exist (NoSuchBucket)'],
    ['InternalError', 500, 'unavailable', 'HTTP 500 InternalError'],
    ['SlowDown', 503, 'unavailable', 'HTTP 503 SlowDown'],
    ['RequestTimeout', 400, 'unavailable', 'HTTP 400 RequestTimeout'],
    ['InvalidArgument', 400, 'protocol', 'unexpected answer from bucket "convlens-cache" (HTTP 400 InvalidArgument)'],
    ['MethodNotAllowed', 405, 'protocol', 'unexpected answer from bucket "convlens-cache" (HTTP 405 MethodNotAllowed)'],
    // A code S3 does not document is the server's text: it is not repeated.
    ['AKIAPLANTEDSECRET0001', 400, 'protocol', 'unexpected answer from bucket "convlens-cache" (HTTP 400)'],
  ];

  it.each(table)('GET answered %s (HTTP %i) → %s', async (code, status, expected, detail) => {
    const { transport } = scriptedTransport([{ status, code, message: 'Server text with AKIAPLANTEDSECRET0001 and X-Amz-Signature=deadbeef' }]);
    const error = await failure(transport.get('entries/runs/ab.json'));
    expect(error.failure).toBe(expected);
    expect(error.status).toBe(status);
    expect(error.message).toBe(`remote cache s3://convlens-cache/team: GET entries/runs/ab.json failed: ${detail}`);
    expect(error.message).not.toContain('Server text');
  });

  it('bodiless HEAD errors are read by status alone', async () => {
    const { transport } = scriptedTransport([{ status: 403 }, { status: 401 }, { status: 503 }]);
    const forbidden = await failure(transport.head('blobs/x'));
    expect([forbidden.failure, forbidden.message]).toEqual(['forbidden', 'remote cache s3://convlens-cache/team: HEAD blobs/x failed: access denied to bucket "convlens-cache" (HTTP 403)']);
    expect((await failure(transport.head('blobs/x'))).failure).toBe('auth');
    expect((await failure(transport.head('blobs/x'))).failure).toBe('unavailable');
  });

  it('PUT refused by credentials is auth, by policy forbidden', async () => {
    const { transport } = scriptedTransport([{ status: 403, code: 'SignatureDoesNotMatch' }, { status: 403, code: 'AccessDenied' }]);
    expect((await failure(transport.put('blobs/x', Buffer.from('x'), { createOnly: true }))).failure).toBe('auth');
    const denied = await failure(transport.put('blobs/x', Buffer.from('x'), { createOnly: true }));
    expect(denied.message).toBe('remote cache s3://convlens-cache/team: PUT blobs/x failed: access denied to bucket "convlens-cache" (HTTP 403 AccessDenied)');
  });

  const network: [label: string, error: () => Error, detail: string][] = [
    ['connection refused', () => Object.assign(new Error('connect ECONNREFUSED 10.0.0.9:9000'), { code: 'ECONNREFUSED' }), 'connection refused'],
    ['dual-stack connect', () => new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:9000'), { code: 'ECONNREFUSED' })], ''), 'connection refused'],
    ['unknown host', () => Object.assign(new Error('getaddrinfo ENOTFOUND minio.internal'), { code: 'ENOTFOUND' }), 'the host name does not resolve'],
    ['reset', () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'the connection was closed'],
    ['timeout', () => Object.assign(new Error('the request socket timed out'), { name: 'TimeoutError' }), 'no answer in time'],
    ['other network code', () => Object.assign(new Error('x'), { code: 'EPROTO' }), 'network error EPROTO'],
  ];

  it.each(network)('%s → unavailable', async (_label, error, detail) => {
    const { transport } = scriptedTransport([error()]);
    const failed = await failure(transport.get('blobs/x'));
    expect(failed.failure).toBe('unavailable');
    expect(failed.status).toBeUndefined();
    expect(failed.message).toBe(`remote cache s3://convlens-cache/team: GET blobs/x failed: ${detail}`);
  });

  it('an error without an answer or network code is a protocol error naming only its type', () => {
    const error = s3Failure(new TypeError('Invalid URL: http://planted-user:planted-pass@x'), 's3://b', 'GET x', 'b');
    expect([error.failure, error.message]).toEqual(['protocol', 'remote cache s3://b: GET x failed: the AWS SDK failed before an answer arrived (TypeError)']);
  });
});
