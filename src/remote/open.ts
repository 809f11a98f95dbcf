/**
 * Opening a remote cache: the transport for the URL's protocol (the AWS SDK is loaded only for
 * s3://), the protocol on top, and a start-up probe so a wrong URL, refused credentials or a
 * read-only location fail in the first second with a clear error instead of after training.
 */
import { UserError } from '../lib/errors.ts';
import { remoteCache, type RemoteCache } from './cache.ts';
import { httpTransport } from './http.ts';
import { probeFailed } from './messages.ts';
import type { RemoteMode } from './store.ts';
import { RemoteError, type Transport } from './transport.ts';
import type { RemoteLocation } from './url.ts';

export interface RemoteRequest {
  location: RemoteLocation;
  mode: RemoteMode;
  /** CONVLENS_REMOTE_TOKEN (http remotes). */
  token: string | undefined;
  /** Where the AWS SDK's chain reads from. */
  env: Readonly<Record<string, string | undefined>>;
}

async function transportFor(request: RemoteRequest): Promise<Transport> {
  const { location } = request;
  if (location.protocol === 'http') return httpTransport(location.url, location.display, { token: request.token });
  const { s3Transport } = await import('./s3.ts');
  try {
    return s3Transport(location.url, request.env);
  } catch (error) {
    // A malformed s3:// URL or AWS_ENDPOINT_URL: its message names the problem, never the secret.
    throw new UserError((error as Error).message);
  }
}

/** The remote cache, checked: readable (read mode) or writable (readwrite). */
export async function openRemote(request: RemoteRequest, warn: (message: string) => void): Promise<RemoteCache> {
  const remote = remoteCache(await transportFor(request), warn);
  try {
    await remote.probe(request.mode === 'readwrite');
  } catch (error) {
    if (error instanceof RemoteError) throw new UserError(probeFailed(error, request.mode === 'readwrite'));
    throw error;
  }
  return remote;
}
