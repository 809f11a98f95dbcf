/**
 * Shared memory between replica workers: a barrier and an all-reduce over SharedArrayBuffers.
 *
 * Each replica writes its vector into its own slot, waits at the barrier, then every replica
 * sums all slots itself, in replica order — the same float operations in the same order
 * everywhere, so all replicas get bit-identical results and stay in lock-step without any
 * further message. Slots are double-buffered by step parity: a fast replica may start writing
 * the next step's vector while a slow one still reads this step's.
 */

/** Control words in the Int32Array: arrivals and the barrier generation. */
const COUNT = 0;
const GENERATION = 1;
export const CONTROL_WORDS = 2;

/** Shared buffers for `replicas` workers exchanging vectors of up to `slotFloats` floats. */
export interface ExchangeBuffers {
  control: SharedArrayBuffer;
  slots: SharedArrayBuffer;
  replicas: number;
  slotFloats: number;
}

/** Allocate the buffers (on the main thread; then sent to every worker). */
export function allocateExchange(replicas: number, slotFloats: number): ExchangeBuffers {
  return {
    control: new SharedArrayBuffer(CONTROL_WORDS * 4),
    slots: new SharedArrayBuffer(2 * replicas * slotFloats * 4),
    replicas,
    slotFloats,
  };
}

/** One replica's view of the exchange. */
export class Exchange {
  private readonly control: Int32Array;
  private readonly slots: Float32Array;
  private readonly replicas: number;
  private readonly slotFloats: number;
  private readonly replica: number;
  private parity = 0;

  constructor(buffers: ExchangeBuffers, replica: number) {
    this.control = new Int32Array(buffers.control);
    this.slots = new Float32Array(buffers.slots);
    this.replicas = buffers.replicas;
    this.slotFloats = buffers.slotFloats;
    this.replica = replica;
  }

  /** Block until every replica has arrived (sense by generation; Atomics.wait needs a worker thread). */
  barrier(): void {
    const generation = Atomics.load(this.control, GENERATION);
    if (Atomics.add(this.control, COUNT, 1) === this.replicas - 1) {
      Atomics.store(this.control, COUNT, 0);
      Atomics.add(this.control, GENERATION, 1);
      Atomics.notify(this.control, GENERATION);
    } else {
      while (Atomics.load(this.control, GENERATION) === generation) Atomics.wait(this.control, GENERATION, generation);
    }
  }

  private slot(parity: number, replica: number): Float32Array {
    const start = (parity * this.replicas + replica) * this.slotFloats;
    return this.slots.subarray(start, start + this.slotFloats);
  }

  /**
   * Sum `values` (the first `n` floats) over all replicas, into `out`. Every replica must call
   * this the same number of times with the same `n`.
   */
  allReduce(values: Float32Array, n: number, out: Float32Array): void {
    if (n > this.slotFloats) throw new Error(`allReduce of ${n} floats exceeds the exchange slot of ${this.slotFloats}.`);
    const parity = this.parity;
    this.parity ^= 1;
    this.slot(parity, this.replica).set(values.subarray(0, n));
    this.barrier();
    const first = this.slot(parity, 0);
    for (let i = 0; i < n; i++) out[i] = first[i]!;
    for (let r = 1; r < this.replicas; r++) {
      const s = this.slot(parity, r);
      for (let i = 0; i < n; i++) out[i] = out[i]! + s[i]!;
    }
  }
}
