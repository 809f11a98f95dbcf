/**
 * Where training checkpoints live: a store entry per train key (`checkpoints/<key>`), replaced
 * atomically after every epoch and removed once the finished run is stored. A kill at any
 * moment leaves either the previous checkpoint or the new one, never a mix; a damaged one is
 * detected by its hashes like any store entry and training restarts from the beginning.
 */
import { decodeTensors, encodeTensors } from '../engine/checkpoint.ts';
import type { Checkpoint, LoopState } from '../engine/train.ts';
import type { Store } from './store.ts';

/** The stored checkpoint for `key`, or undefined. */
export async function loadCheckpoint(store: Store, key: string): Promise<Checkpoint | undefined> {
  const files = await store.get('checkpoints', key);
  if (!files) return undefined;
  const tensors = (name: string) => decodeTensors(files.get(`${name}.json`)!.toString('utf8'), files.get(`${name}.bin`)!);
  return {
    state: JSON.parse(files.get('state.json')!.toString('utf8'), revive) as LoopState,
    weights: tensors('weights'),
    optimizer: tensors('optimizer'),
    ...(files.has('best.json') && { best: tensors('best') }),
  };
}

/** Replace the checkpoint for `key`. */
export async function saveCheckpoint(store: Store, key: string, c: Checkpoint): Promise<void> {
  const files = new Map<string, Buffer | string>([['state.json', JSON.stringify(c.state, replace)]]);
  const parts: [string, typeof c.weights | undefined][] = [['weights', c.weights], ['optimizer', c.optimizer], ['best', c.best]];
  for (const [name, list] of parts) {
    if (!list) continue;
    const { index, data } = encodeTensors(list);
    files.set(`${name}.json`, index);
    files.set(`${name}.bin`, data);
  }
  await store.put('checkpoints', key, files);
}

/** JSON has no Infinity (a fresh early-stopping "best"); keep it as a tagged string. */
function replace(_key: string, value: unknown): unknown {
  return value === Infinity ? '+Infinity' : value === -Infinity ? '-Infinity' : value;
}

function revive(_key: string, value: unknown): unknown {
  return value === '+Infinity' ? Infinity : value === '-Infinity' ? -Infinity : value;
}
