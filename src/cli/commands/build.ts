/** `convlens build [IDS…]`: run, then build the static site into --out (what `npm run build` does). Shards are refused. */
import { build } from '../../pipeline/index.ts';
import { UserError } from '../../lib/errors.ts';
import { failedSummary, shardMessages } from '../messages.ts';
import type { CliIo, CliOptions } from '../options.ts';
import { effectsFor, runOptionsFor } from '../setup.ts';
import { shardRequestForBuild } from '../shard.ts';

export default async function buildCommand(options: CliOptions, io: CliIo): Promise<number> {
  const shard = shardRequestForBuild(options, io.env ?? process.env);
  if (shard) throw new UserError(shardMessages.buildRefused(shard));
  const runOptions = await runOptionsFor(options);
  const effects = effectsFor(options, io);
  const outcome = await build({ ...runOptions, outDir: options.out, base: options.base }, effects);
  if (outcome.failed.length === 0) return 0;
  effects.log.error(failedSummary(outcome.failed.map((f) => f.id), outcome.failed.length + outcome.results.length));
  return Math.max(...outcome.failed.map((f) => f.exitCode));
}
