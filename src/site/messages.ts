/**
 * Every user-facing message of the site side (loading the report, building the site), in one
 * place. Each says what happened, why it matters, and what to do.
 */

/** The environment variable naming the report directory the site is built from. */
export const REPORT_DIR_ENV = 'CONVLENS_REPORT_DIR';

/** The variable is unset or empty. */
export function reportDirUnset(): string {
  return (
    `${REPORT_DIR_ENV} is not set, so the site does not know which report to show. ` +
    `It must name a report directory (the folder holding report.json that \`convlens run\` publishes). ` +
    `Build the site with \`convlens build\`, or set ${REPORT_DIR_ENV}, for example ` +
    `${REPORT_DIR_ENV}=tests/fixtures/site/report.`
  );
}

/** `report.json` is missing (or the directory itself is). */
export function reportMissing(file: string, via: string): string {
  return (
    `No report was found at ${file} (${via}). ` +
    `The site is built from the report directory the pipeline publishes. ` +
    `Run \`convlens build\`, or point ${REPORT_DIR_ENV} at a directory that contains report.json.`
  );
}

/** `report.json` exists but cannot be read as JSON. */
export function reportNotJson(file: string, via: string, detail: string): string {
  return (
    `The report at ${file} (${via}) is not valid JSON: ${detail}. ` +
    `The file is written by the pipeline and may be truncated or edited by hand. ` +
    `Run \`convlens build\` again to publish a fresh report.`
  );
}

/** `report.json` is JSON but does not match the schema in `site/report.ts`. */
export function reportInvalid(file: string, via: string, problems: string[]): string {
  const shown = problems.slice(0, 5);
  const more = problems.length > shown.length ? ` (and ${problems.length - shown.length} more)` : '';
  return (
    `The report at ${file} (${via}) does not match the report schema: ${shown.join('; ')}${more}. ` +
    `It was probably written by a different convlens version. ` +
    `Run \`convlens build\` again to publish a report this site can read.`
  );
}

/** Two entries share an id, so two pages would claim one URL. */
export function reportDuplicateIds(file: string, via: string, ids: string[]): string {
  return (
    `The report at ${file} (${via}) lists more than one experiment with the id ${ids.map((id) => `"${id}"`).join(', ')}. ` +
    `Each experiment gets one page at experiments/<id>/, so ids must be unique. ` +
    `Rename one of the experiment files (the id is the file name) and run \`convlens build\` again.`
  );
}

/** Where a report path came from, for the messages above. */
export function viaEnv(): string {
  return `from ${REPORT_DIR_ENV}`;
}

/** Astro failed; the previous site (if any) is left as it was. */
export function siteBuildFailed(outDir: string, detail: string): string {
  return (
    `The static site could not be built: ${detail}. ` +
    `Nothing was written to ${outDir}; the previous site there, if any, is unchanged. ` +
    `Fix the problem above and run \`convlens build\` again.`
  );
}
