/** `convlens check [FILES…]`: validate experiment files; never loads tfjs. Exit 0 valid, 1 invalid. */
import { formatConfigError, listExperimentFiles, loadExperiments } from '../../config/index.ts';
import type { CliIo, CliOptions } from '../options.ts';

export default async function check(options: CliOptions, io: CliIo): Promise<number> {
  const files = options.args.length > 0 ? options.args : await listExperimentFiles(options.experiments);
  const { experiments, errors } = await loadExperiments(files);
  for (const error of errors) io.err(`${formatConfigError(error)}\n`);
  if (errors.length > 0) return 1;
  if (!options.quiet) io.out(`${experiments.length} experiment${experiments.length === 1 ? '' : 's'} valid: ${experiments.map((e) => e.id).join(', ')}\n`);
  return 0;
}
