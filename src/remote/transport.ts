/**
 * A remote cache's storage, as convlens needs it: four verbs on paths relative to the remote's
 * prefix (`blobs/sha256/ab/ab12…`, `entries/runs/<key>.json`). One implementation per protocol:
 * `http.ts` (GET/HEAD/PUT: bazel-remote, an nginx WebDAV location) and `s3.ts` (AWS, R2, MinIO,
 * Ceph). Everything above this interface (`cache.ts`: blobs first, the manifest last, every
 * download checked) is the same for both.
 *
 * A transport never puts credentials in what it throws or shows: `display` is the URL without
 * userinfo or query, and a RemoteError's message is built from it.
 */

/** What a create-only write found: it stored the object, or one was already there. */
export type PutOutcome = 'stored' | 'exists';

export interface Transport {
  /** The remote as users may see it: scheme, host, port and path; never userinfo or query. */
  readonly display: string;
  /** The object's bytes, or undefined when there is none (404). */
  get(path: string): Promise<Buffer | undefined>;
  /** The object's size in bytes, or undefined when there is none (404). */
  head(path: string): Promise<number | undefined>;
  /**
   * Store `bytes` at `path`. With `createOnly`, ask the server to refuse when an object is already
   * there (HTTP/S3 `If-None-Match: *`) and return 'exists' when it does (412). A server that
   * ignores the condition overwrites and this returns 'stored': callers must not rely on the
   * refusal alone (cache.ts checks with HEAD first and writes only complete, verified content).
   */
  put(path: string, bytes: Buffer, options?: { createOnly?: boolean }): Promise<PutOutcome>;
}

/**
 * Why a remote operation failed, in the terms a user acts on:
 * - `auth`: the credentials were refused or missing (HTTP 401, S3 InvalidAccessKeyId, …)
 * - `forbidden`: the credentials are fine but may not do this (HTTP 403 on PUT: a read-only location)
 * - `unavailable`: the server could not be reached or answered 5xx / timed out
 * - `protocol`: anything else unexpected (a 4xx we do not know, a missing bucket)
 */
export type RemoteFailure = 'auth' | 'forbidden' | 'unavailable' | 'protocol';

export class RemoteError extends Error {
  override name = 'RemoteError';
  readonly failure: RemoteFailure;
  /** The HTTP status when there was one. */
  readonly status: number | undefined;
  readonly display: string;
  readonly operation: string;
  readonly detail: string;
  /**
   * @param detail  what happened, already free of secrets, e.g. "HTTP 401 on GET entries/runs/ab.json"
   *                or "connection refused"
   */
  constructor(failure: RemoteFailure, display: string, operation: string, detail: string, status?: number) {
    super(`remote cache ${display}: ${operation} failed: ${detail}`);
    this.failure = failure;
    this.status = status;
    this.display = display;
    this.operation = operation;
    this.detail = detail;
  }
}

/** The failure kind for an HTTP status (shared by both transports: S3 errors carry one too). */
export function failureForStatus(status: number): RemoteFailure {
  if (status === 401) return 'auth';
  if (status === 403) return 'forbidden';
  if (status >= 500 || status === 408 || status === 429) return 'unavailable';
  return 'protocol';
}
