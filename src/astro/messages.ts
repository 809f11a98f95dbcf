/**
 * Every message of the Astro integration and the figure component, in one place: what happened,
 * why, and what to do, in full sentences.
 */

/** The `prefix` option is not a sub-path. */
export function prefixInvalid(prefix: string): string {
  return (
    `convlens: the reports' prefix ${JSON.stringify(prefix)} is not a sub-path of the site, so the report pages would collide with the site's own. ` +
    'Give a path of plain segments (letters, digits, ".", "_", "-"), for example convlens({ prefix: "/reports/" }).'
  );
}

/** The host builds pages as `<page>.html` files, which the report's directory-style links do not reach. */
export function formatNotDirectory(format: string): string {
  return (
    `convlens: this site builds pages with build.format "${format}", but the report links to its pages as directories (/reports/compare/). ` +
    'The report pages work on servers that map /x/ to x.html; to be sure, set build.format to "directory" (Astro\'s default).'
  );
}

/** `<ConvlensFigure>` names an experiment the report does not have. */
export function figureUnknownExperiment(experiment: string, reportDir: string, valid: readonly string[]): string {
  return (
    `ConvlensFigure: the report in ${reportDir} has no experiment "${experiment}". ` +
    (valid.length > 0 ? `Its experiments are: ${valid.join(', ')}. ` : 'It has no experiments with figures; run `convlens run` first. ') +
    'Fix the experiment attribute of <ConvlensFigure>.'
  );
}

/** `<ConvlensFigure>` names a figure the experiment does not have. */
export function figureUnknownName(name: string, experiment: string, valid: readonly string[]): string {
  return (
    `ConvlensFigure: experiment "${experiment}" has no figure "${name}". ` +
    (valid.length > 0 ? `Its figures are: ${valid.join(', ')}. ` : 'It has no figures. ') +
    'Fix the name attribute of <ConvlensFigure>.'
  );
}

/** `<ConvlensFigure>` is rendered on a site without the convlens integration. */
export function figureWithoutIntegration(): string {
  return (
    'ConvlensFigure: the convlens integration is not in this site\'s astro.config, so the component does not know which report to read. ' +
    "Add it: import convlens from 'convlens/astro'; integrations: [convlens({ report: '.convlens/report', prefix: '/reports/' })]."
  );
}
