/** `convlens clean`: remove the cache directory (only if convlens made it). */
import { removeCache } from '../../pipeline/cache-dir.ts';
import type { CliIo, CliOptions } from '../options.ts';

export default async function clean(options: CliOptions, io: CliIo): Promise<number> {
  const removed = await removeCache(options.cache);
  if (!options.quiet) io.out(removed ? `removed ${options.cache}\n` : `nothing to remove: ${options.cache} does not exist\n`);
  return 0;
}
