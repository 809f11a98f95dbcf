/** `convlens run [IDS…]`: train, evaluate and render, from cache where possible; `--shard i/N` runs one shard's share. */
import { loadSpecs, run } from '../../pipeline/index.ts';
import { shardPlan, shareOf } from '../../pipeline/shard.ts';
import { shardMessages } from '../messages.ts';
import type { CliIo, CliOptions } from '../options.ts';
import { effectsFor, exitCodeOf, runOptionsFor } from '../setup.ts';
import { resolveShard } from '../shard.ts';

export default async function runCommand(options: CliOptions, io: CliIo): Promise<number> {
  const env = io.env ?? process.env;
  const shard = resolveShard(options, env);
  const runOptions = await runOptionsFor(options, env);
  const effects = effectsFor(options, io);
  if (shard) {
    // The share is decided from the experiment files alone (no backend, no dataset), so every
    // machine agrees on it; the ids given on the command line are sharded, not all experiments.
    const specs = await loadSpecs(runOptions.files, runOptions.ids);
    const { ids, costShare } = shareOf(specs, shard.index, shard.count);
    if (ids.length === 0) {
      effects.log.info(shardMessages.empty(shard.index, shard.count, shard.source, specs.length, shard.ignored));
      return 0;
    }
    effects.log.info(shardMessages.share(shard.index, shard.count, shard.source, ids, specs.length, costShare, shard.ignored));
    runOptions.ids = ids;
    const { setDigest, shards } = shardPlan(specs, shard.count);
    runOptions.shardPlan = { setDigest, count: shard.count, shards };
  }
  return exitCodeOf(await run(runOptions, effects), effects);
}
