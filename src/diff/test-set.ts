/**
 * Whether two experiments were tested on the same images, from what the published files say:
 * the same data source, the same number of classes and test images, and the same true class at
 * every index of predictions.csv.
 *
 * Not `manifest.hashes.data`: that digest covers the whole split (training and validation
 * indices too), so two experiments with different validation splits but the same test set would
 * look different, and the paired statistics only need the test images to be the same. The
 * pixels themselves are not published; two different test sets with the same source, size and
 * label sequence are not a realistic accident (the pipeline's own grouping, compare-groups.ts,
 * does hash the pixels, where it has them).
 */
import type { ExperimentEntry } from '../site/report.ts';
import { diffNotes } from './messages.ts';
import type { Predictions } from './predictions.ts';

/** The verdict: same (the paired statistics apply), different, or unknown (a file is missing); with the sentence saying so. */
export type TestSetVerdict = { same: true; sentence: string } | { same: false | null; sentence: string };

/** One side as the check needs it. */
export interface TestSetSide {
  entry: ExperimentEntry;
  predictions: Predictions | undefined;
  /** The predictions file, for the sentence when it is missing. */
  file: string;
}

/** Compare A's and B's test sets (see the module comment). */
export function compareTestSets(a: TestSetSide, b: TestSetSide): TestSetVerdict {
  const [da, db] = [a.entry.dataset, b.entry.dataset];
  if (da.source !== db.source) return { same: false, sentence: diffNotes.differentTestSets(diffNotes.differentSource(da.source, db.source)) };
  if (da.classes.length !== db.classes.length) return { same: false, sentence: diffNotes.differentTestSets(diffNotes.differentClassCount(da.classes.length, db.classes.length)) };
  if (da.counts.test !== db.counts.test) return { same: false, sentence: diffNotes.differentTestSets(diffNotes.differentCount(da.counts.test, db.counts.test)) };
  if (!a.predictions) return { same: null, sentence: diffNotes.unknownTestSet(diffNotes.predictionsMissing('A', a.file)) };
  if (!b.predictions) return { same: null, sentence: diffNotes.unknownTestSet(diffNotes.predictionsMissing('B', b.file)) };
  const [la, lb] = [a.predictions.labels, b.predictions.labels];
  if (la.length !== lb.length) return { same: false, sentence: diffNotes.differentTestSets(diffNotes.differentCount(la.length, lb.length)) };
  let first = -1;
  let differing = 0;
  for (let i = 0; i < la.length; i++) {
    if (la[i] !== lb[i]) {
      if (first < 0) first = i;
      differing++;
    }
  }
  if (differing > 0) return { same: false, sentence: diffNotes.differentTestSets(diffNotes.differentLabels(first, differing, la.length)) };
  return { same: true, sentence: diffNotes.sameTestSet(la.length, da.source) };
}
