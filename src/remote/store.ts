/**
 * The remote cache behind the local store: the pipeline's stages keep calling `Store`, and this
 * decorator adds the remote underneath, so no stage knows whether an entry was computed here,
 * found on disk, or pulled.
 *
 *   get     local hit → use it (readwrite: push it when the remote lacks it, so a rerun heals a
 *           push that failed); local miss → pull, checked (cache.ts), then stored locally.
 *   put     local first (the build never waits on the network to be correct), then pushed in
 *           readwrite mode. Checkpoints are pushed too, with a pointer to the newest, so a shard
 *           retried on another machine resumes instead of starting over.
 *   keys    local keys, plus the remote's newest checkpoint for a checkpoint series.
 *   remove  local only: convlens never deletes remote objects (a bucket lifecycle rule expires them).
 *
 * The remote going away mid-build is a warning, not a failure: the build finishes from local
 * work. In readwrite mode the entries that could not be pushed are listed at the end and the
 * command fails (`unpushed`), because a shard whose results never reached the remote has not done
 * its job; rerunning it pushes them from the local cache without recomputing.
 */
import type { Store, StoreKind } from '../pipeline/store.ts';
import type { RemoteCache, ShardPlan } from './cache.ts';
import { RemoteError } from './transport.ts';

export type RemoteMode = 'read' | 'readwrite';

export interface RemoteStore extends Store {
  readonly remote: RemoteCache;
  /** Leave a shard plan on the remote (readwrite); a failure takes the remote offline like any other. */
  recordShardPlan(setDigest: string, plan: ShardPlan): Promise<void>;
  /** Entries a readwrite build could not push, as `kind/key`, with the first reason. */
  unpushed(): { entries: string[]; reason: string | undefined };
}

export function withRemote(local: Store, remote: RemoteCache, mode: RemoteMode, warn: (message: string) => void): RemoteStore {
  let offline: string | undefined;
  const unpushed: string[] = [];
  let pushReason: string | undefined;

  /** Run a remote call; a RemoteError takes the remote offline for the rest of the build. */
  async function attempt<T>(what: () => Promise<T>): Promise<T | undefined> {
    if (offline) return undefined;
    try {
      return await what();
    } catch (error) {
      if (!(error instanceof RemoteError)) throw error;
      offline = error.message;
      warn(`${error.message}. Going on without the remote cache for the rest of this build.`);
      return undefined;
    }
  }

  async function push(kind: StoreKind, key: string, files: Map<string, Buffer | string>): Promise<void> {
    if (mode !== 'readwrite') return;
    const done = await attempt(async () => {
      await remote.push(kind, key, files);
      if (kind === 'checkpoints') await remote.setLatestCheckpoint(series(key), key);
      return true;
    });
    // A checkpoint that missed the remote only costs a retried shard some epochs; results matter.
    if (!done && kind !== 'checkpoints') {
      unpushed.push(`${kind}/${key}`);
      pushReason ??= offline;
    }
  }

  return {
    root: local.root,
    remote,
    dir: local.dir,
    async get(kind, key) {
      const here = await local.get(kind, key);
      if (here) {
        if (mode === 'readwrite' && kind !== 'checkpoints' && (await attempt(() => remote.has(kind, key))) === false) await push(kind, key, here);
        return here;
      }
      const pulled = await attempt(() => remote.pull(kind, key));
      if (!pulled) return undefined;
      await local.put(kind, key, pulled);
      return pulled;
    },
    async put(kind, key, files) {
      const dir = await local.put(kind, key, files);
      await push(kind, key, files);
      return dir;
    },
    remove: (kind, key) => local.remove(kind, key),
    async keys(kind, prefix) {
      const here = await local.keys(kind, prefix);
      if (kind !== 'checkpoints' || !prefix.endsWith('.')) return here;
      const latest = await attempt(() => remote.latestCheckpoint(prefix.slice(0, -1)));
      return latest && !here.includes(latest) ? [...here, latest] : here;
    },
    unpushed: () => ({ entries: [...unpushed], reason: pushReason }),
    async recordShardPlan(setDigest, plan) {
      if (mode === 'readwrite') await attempt(() => remote.writeShardPlan(setDigest, plan));
    },
  };
}

/** A checkpoint entry `<train key>.<epoch>` belongs to the series `<train key>`. */
function series(entry: string): string {
  return entry.slice(0, entry.lastIndexOf('.'));
}
