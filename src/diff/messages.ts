/** Every user-facing sentence of `convlens diff`: errors (what happened, why, what to do) and the notes in its output. */

const list = (items: readonly string[]) => (items.length === 0 ? '(none)' : items.join(', '));

/** The arguments `diff` understands, for errors that end with what to give instead. */
const FORMS = 'two experiment ids of the built report (convlens diff baseline wider), two report directories or built sites (convlens diff main-site/ dist/), or DIR:ID for one experiment of a directory';

export const diffErrors = {
  argumentCount: (count: number) =>
    `convlens diff compares two experiments, A and B, and received ${count === 0 ? 'no argument' : `${count} argument${count === 1 ? '' : 's'}`}. Give ${FORMS}.`,
  mdAndJson: () => '--md and --json choose different outputs; give one of them (or neither, for text).',
  noCacheReport: (arg: string, reportDir: string) =>
    `"${arg}" is not a directory, so it was taken as an experiment id of the built report, but there is no report at ${reportDir} (no report.json). ` +
    `Run "convlens run" or "convlens build" first, pass --cache DIR for another cache, or give ${FORMS}.`,
  unknownId: (id: string, where: string, ids: readonly string[]) =>
    `There is no experiment "${id}" in ${where}. It has: ${list(ids)}. Give one of those ids, or ${FORMS}.`,
  failedId: (id: string, where: string, error: string) =>
    `Experiment "${id}" failed in ${where} (${error.split('\n')[0]}), so it has no test predictions to compare. Fix it and build again, or compare another experiment.`,
  noSuchDirectory: (arg: string) =>
    `There is no directory ${arg}. Give a report directory (<cache>/report) or a built site (dist/), both of which hold report.json at their root, or ${FORMS}.`,
  notAReportDir: (dir: string) =>
    `${dir} is a directory but holds no report.json, so it is neither a report directory nor a built site. ` +
    'Give the report directory (<cache>/report, which "convlens run" publishes) or the site "convlens build" writes (dist/ by default); both have report.json at their root.',
  emptyId: (arg: string) => `"${arg}" names a directory but no experiment after the colon. Give DIR:ID, e.g. ${arg}fashion-mnist-cnn, or the directory alone.`,
  needsId: (dir: string, ids: readonly string[]) =>
    `${dir} holds ${ids.length} experiments (${list(ids)}), so it does not name one to compare. Give ${dir}:ID, e.g. ${dir}:${ids[0] ?? 'ID'}.`,
  noExperiments: (dir: string) => `${dir} holds no experiment that ran (report.json lists none), so there is nothing to compare. Build the report again, or give another directory.`,
  noCommonIds: (dirA: string, idsA: readonly string[], dirB: string, idsB: readonly string[]) =>
    `${dirA} and ${dirB} have no experiment id in common (${dirA}: ${list(idsA)}; ${dirB}: ${list(idsB)}), so there is no pair to compare. ` +
    `Name the two to compare as ${dirA}:ID and ${dirB}:ID.`,
  badPredictions: (file: string, why: string) =>
    `${file} is not the predictions file convlens publishes: ${why}. It may be truncated or edited by hand; rebuild the report ("convlens build") or download it again.`,
};

/** Sentences in the output: why paired statistics are missing, what the repeats mean, data caveats. */
export const diffNotes = {
  sameTestSet: (count: number, source: string) =>
    `Both were tested on the same ${count.toLocaleString('en-US')} ${source} test images: same data source, same number of images and the same true class at every index of predictions.csv.`,
  differentTestSets: (why: string) =>
    `The test sets differ (${why}), so flips, McNemar's test and the confidence intervals, which pair the two models image by image, are left out; only the published metrics are compared.`,
  unknownTestSet: (why: string) =>
    `Whether the test sets are the same cannot be checked (${why}), so flips, McNemar's test and the confidence intervals, which pair the two models image by image, are left out; only the published metrics are compared.`,
  differentSource: (a: string, b: string) => `A was tested on ${a} and B on ${b}`,
  differentCount: (a: number, b: number) => `A has ${a.toLocaleString('en-US')} test images and B ${b.toLocaleString('en-US')}`,
  differentClassCount: (a: number, b: number) => `A has ${a} classes and B ${b}`,
  differentLabels: (index: number, differing: number, total: number) =>
    `the true classes differ at ${differing.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} images, the first at index ${index}`,
  predictionsMissing: (side: 'A' | 'B', file: string) => `${side}'s predictions file ${file} is missing`,
  classNamesDiffer: (names: readonly [string, string][]) =>
    `The class names differ (${names.map(([a, b]) => `A's "${a}" is B's "${b}"`).join('; ')}); classes are matched by position and shown with A's names.`,
  classesDiffer: () => 'A and B do not have the same classes, so their per-class scores are not compared.',
  predictionsDisagree: (side: 'A' | 'B', fromCsv: number, published: number) =>
    `${side}'s predictions.csv gives an accuracy of ${fromCsv} but report.json says ${published}; the paired statistics use predictions.csv.`,
  topKDiffers: (a: number, b: number) => `A reports top-${a} accuracy and B top-${b}, so their difference is not computed.`,
  repeats: () => "Flips, McNemar's test and the bootstrap use each experiment's first run (the one predictions.csv holds); the repeated runs give the means and standard deviations.",
};
