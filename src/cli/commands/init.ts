/** `convlens init`: set up the project in the working directory (scaffold.ts); never overwrites a file. */
import type { CliIo, CliOptions } from '../options.ts';
import { nextSteps, scaffold } from '../scaffold.ts';

export default async function init(options: CliOptions, io: CliIo): Promise<number> {
  const scaffoldOptions = { cwd: process.cwd(), experiments: options.experiments, out: options.out, cache: options.cache };
  const lines = await scaffold(scaffoldOptions);
  if (!options.quiet) io.out(`${lines.join('\n')}\n\n${nextSteps(scaffoldOptions)}\n`);
  return 0;
}
