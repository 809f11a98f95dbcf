/**
 * The S3 transport against s3rver, a local S3 emulator (see tests/servers/s3.ts for what it does
 * not emulate). Credentials and the endpoint reach the transport the way they do in production:
 * through the environment the AWS SDK's chain reads.
 */
import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { s3Transport } from '../../src/remote/s3.ts';
import { RemoteError, type Transport } from '../../src/remote/transport.ts';
import { startS3Server, type S3Server } from '../servers/s3.ts';

const PLANTED_KEY_ID = 'AKIAPLANTEDSECRET0001';
const PLANTED_SECRET = 'planted-secret-value-xyz';

let server: S3Server;
let saved: Record<string, string | undefined>;

/** Point the SDK's chain at the emulator, isolated from the machine's own AWS configuration. */
function useEnvironment(values: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(values)) {
    if (!(name in saved)) saved[name] = process.env[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

function emulatorEnvironment(): Record<string, string | undefined> {
  return {
    AWS_ACCESS_KEY_ID: server.accessKeyId,
    AWS_SECRET_ACCESS_KEY: server.secretAccessKey,
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_REGION: undefined,
    AWS_DEFAULT_REGION: undefined,
    AWS_CONFIG_FILE: '/nonexistent/convlens-test/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/convlens-test/credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL: undefined,
    AWS_ENDPOINT_URL_S3: server.endpoint,
  };
}

function transport(suffix = ''): Transport {
  return s3Transport(`s3://${server.bucket}${suffix}`, process.env);
}

/** A client of our own, to look at the bucket without going through the transport. */
function rawClient(): S3Client {
  return new S3Client({
    region: 'us-east-1',
    endpoint: server.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
  });
}

async function rawGet(key: string): Promise<Buffer> {
  const answer = await rawClient().send(new GetObjectCommand({ Bucket: server.bucket, Key: key }));
  return Buffer.from(await answer.Body!.transformToByteArray());
}

/** What `promise` rejected with: these tests look into the error, not only at its type. */
const rejection = (promise: Promise<unknown>) => promise.then(() => 'resolved', (e: unknown) => e);

beforeAll(async () => {
  server = await startS3Server();
});
afterAll(async () => {
  await server.stop();
});
beforeEach(() => {
  saved = {};
  useEnvironment(emulatorEnvironment());
});
afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('S3 transport against s3rver', () => {
  it('stores under the prefix and reads back what it stored', async () => {
    const remote = transport('/team/cache/');
    expect(remote.display).toBe(`s3://${server.bucket}/team/cache`);
    const bytes = Buffer.from('{"run":"ab12"}\n');
    expect(await remote.put('entries/runs/ab12.json', bytes)).toBe('stored');
    expect(await remote.get('entries/runs/ab12.json')).toEqual(bytes);
    expect(await remote.head('entries/runs/ab12.json')).toBe(bytes.length);
    // The key is <prefix>/<path>, seen from outside the transport.
    expect(await rawGet('team/cache/entries/runs/ab12.json')).toEqual(bytes);
  });

  it('stores at the bucket root without a prefix', async () => {
    const remote = transport();
    expect(remote.display).toBe(`s3://${server.bucket}`);
    expect(transport('/').display).toBe(`s3://${server.bucket}`);
    const bytes = Buffer.from('root object');
    expect(await remote.put('blobs/sha256/cd/cd34', bytes)).toBe('stored');
    expect(await rawGet('blobs/sha256/cd/cd34')).toEqual(bytes);
    expect(await remote.head('blobs/sha256/cd/cd34')).toBe(11);
  });

  it('answers undefined for an object that is not there', async () => {
    const remote = transport('/team');
    expect(await remote.get('entries/runs/missing.json')).toBeUndefined();
    expect(await remote.head('entries/runs/missing.json')).toBeUndefined();
  });

  it('keeps binary content byte for byte, including a multi-megabyte blob', async () => {
    const remote = transport('/bin');
    const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect(await remote.put('blobs/every-byte', every)).toBe('stored');
    expect(await remote.get('blobs/every-byte')).toEqual(every);

    // 3 MB from a hash chain: large enough for the SDK's Expect: 100-continue path (over 2 MB).
    const blocks: Buffer[] = [];
    let block = createHash('sha256').update('seed').digest();
    for (let i = 0; i < (3 * 1024 * 1024) / 32; i++) {
      blocks.push(block);
      block = createHash('sha256').update(block).digest();
    }
    const large = Buffer.concat(blocks);
    expect(await remote.put('blobs/large', large)).toBe('stored');
    expect(await remote.head('blobs/large')).toBe(3 * 1024 * 1024);
    const back = await remote.get('blobs/large');
    expect(back?.length).toBe(large.length);
    expect(createHash('sha256').update(back!).digest('hex')).toBe(createHash('sha256').update(large).digest('hex'));
  });

  it('a create-only put of a new key stores it', async () => {
    const remote = transport('/create');
    expect(await remote.put('entries/runs/new.json', Buffer.from('first'), { createOnly: true })).toBe('stored');
    expect(await remote.get('entries/runs/new.json')).toEqual(Buffer.from('first'));
  });

  it('EMULATOR LIMIT: s3rver ignores If-None-Match on PUT, so a create-only put overwrites', async () => {
    // Real S3 answers 412 PreconditionFailed and the transport returns 'exists' (unit-tested
    // in tests/unit/remote/s3.test.ts). s3rver stores the second object instead: this is why
    // cache.ts checks with HEAD before writing and never relies on the refusal alone.
    const remote = transport('/create');
    expect(await remote.put('entries/runs/twice.json', Buffer.from('first'))).toBe('stored');
    expect(await remote.put('entries/runs/twice.json', Buffer.from('second'), { createOnly: true })).toBe('stored');
    expect(await remote.get('entries/runs/twice.json')).toEqual(Buffer.from('second'));
  });

  it('EMULATOR LIMIT: s3rver does not check x-amz-checksum-sha256', async () => {
    // Real S3 refuses this PUT (400 BadDigest / InvalidRequest); s3rver stores it.
    const wrong = createHash('sha256').update('other bytes').digest('base64');
    await rawClient().send(new PutObjectCommand({ Bucket: server.bucket, Key: 'checksum/wrong', Body: Buffer.from('bytes'), ChecksumSHA256: wrong }));
    expect(await rawGet('checksum/wrong')).toEqual(Buffer.from('bytes'));
  });

  it('a missing bucket is a protocol error that names the bucket (GET and PUT); HEAD cannot tell', async () => {
    const remote = s3Transport('s3://no-such-bucket/team', process.env);
    const get = await rejection(remote.get('entries/runs/ab.json'));
    expect(get).toBeInstanceOf(RemoteError);
    expect(get).toMatchObject({
      failure: 'protocol',
      status: 404,
      message: 'remote cache s3://no-such-bucket/team: GET entries/runs/ab.json failed: the bucket "no-such-bucket" does not exist (NoSuchBucket)',
    });
    expect(await rejection(remote.put('blobs/x', Buffer.from('x')))).toMatchObject({
      failure: 'protocol',
      message: 'remote cache s3://no-such-bucket/team: PUT blobs/x failed: the bucket "no-such-bucket" does not exist (NoSuchBucket)',
    });
    // A HEAD answer has no body: a missing bucket is a bare 404, the same as a missing object.
    expect(await remote.head('blobs/x')).toBeUndefined();
  });

  it('refused credentials are an auth error, and the planted secrets appear nowhere', async () => {
    useEnvironment({ AWS_ACCESS_KEY_ID: PLANTED_KEY_ID, AWS_SECRET_ACCESS_KEY: PLANTED_SECRET, AWS_SESSION_TOKEN: 'planted-session-token-0001' });
    const remote = transport('/team');
    const get = await rejection(remote.get('entries/runs/ab.json'));
    expect(get).toBeInstanceOf(RemoteError);
    expect(get).toMatchObject({ failure: 'auth', message: `remote cache s3://${server.bucket}/team: GET entries/runs/ab.json failed: the credentials were refused (InvalidAccessKeyId)` });
    const put = await rejection(remote.put('blobs/x', Buffer.from('x'), { createOnly: true }));
    expect(put).toMatchObject({ failure: 'auth', message: `remote cache s3://${server.bucket}/team: PUT blobs/x failed: the credentials were refused (InvalidAccessKeyId)` });
    // HEAD's 403 has no body, so it cannot say the key was refused: it reads as forbidden.
    const head = await rejection(remote.head('blobs/x'));
    expect(head).toMatchObject({ failure: 'forbidden', message: `remote cache s3://${server.bucket}/team: HEAD blobs/x failed: access denied to bucket "${server.bucket}" (HTTP 403)` });

    for (const error of [get, put, head] as Error[]) {
      for (const text of [remote.display, error.message, String(error), error.stack ?? '', inspect(error, { depth: 5 }), JSON.stringify(error)]) {
        expect(text).not.toContain(PLANTED_KEY_ID);
        expect(text).not.toContain(PLANTED_SECRET);
        expect(text).not.toContain('planted-session-token-0001');
      }
    }
  });

  it('EMULATOR LIMIT: s3rver does not verify V4 signatures, so a wrong secret key is accepted', async () => {
    // Real S3 answers 403 SignatureDoesNotMatch, which maps to 'auth' (unit-tested).
    useEnvironment({ AWS_SECRET_ACCESS_KEY: PLANTED_SECRET });
    expect(await transport('/team').put('blobs/signed-wrongly', Buffer.from('accepted'))).toBe('stored');
  });

  it('a stopped server is unavailable: connection refused', async () => {
    const doomed = await startS3Server('doomed');
    useEnvironment({ AWS_ENDPOINT_URL_S3: doomed.endpoint });
    const remote = s3Transport('s3://doomed/p', process.env);
    expect(await remote.put('blobs/a', Buffer.from('a'))).toBe('stored');
    await doomed.stop();
    const get = await rejection(remote.get('blobs/a'));
    expect(get).toBeInstanceOf(RemoteError);
    expect(get).toMatchObject({ failure: 'unavailable', status: undefined, message: 'remote cache s3://doomed/p: GET blobs/a failed: connection refused' });
    expect(await rejection(remote.head('blobs/a'))).toMatchObject({ failure: 'unavailable', message: 'remote cache s3://doomed/p: HEAD blobs/a failed: connection refused' });
    expect(await rejection(remote.put('blobs/b', Buffer.from('b'), { createOnly: true }))).toMatchObject({
      failure: 'unavailable',
      message: 'remote cache s3://doomed/p: PUT blobs/b failed: connection refused',
    });
  });
});
