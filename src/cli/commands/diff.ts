/**
 * `convlens diff A B [--md | --json]`: compare two experiments of the built report (ids), two
 * report directories or built sites, or DIR:ID. Reads only published files (report.json and
 * predictions.csv); never loads tfjs. Exit 0 also when the test sets differ (the output says why
 * the paired statistics are missing); 1 for arguments that name nothing comparable.
 */
import { UserError } from '../../lib/errors.ts';
import { computeDiffs, writeDiff } from '../../diff/index.ts';
import { diffErrors } from '../../diff/messages.ts';
import type { CliIo, CliOptions } from '../options.ts';

export default async function diff(options: CliOptions, io: CliIo): Promise<number> {
  if (options.md && options.json) throw new UserError(diffErrors.mdAndJson());
  const result = computeDiffs(options.args, options.cache);
  io.out(writeDiff(result, options.md ? 'md' : options.json ? 'json' : 'text'));
  return 0;
}
