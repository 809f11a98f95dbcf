/** An in-memory Transport for protocol tests: records every write, can refuse overwrites or not, and can fail on cue. */
import type { PutOutcome, Transport } from '../../../src/remote/transport.ts';

export interface MemoryRemote {
  objects: Map<string, Buffer>;
  /** `PUT path` or `PUT path (create-only)`, in order. */
  writes: string[];
  transport: Transport;
}

export function memoryRemote(options: { refusesOverwrite?: boolean; failOnPut?: (path: string, count: number) => Error | undefined; tick?: boolean } = {}): MemoryRemote {
  const objects = new Map<string, Buffer>();
  const writes: string[] = [];
  const tick = () => (options.tick ? new Promise((r) => setImmediate(r)) : Promise.resolve());
  const transport: Transport = {
    display: 'memory://cache/',
    async get(path) {
      await tick();
      const value = objects.get(path);
      return value && Buffer.from(value);
    },
    async head(path) {
      await tick();
      return objects.get(path)?.length;
    },
    async put(path, bytes, putOptions = {}): Promise<PutOutcome> {
      await tick();
      const failure = options.failOnPut?.(path, writes.length);
      if (failure) throw failure;
      writes.push(`PUT ${path}${putOptions.createOnly ? ' (create-only)' : ''}`);
      // The condition and the write are one step, as on a real server.
      if (putOptions.createOnly && options.refusesOverwrite !== false && objects.has(path)) return 'exists';
      objects.set(path, Buffer.from(bytes));
      return 'stored';
    },
  };
  return { objects, writes, transport };
}
