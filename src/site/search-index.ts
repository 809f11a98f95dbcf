/**
 * The static search index, built with the site (`/search.json`, see pages/search.json.ts) and
 * rendered as the search page's plain list. One entry per experiment, per class of each
 * experiment, and per headline metric of each experiment; each links to where the thing is
 * shown. URLs are already under `base`, so the browser script uses them as they are.
 */
import { COMPARE_METRICS, formatMetric } from './compare.ts';
import { percent } from './format.ts';
import type { ExperimentEntry, Report } from './report.ts';
import { classAnchor, experimentPageUrl } from './urls.ts';

/** What an entry is about; the search page groups and labels results by it. */
export type SearchKind = 'experiment' | 'class' | 'metric';

/** One searchable thing. */
export interface SearchEntry {
  kind: SearchKind;
  /** The result's heading. */
  title: string;
  /** One line under the heading (the experiment it belongs to, a value). */
  detail: string;
  /** Where it is shown (under base). */
  url: string;
  /** Extra words it is found by (ids, dataset, aliases), lower-cased with the title by the matcher. */
  terms: string;
}

/** The search index file's shape. */
export interface SearchIndex {
  /** Format version, bumped when the entry shape changes. */
  version: 1;
  entries: SearchEntry[];
}

/** Where the experiment page shows each compared metric (its section anchor). */
const METRIC_SECTION: Record<string, string> = {
  'val-loss': 'training',
  'val-accuracy': 'training',
  params: 'model',
  epochs: 'training',
};

/** Metric search aliases: the words people type for them. */
const METRIC_TERMS: Record<string, string> = {
  accuracy: 'top-1 test accuracy',
  loss: 'cross-entropy test loss',
  'top-k': 'top-k top k accuracy',
  'macro-f1': 'f1 f-score macro average',
  auc: 'roc auc area under curve',
  ece: 'calibration ece expected calibration error reliability',
  'val-loss': 'validation loss val_loss',
  'val-accuracy': 'validation accuracy val_accuracy',
  params: 'parameters weights size model',
  epochs: 'epochs training length',
};

function experimentEntries(base: string, e: ExperimentEntry): SearchEntry[] {
  const page = experimentPageUrl(base, e.id);
  const entries: SearchEntry[] = [
    {
      kind: 'experiment',
      title: e.title,
      detail: `${e.dataset.source}, ${e.dataset.classes.length} classes; test accuracy ${percent(e.metrics.accuracy)}`,
      url: page,
      terms: [e.id, e.description, e.dataset.source, e.manifest.backend].join(' '),
    },
  ];
  e.dataset.classes.forEach((name, k) => {
    const row = e.metrics.report.perClass[k];
    entries.push({
      kind: 'class',
      title: name,
      detail: `${e.title}: ${row ? `precision ${row.precision.toFixed(3)}, recall ${row.recall.toFixed(3)}, F1 ${row.f1.toFixed(3)}` : 'class'}`,
      url: `${page}#${classAnchor(k)}`,
      terms: `class ${k} ${e.id} ${e.dataset.source}`,
    });
  });
  for (const metric of COMPARE_METRICS) {
    const value = metric.value(e);
    if (value === null || !Number.isFinite(value)) continue;
    const label = metric.key === 'top-k' ? `Top-${e.metrics.topK.k} accuracy` : metric.label;
    entries.push({
      kind: 'metric',
      title: label,
      detail: `${e.title}: ${formatMetric(metric.kind, value)}`,
      url: `${page}#${METRIC_SECTION[metric.key] ?? 'performance'}`,
      terms: `${METRIC_TERMS[metric.key] ?? ''} ${e.id}`,
    });
  }
  return entries;
}

/** The index of `report` with URLs under `base`: experiments first, then their classes and metrics. */
export function buildSearchIndex(report: Report, base: string): SearchIndex {
  return { version: 1, entries: report.experiments.flatMap((e) => experimentEntries(base, e)) };
}
