/**
 * What every stage receives: the store, the log, the clock, and the engine (started lazily,
 * once, only when some stage actually needs tfjs — a fully cached build never loads it).
 */
import type { BackendRequest, Engine } from '../engine/backend.ts';
import type { ReplicaPool } from '../engine/replicas/pool.ts';
import type { Clock } from '../lib/clock.ts';
import type { Log } from './log.ts';
import type { Store } from './store.ts';

export interface PipelineContext {
  store: Store;
  log: Log;
  clock: Clock;
  /** Root of the cache directory (`--cache`). */
  cacheDir: string;
  /** Retrain and recompute even when cached (`--force`). */
  force: boolean;
  backend: BackendRequest;
  /** Set by `build --no-train` (the merge): a run not in the cache is an error with this message, never trained. */
  missingRun?: (id: string, key: string) => string;
  engine(): Promise<Engine>;
  /** Worker replicas for data-parallel training on wasm/cpu (started on first use, closed after the run). */
  replicas(count: number): Promise<ReplicaPool>;
}
