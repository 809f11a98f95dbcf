/**
 * A local S3 server for tests: s3rver (an npm S3 emulator, runs on Node 24) on 127.0.0.1, a free
 * port, a fresh data directory and one empty bucket; stop() closes it and removes the directory.
 *
 * s3rver is an emulator, not S3. What it does and does not do, as found with AWS SDK 3.1178
 * (tests/integration/remote-s3.test.ts asserts each point, so a change in s3rver shows up):
 * - Access keys: only S3RVER/S3RVER exists. Any other access key id is refused with 403
 *   InvalidAccessKeyId (on HEAD a bodiless 403, as S3 does).
 * - Signatures: Signature V4 (what the SDK sends) is NOT verified, so a wrong secret key with the
 *   right access key id is accepted; `allowMismatchedSignatures` only concerns V2 signatures.
 * - If-None-Match on PUT is ignored: a create-only PUT overwrites an existing object (S3 answers
 *   412 PreconditionFailed). It is honoured on GET (304), which convlens does not use.
 * - x-amz-checksum-sha256 is not checked: a PUT with a wrong checksum is stored (S3 answers 400).
 * - Only path-style addressing by IP address works here (virtual hosts need DNS names), which is
 *   what the transport uses with a custom endpoint.
 * - Missing key → 404 NoSuchKey, missing bucket → 404 NoSuchBucket (bodiless 404 on HEAD), as S3.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The parts of s3rver's API used here (the package ships no types). */
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverClass = new (options: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  configureBuckets: { name: string }[];
}) => S3rverInstance;

/** A running emulator: `endpoint` is `http://127.0.0.1:<port>`; the credentials are the only ones it accepts. */
export interface S3Server {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  stop(): Promise<void>;
}

/** Start s3rver with one empty bucket (default `convlens-cache`). */
export async function startS3Server(bucket = 'convlens-cache'): Promise<S3Server> {
  const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;
  const directory = await mkdtemp(join(tmpdir(), 'convlens-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  let address: AddressInfo;
  try {
    address = await server.run();
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  let stopped = false;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    bucket,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await server.close();
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
    },
  };
}
