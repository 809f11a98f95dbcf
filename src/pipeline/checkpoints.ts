/**
 * Where training checkpoints live: store entries `checkpoints/<train key>.<epoch>`. Each epoch
 * writes a new entry (atomically, like every store entry) before the previous one is removed,
 * so a kill at any moment leaves at least one complete checkpoint once the first exists. A
 * damaged entry is detected by its hashes like any store entry; the next older one is used,
 * and without any, training starts from the beginning. All are removed once the run is stored.
 */
import { decodeTensors, encodeTensors } from '../engine/checkpoint.ts';
import type { Checkpoint, LoopState } from '../engine/train.ts';
import type { Store } from './store.ts';

const entryKey = (key: string, epoch: number) => `${key}.${String(epoch).padStart(5, '0')}`;

/** The newest intact checkpoint for train key `key`, or undefined. */
export async function loadCheckpoint(store: Store, key: string): Promise<Checkpoint | undefined> {
  for (const entry of (await store.keys('checkpoints', `${key}.`)).sort().reverse()) {
    const files = await store.get('checkpoints', entry);
    if (files) return decode(files);
  }
  return undefined;
}

function decode(files: Map<string, Buffer>): Checkpoint {
  const tensors = (name: string) => decodeTensors(files.get(`${name}.json`)!.toString('utf8'), files.get(`${name}.bin`)!);
  return {
    state: JSON.parse(files.get('state.json')!.toString('utf8'), revive) as LoopState,
    weights: tensors('weights'),
    optimizer: tensors('optimizer'),
    ...(files.has('best.json') && { best: tensors('best') }),
  };
}

/** Store the checkpoint after epoch `c.state.epoch`, then drop the older ones of `key`. */
export async function saveCheckpoint(store: Store, key: string, c: Checkpoint): Promise<void> {
  const files = new Map<string, Buffer | string>([['state.json', JSON.stringify(c.state, replace)]]);
  const parts: [string, typeof c.weights | undefined][] = [['weights', c.weights], ['optimizer', c.optimizer], ['best', c.best]];
  for (const [name, list] of parts) {
    if (!list) continue;
    const { index, data } = encodeTensors(list);
    files.set(`${name}.json`, index);
    files.set(`${name}.bin`, data);
  }
  const entry = entryKey(key, c.state.epoch);
  await store.put('checkpoints', entry, files);
  for (const old of await store.keys('checkpoints', `${key}.`)) if (old !== entry) await store.remove('checkpoints', old);
}

/** Remove every checkpoint of `key` (the finished run is stored). */
export async function clearCheckpoints(store: Store, key: string): Promise<void> {
  for (const entry of await store.keys('checkpoints', `${key}.`)) await store.remove('checkpoints', entry);
}

/** JSON has no Infinity (a fresh early-stopping "best"); keep it as a tagged string. */
function replace(_key: string, value: unknown): unknown {
  return value === Infinity ? '+Infinity' : value === -Infinity ? '-Infinity' : value;
}

function revive(_key: string, value: unknown): unknown {
  return value === '+Infinity' ? Infinity : value === '-Infinity' ? -Infinity : value;
}
