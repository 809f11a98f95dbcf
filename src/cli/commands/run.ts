/** `convlens run [IDS…]`: train, evaluate and render, from cache where possible. */
import { run } from '../../pipeline/index.ts';
import { failedSummary } from '../messages.ts';
import type { CliIo, CliOptions } from '../options.ts';
import { effectsFor, runOptionsFor } from '../setup.ts';

export default async function runCommand(options: CliOptions, io: CliIo): Promise<number> {
  const runOptions = await runOptionsFor(options);
  const effects = effectsFor(options, io);
  const outcome = await run(runOptions, effects);
  if (outcome.failed.length === 0) return 0;
  effects.log.error(failedSummary(outcome.failed.map((f) => f.id), outcome.failed.length + outcome.results.length));
  return Math.max(...outcome.failed.map((f) => f.exitCode));
}
