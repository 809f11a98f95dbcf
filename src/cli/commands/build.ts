/** `convlens build [IDS…]`: run, then build the static site into --out (what `npm run build` does). Shards are refused. */
import { build } from '../../pipeline/index.ts';
import { UserError } from '../../lib/errors.ts';
import { shardMessages } from '../messages.ts';
import type { CliIo, CliOptions } from '../options.ts';
import { effectsFor, exitCodeOf, runOptionsFor } from '../setup.ts';
import { shardRequestForBuild } from '../shard.ts';

export default async function buildCommand(options: CliOptions, io: CliIo): Promise<number> {
  const env = io.env ?? process.env;
  const shard = shardRequestForBuild(options, env);
  if (shard) throw new UserError(shardMessages.buildRefused(shard));
  const runOptions = await runOptionsFor(options, env);
  const effects = effectsFor(options, io);
  return exitCodeOf(await build({ ...runOptions, outDir: options.out, base: options.base }, effects), effects);
}
