/**
 * The whole remote cache flow over S3: a readwrite run pushes through the AWS SDK, a fresh cache
 * pulls everything and trains nothing. Against s3rver, an emulator (tests/servers/s3.ts lists
 * what it does not check); the credentials come through the SDK's chain (the environment), as
 * they do in CI and on Kubernetes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convlens, filesUnder } from '../servers/convlens-process.ts';
import { published } from '../servers/remote-checks.ts';
import { startS3Server, type S3Server } from '../servers/s3.ts';

// s3rver checks the access key id but not the signature, so any secret key is accepted: a planted one.
const PLANTED_SECRET = 'planted-Aws-Secret-0042xyz';
let server: S3Server;
let root: string;

beforeAll(async () => {
  server = await startS3Server();
  root = await mkdtemp(join(tmpdir(), 'convlens-s3-pipeline-'));
});
afterAll(async () => {
  await server.stop();
  await rm(root, { recursive: true, force: true });
});

const env = () => ({
  AWS_ACCESS_KEY_ID: server.accessKeyId,
  AWS_SECRET_ACCESS_KEY: PLANTED_SECRET,
  AWS_ENDPOINT_URL_S3: server.endpoint,
  AWS_REGION: 'us-east-1',
  AWS_CONFIG_FILE: '/nonexistent/convlens-test/config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/convlens-test/credentials',
  AWS_EC2_METADATA_DISABLED: 'true',
});

describe('remote cache over S3 (s3rver)', () => {
  it('a readwrite run pushes, a fresh cache pulls, and the secret key appears nowhere', async () => {
    const remote = `s3://${server.bucket}/team/main`;
    const args = (cache: string, ...more: string[]) => ['run', 'fashion-a', '--experiments', 'tests/fixtures/experiments/remote', '--cache', join(root, cache), '--remote', remote, ...more];
    const writer = await convlens(args('writer', '--remote-mode', 'readwrite'), env());
    expect(writer.code, writer.out).toBe(0);
    expect(writer.out).toContain(`remote cache: s3://${server.bucket}/team/main (read and write)`);
    expect(writer.out).toMatch(/\[fresh\] fashion-a/);
    expect(writer.out).toMatch(/pushed [1-9]\d* \(/);

    const reader = await convlens(args('reader'), env());
    expect(reader.code, reader.out).toBe(0);
    expect(reader.out).toMatch(/\[cached\] fashion-a/);
    expect(reader.out).not.toMatch(/epoch 1\//);
    expect(await published(join(root, 'reader'))).toEqual(await published(join(root, 'writer')));

    for (const out of [writer.out, reader.out]) expect(out).not.toContain(PLANTED_SECRET);
    for (const dir of ['writer', 'reader']) {
      for (const [path, bytes] of await filesUnder(join(root, dir))) expect(bytes.includes(PLANTED_SECRET), path).toBe(false);
    }
  });

  it('an unknown access key is a clear error before any work', async () => {
    const result = await convlens(['run', '--experiments', 'tests/fixtures/experiments/remote', '--cache', join(root, 'denied'), '--remote', `s3://${server.bucket}/x`], {
      ...env(),
      AWS_ACCESS_KEY_ID: 'AKIAUNKNOWN000000001',
    });
    expect(result.code).toBe(1);
    expect(result.out).toContain(`The remote cache s3://${server.bucket}/x refused the credentials (`);
    expect(result.out).not.toContain(PLANTED_SECRET);
  });
});
