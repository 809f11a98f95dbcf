/**
 * One figure of a published report, looked up for `<ConvlensFigure>`: by experiment id and figure
 * name, with the addresses of its files and of its place in the report. Pure; an unknown id or
 * name throws a message listing the valid ones, which fails the host's build.
 */
import type { Figure, Report } from '../site/report.ts';
import { experimentFileUrl, experimentPageUrl, figureAnchor } from '../site/urls.ts';
import { figureUnknownExperiment, figureUnknownName } from './messages.ts';

/** A figure and every address the component shows. */
export interface FigureView {
  figure: Figure;
  /** The SVG, the 2× PNG and the data file (CSV or JSON), under the report's base. */
  svg: string;
  png: string;
  data: string;
  /** `CSV` or `JSON`, for the download link's label. */
  dataLabel: string;
  /** The figure on its experiment's report page (`…/experiments/<id>/#figure-<name>`). */
  permalink: string;
}

/** Figures by experiment id: finished experiments, and failed runs that have a page (diverged, with curves). */
function figuresById(report: Report): Map<string, Figure[]> {
  const byId = new Map<string, Figure[]>();
  for (const entry of report.experiments) byId.set(entry.id, entry.figures);
  for (const failed of report.failed) if (failed.figures.length > 0 && !byId.has(failed.id)) byId.set(failed.id, failed.figures);
  return byId;
}

/** The figure `name` of experiment `experiment`, with its addresses under `base` (the report's URL root, e.g. `/reports/`); `reportDir` is named in messages. */
export function findFigure(report: Report, reportDir: string, base: string, experiment: string, name: string): FigureView {
  const byId = figuresById(report);
  const figures = byId.get(experiment);
  if (!figures) throw new Error(figureUnknownExperiment(experiment, reportDir, [...byId.keys()]));
  const figure = figures.find((f) => f.name === name);
  if (!figure) throw new Error(figureUnknownName(name, experiment, figures.map((f) => f.name)));
  return {
    figure,
    svg: experimentFileUrl(base, experiment, figure.svg),
    png: experimentFileUrl(base, experiment, figure.png),
    data: experimentFileUrl(base, experiment, figure.data),
    dataLabel: figure.data.split('.').at(-1)?.toUpperCase() ?? 'data',
    permalink: `${experimentPageUrl(base, experiment)}#${figureAnchor(figure.name)}`,
  };
}
