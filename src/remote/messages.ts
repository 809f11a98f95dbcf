/** What convlens says about the remote cache: every text names the remote by its display form only. */
import type { RemoteError } from './transport.ts';

const CREDENTIALS = 'For an http(s) remote set CONVLENS_REMOTE_TOKEN (sent as a bearer token) or put user:password in the URL; for s3:// use the AWS SDK\'s usual chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or an instance or pod role).';

/** The error for a remote that fails the start-up check: what happened and what to do. */
export function probeFailed(error: RemoteError, write: boolean): string {
  const what = `(${error.detail} on ${error.operation})`;
  switch (error.failure) {
    case 'auth':
      return `The remote cache ${error.display} refused the credentials ${what}. ${CREDENTIALS}`;
    case 'forbidden':
      return write
        ? `The remote cache ${error.display} refused to store anything ${what}: these credentials may only read there. Use --remote-mode read, or give them write access.`
        : `The remote cache ${error.display} refused to be read ${what}. Give these credentials read access, or build without --remote.`;
    case 'unavailable':
      return `Cannot reach the remote cache ${error.display} (${error.detail}). Check the URL and that the server is up, or build without --remote.`;
    case 'protocol':
      return `The remote cache ${error.display} answered unexpectedly ${what}. Check the URL${error.display.startsWith('s3://') ? ' and that the bucket exists' : ''}.`;
  }
}

/** The closing error of a readwrite build some of whose entries never reached the remote. */
export function notPushed(display: string, entries: readonly string[], reason: string | undefined): string {
  const list = entries.slice(0, 5).join(', ') + (entries.length > 5 ? ` and ${entries.length - 5} more` : '');
  return `${entries.length} cache ${entries.length === 1 ? 'entry was' : 'entries were'} not pushed to the remote cache ${display} (${list})${reason ? `: ${reason}` : ''}. The local cache has them: rerun the same command once the remote is reachable and they are pushed without recomputing.`;
}

/** `build --no-train` found no run for an experiment, here or on the remote. */
export function missingRun(id: string, key: string, display: string | undefined, shard: { index: number; count: number } | undefined): string {
  const where = display ? `in the local cache or on the remote cache ${display}` : 'in the local cache';
  const who = shard
    ? `Shard ${shard.index}/${shard.count} should have produced it: rerun \`convlens run --shard ${shard.index}/${shard.count}\` with --remote-mode readwrite, then this build.`
    : 'No shard plan on the remote names it: run the shard that has it (with --remote-mode readwrite), or build without --no-train to train it here.';
  return `--no-train: experiment ${id} has no trained run (runs/${key.slice(0, 16)}…) ${where}. ${who}`;
}

/** One line for the log: what crossed the wire. */
export function trafficLine(display: string, t: { pulled: number; pulledBytes: number; pushed: number; pushedBytes: number }): string {
  return `remote cache ${display}: pulled ${t.pulled} ${t.pulled === 1 ? 'entry' : 'entries'} (${megabytes(t.pulledBytes)}), pushed ${t.pushed} (${megabytes(t.pushedBytes)})`;
}

function megabytes(bytes: number): string {
  return bytes < 1e5 ? `${(bytes / 1e3).toFixed(1)} kB` : `${(bytes / 1e6).toFixed(1)} MB`;
}
