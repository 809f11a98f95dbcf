/**
 * A real nginx (Debian's package, `apt-get install -y nginx`) on 127.0.0.1 for the remote cache
 * tests: not an emulator, the server teams put in front of a disk. Four locations:
 *
 *   /cache/    WebDAV PUT, overwrites allowed (a server that cannot refuse overwrites)
 *   /strict/   the same, but a PUT with `If-None-Match: *` onto an existing file gets 412
 *              (create-only, as S3 and bazel-remote-like servers behave)
 *   /private/  WebDAV PUT behind basic auth (user `convlens`, password PASSWORD)
 *   /ro/       GET and HEAD only: PUT is 403 (a read-only location)
 *
 * Everything (config, pid, logs, temp files, the served tree) lives in one temp directory,
 * removed by stop(). The port is chosen by the OS.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'vitest';
import { notRun } from '../not-run.ts';

export const PASSWORD = 'planted-Secret-pw-4711';

export interface Nginx {
  /** http://127.0.0.1:PORT */
  origin: string;
  /** The served tree: `${root}/cache/...` is what `${origin}/cache/...` serves. */
  root: string;
  port: number;
  /** SIGKILL the server (the "server went away" case); stop() still cleans up. */
  kill(): void;
  /** Start it again on the same port and tree (after kill). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Where a working nginx is, or why there is none (for notRun). */
export function findNginx(): { path: string } | { reason: string } {
  const which = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  const candidates = ['/usr/sbin/nginx', '/usr/bin/nginx', ...(which.status === 0 ? [which.stdout.trim()] : [])];
  for (const path of candidates) {
    // It must run, not just exist (CI hides it from the README path by mounting /dev/null over it).
    if (existsSync(path) && spawnSync(path, ['-v'], { stdio: 'ignore' }).status === 0) return { path };
  }
  return { reason: 'nginx is not installed (the remote cache tests use a real WebDAV server). On Debian 12: apt-get install -y nginx' };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function config(dir: string, port: number): string {
  const dav = 'dav_methods PUT; create_full_put_path on; dav_access user:rw group:r all:r;';
  return `
${process.getuid?.() === 0 ? 'user root root;' : ''}
daemon off;
master_process on;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 128; }
http {
  access_log off;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  client_max_body_size 0;
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:${port};
    root ${dir}/www;
    location /cache/ { ${dav} }
    location /strict/ {
      ${dav}
      set $create_only "";
      if ($http_if_none_match = "*") { set $create_only "1"; }
      if (-f $request_filename) { set $create_only "\${create_only}1"; }
      if ($create_only = "11") { return 412; }
    }
    location /private/ {
      auth_basic "convlens cache";
      auth_basic_user_file ${dir}/htpasswd;
      ${dav}
    }
    location /ro/ { limit_except GET HEAD { deny all; } }
  }
}
`;
}

async function listening(port: number, child: ChildProcess, dir: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}; see ${dir}/error.log`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('nginx did not start listening within 10 s');
}

export async function startNginx(binary: string): Promise<Nginx> {
  const dir = await mkdtemp(join(tmpdir(), 'convlens-nginx-'));
  for (const sub of ['tmp', 'www/cache', 'www/strict', 'www/private', 'www/ro']) await mkdir(join(dir, sub), { recursive: true });
  await writeFile(join(dir, 'htpasswd'), `convlens:{PLAIN}${PASSWORD}\n`);
  const port = await freePort();
  await writeFile(join(dir, 'nginx.conf'), config(dir, port));
  let server = await launch(binary, dir, port);
  return {
    origin: `http://127.0.0.1:${port}`,
    root: join(dir, 'www'),
    port,
    kill: () => server.signal('SIGKILL'),
    async restart() {
      server.signal('SIGKILL');
      await server.exited;
      server = await launch(binary, dir, port);
    },
    async stop() {
      server.signal('SIGTERM');
      await server.exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function launch(binary: string, dir: string, port: number): Promise<{ signal(s: NodeJS.Signals): void; exited: Promise<void> }> {
  // Its own process group, so one signal reaches the master and its worker (the worker would
  // keep serving if only the master died).
  const child = spawn(binary, ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'ignore', detached: true });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await listening(port, child, dir);
  return {
    exited,
    signal(s) {
      try {
        process.kill(-child.pid!, s);
      } catch {
        // Already gone.
      }
    },
  };
}

/**
 * The started server, or: without nginx, the test is recorded as not run (scripts/test.js lists
 * it) — unless CONVLENS_REQUIRE_SERVERS=1 (CI), where a missing server fails the test.
 */
export function requireNginx(ctx: TestContext, server: Nginx | undefined, found: ReturnType<typeof findNginx>): Nginx {
  if (server) return server;
  const reason = 'reason' in found ? found.reason : 'nginx did not start';
  if (process.env['CONVLENS_REQUIRE_SERVERS'] !== '1') notRun(ctx, reason);
  throw new Error(reason);
}
