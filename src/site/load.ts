/**
 * Reading the published report: the one way the Astro pages get their data.
 *
 * The pages never import tfjs or pipeline code; they call `loadReport()`, which reads
 * `report.json` from the directory named by CONVLENS_REPORT_DIR and validates it with the
 * shared schema, so a page never renders from data of the wrong shape.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../lib/errors.ts';
import { REPORT_DIR_ENV, reportDirUnset, reportDuplicateIds, reportInvalid, reportMissing, reportNotJson, viaEnv } from './messages.ts';
import { ReportSchema, type Report } from './report.ts';

export { REPORT_DIR_ENV };

/** The report file's name inside a report directory. */
export const REPORT_FILE = 'report.json';

/** The absolute report directory named by CONVLENS_REPORT_DIR (relative values resolve against the working directory). */
export function reportDirFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const value = env[REPORT_DIR_ENV]?.trim();
  if (!value) throw new UserError(reportDirUnset());
  return resolve(value);
}

/** Read and validate `<reportDir>/report.json`; `via` says where the directory came from, for messages. */
export function readReport(reportDir: string, via = 'given as the report directory'): Report {
  const file = join(resolve(reportDir), REPORT_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new UserError(reportMissing(file, via));
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UserError(reportNotJson(file, via, (error as Error).message));
  }
  const parsed = ReportSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`);
    throw new UserError(reportInvalid(file, via, problems));
  }
  const duplicates = duplicateIds(parsed.data);
  if (duplicates.length > 0) throw new UserError(reportDuplicateIds(file, via, duplicates));
  return parsed.data;
}

/** Ids used by more than one entry (experiments and failed runs share one namespace: one page each). */
function duplicateIds(report: Report): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const { id } of [...report.experiments, ...report.failed]) (seen.has(id) ? twice : seen).add(id);
  return [...twice];
}

/** The validated report from the directory named by CONVLENS_REPORT_DIR. */
export function loadReport(env: NodeJS.ProcessEnv = process.env): Report {
  return readReport(reportDirFromEnv(env), viaEnv());
}
