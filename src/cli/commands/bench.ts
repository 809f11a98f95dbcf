/** `convlens bench [--json] [--backend B] [--replicas N]`: throughput of the benchmark models (BENCHMARK.md). */
import { runBench } from '../../bench/index.ts';
import { systemClock } from '../../lib/clock.ts';
import { backendOf } from '../setup.ts';
import type { CliIo, CliOptions } from '../options.ts';
import { benchTable, badReplicas } from '../messages.ts';
import { UserError } from '../../lib/errors.ts';

export default async function benchCommand(options: CliOptions, io: CliIo): Promise<number> {
  const replicas = Number(options.replicas);
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 64) throw new UserError(badReplicas(options.replicas));
  const report = await runBench({
    backend: backendOf(options.backend),
    replicas,
    clock: systemClock,
    ...(!options.json && !options.quiet && { onProgress: (line: string) => io.err(`${line}…\n`) }),
  });
  io.out(options.json ? `${JSON.stringify(report)}\n` : benchTable(report));
  return 0;
}
