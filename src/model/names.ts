/**
 * Stable, readable layer names, independent of tfjs's process-wide name counters.
 *
 * Generated names count per kind (`conv2d_1`, `conv2d_2`, …) in the order layers are built, so
 * the same layer list always gives the same names: figures, summaries and cache keys rely on
 * it. A layer may own extra tfjs layers named after it (`residual_1_conv_a`, `conv2d_3_leaky_relu`);
 * a generated name is chosen so that it and all its parts are free, skipping names the user
 * wrote and names of a pretrained base.
 */
import { UserError } from '../lib/errors.ts';
import { messages } from './messages.ts';

/** Allocates layer names for one model. */
export class LayerNames {
  /** Names written by the user: generated names avoid them. */
  private readonly reserved: Set<string>;
  /** Names already given to a layer of this model. */
  private readonly used = new Set<string>();
  private readonly counts = new Map<string, number>();

  /** `reserved`: every `name:` of the layer list; `existing`: names already in the model (a pretrained base). */
  constructor(reserved: Iterable<string>, existing: Iterable<string> = []) {
    this.reserved = new Set(reserved);
    for (const name of existing) this.used.add(name);
  }

  private free(name: string): boolean {
    return !this.used.has(name) && !this.reserved.has(name);
  }

  /**
   * A new name `<kind>_<n>` (n counting from 1 per kind) such that it and `<name>_<part>` for
   * every part are free; claims them all.
   */
  generate(kind: string, parts: readonly string[] = []): string {
    let n = this.counts.get(kind) ?? 0;
    let name: string;
    do {
      n++;
      name = `${kind}_${n}`;
    } while (!this.free(name) || parts.some((p) => !this.free(`${name}_${p}`)));
    this.counts.set(kind, n);
    this.claimAll(name, parts);
    return name;
  }

  /** Claim a name the user wrote, and `<name>_<part>` for every part; a clash is the user's to fix. */
  claim(name: string, parts: readonly string[] = []): string {
    if (this.used.has(name)) throw new UserError(messages.nameTaken(name, name));
    for (const p of parts) {
      const part = `${name}_${p}`;
      if (!this.free(part)) throw new UserError(messages.nameTaken(part, name));
    }
    this.claimAll(name, parts);
    return name;
  }

  private claimAll(name: string, parts: readonly string[]): void {
    this.used.add(name);
    for (const p of parts) this.used.add(`${name}_${p}`);
  }
}
