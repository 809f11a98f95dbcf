/**
 * `convlens datasets fetch cifar10 [--url U] [--cache DIR]`: download CIFAR-10's binary archive
 * into the cache (resuming a broken download), verify it against the official MD5 and size, and
 * unpack it where `data.source: cifar10` without a `data.path` looks. Progress goes to stderr: a
 * line rewritten in place on a terminal, plain lines otherwise; the result line to stdout.
 */
import { fetchCifar10 } from '../../data/fetch/cifar10.ts';
import { createProgress } from '../../data/fetch/progress.ts';
import { datasetsUsage } from '../../data/messages.ts';
import { systemClock } from '../../lib/clock.ts';
import { UserError } from '../../lib/errors.ts';
import { prepareCache } from '../../pipeline/cache-dir.ts';
import type { CliIo, CliOptions } from '../options.ts';

/** Runs `datasets fetch cifar10`; exit code 0 (errors are thrown as UserErrors). */
export default async function datasets(options: CliOptions, io: CliIo): Promise<number> {
  const [action, name, ...rest] = options.args;
  if (action !== 'fetch' || name !== 'cifar10' || rest.length > 0) throw new UserError(datasetsUsage(options.args));
  // The cache tag lets `convlens clean` remove what was fetched along with the rest of the cache.
  await prepareCache(options.cache);
  const tty = process.stderr.isTTY === true && !options.json;
  const result = await fetchCifar10({
    cacheDir: options.cache,
    ...(options.url !== undefined && { url: options.url }),
    ...(!options.quiet && {
      progress: (total: number) => createProgress({ total, tty, write: io.err, clock: systemClock, label: 'cifar-10-binary.tar.gz' }),
    }),
    notice: (text) => io.err(`${text}\n`),
  });
  if (!options.quiet) io.out(`${result.message}\n`);
  return 0;
}
