/**
 * A social card's words from an experiment's report.json entry, so the publisher can make the
 * card from exactly what the page shows. Pure.
 */
import type { ExperimentEntry } from '../../site/report.ts';
import { fmtCount, plural } from '../format.ts';
import type { CardInput } from './card.ts';

/** The card of `entry`: dataset and model in words, validation accuracy per epoch (training accuracy when there is no validation set). */
export function cardInput(entry: ExperimentEntry): CardInput {
  const [h, w, c] = entry.dataset.imageShape;
  const dataset = [entry.dataset.source, plural(entry.dataset.classes.length, 'class', 'classes'), `${h}×${w}×${c}`].join(' · ');
  // Counted without the input layer, as the index and the experiment page count them.
  const layers = entry.model.layers.filter((l) => l.type !== 'InputLayer');
  const frozen = layers.some((l) => !l.trainable && l.params > 0);
  const model = [
    plural(layers.length, 'layer'),
    `${fmtCount(entry.model.params.total)} parameters`,
    ...(entry.model.chain ? [] : ['branched']),
    ...(frozen ? ['frozen base'] : []),
  ].join(' · ');
  const validation = entry.history.some((r) => r.val_accuracy !== null);
  return {
    id: entry.id,
    title: entry.title,
    dataset,
    model,
    testAccuracy: entry.metrics.accuracy,
    curve: validation
      ? { label: 'validation accuracy', values: entry.history.map((r) => r.val_accuracy) }
      : { label: 'training accuracy (no validation set)', values: entry.history.map((r) => r.accuracy) },
    backend: entry.manifest.backend,
  };
}
