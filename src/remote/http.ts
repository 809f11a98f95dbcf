/**
 * The HTTP transport: plain GET, HEAD and PUT under a base URL — the protocol bazel-remote and an
 * nginx WebDAV location (`dav_methods PUT`) serve, so teams can point convlens at what they run.
 *
 * Credentials: `CONVLENS_REMOTE_TOKEN` as `Authorization: Bearer`, else the URL's userinfo as
 * basic auth. fetch refuses URLs with userinfo, and userinfo must not travel in request lines
 * anyway, so it is moved into the header here. A create-only PUT sends `If-None-Match: *`; a
 * server that honours it answers 412 and the write is reported as 'exists'.
 */
import { RemoteError, failureForStatus, type PutOutcome, type Transport } from './transport.ts';

export interface HttpOptions {
  /** CONVLENS_REMOTE_TOKEN, when set. */
  token?: string | undefined;
  /** Per-request limit; a dead server fails after this instead of hanging the build. */
  timeoutMs?: number;
}

export function httpTransport(value: string, display: string, options: HttpOptions = {}): Transport {
  const url = new URL(value);
  const headers: Record<string, string> = {};
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  else if (url.username || url.password) {
    const basic = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    headers['authorization'] = `Basic ${Buffer.from(basic).toString('base64')}`;
  }
  url.username = '';
  url.password = '';
  const base = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  const query = url.search;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const target = (path: string) => `${url.origin}${base}${path.split('/').map(encodeURIComponent).join('/')}${query}`;

  async function send(method: string, path: string, init: { body?: Buffer; headers?: Record<string, string> } = {}): Promise<Response> {
    const operation = `${method} ${path}`;
    let response: Response;
    try {
      response = await fetch(target(path), {
        method,
        headers: { ...headers, ...init.headers },
        ...(init.body && { body: new Uint8Array(init.body) }),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
    } catch (error) {
      throw new RemoteError('unavailable', display, operation, networkDetail(error));
    }
    return response;
  }

  function refuse(response: Response, operation: string): never {
    throw new RemoteError(failureForStatus(response.status), display, operation, `HTTP ${response.status}`, response.status);
  }

  return {
    display,
    async get(path) {
      const response = await send('GET', path);
      if (response.status === 404) return drain(response, undefined);
      if (!response.ok) refuse(response, `GET ${path}`);
      try {
        return Buffer.from(await response.arrayBuffer());
      } catch (error) {
        throw new RemoteError('unavailable', display, `GET ${path}`, `the download broke off (${networkDetail(error)})`);
      }
    },
    async head(path) {
      const response = await send('HEAD', path);
      if (response.status === 404) return undefined;
      if (!response.ok) refuse(response, `HEAD ${path}`);
      const length = response.headers.get('content-length');
      return length === null ? undefined : Number(length);
    },
    async put(path, bytes, putOptions = {}): Promise<PutOutcome> {
      const response = await send('PUT', path, {
        body: bytes,
        headers: { 'content-type': 'application/octet-stream', ...(putOptions.createOnly && { 'if-none-match': '*' }) },
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.status === 412) return 'exists';
      if (!response.ok) refuse(response, `PUT ${path}`);
      return 'stored';
    },
  };
}

async function drain<T>(response: Response, value: T): Promise<T> {
  await response.arrayBuffer().catch(() => undefined);
  return value;
}

/** A network failure in words, from undici's error cause (never the URL: it may hold a query). */
function networkDetail(error: unknown): string {
  const e = error as { name?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'no answer in time';
  // fetch refuses the ports browsers block (e.g. 1, 6000, 10080), before connecting.
  if (e?.cause?.message === 'bad port') return 'Node\'s fetch refuses this port (one browsers block); serve the cache on another port';
  const code = e?.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'the connection was closed';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name does not resolve';
  return code ? `network error ${code}` : 'network error';
}
