/**
 * report.json for `<ConvlensFigure>`, read once per change: a docs page may show many figures and
 * a build renders many pages, while the file changes only when `convlens run` publishes again.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { readReport, REPORT_FILE } from '../site/load.ts';
import type { Report } from '../site/report.ts';

const cache = new Map<string, { mtimeMs: number; size: number; report: Report }>();

/** The validated report of `reportDir` (absolute), re-read when report.json's time or size changes. */
export function cachedReport(reportDir: string): Report {
  let info: { mtimeMs: number; size: number } | undefined;
  try {
    info = statSync(join(reportDir, REPORT_FILE));
  } catch {
    // readReport says what is missing and what to do.
  }
  const hit = cache.get(reportDir);
  if (info && hit && hit.mtimeMs === info.mtimeMs && hit.size === info.size) return hit.report;
  const report = readReport(reportDir, "given as the convlens integration's report option");
  if (info) cache.set(reportDir, { mtimeMs: info.mtimeMs, size: info.size, report });
  return report;
}
