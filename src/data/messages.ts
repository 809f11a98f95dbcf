/**
 * Every user-facing sentence of the data stage, in one place. Each says what happened, which file,
 * and what to do. Numbers are printed without separators so messages do not depend on the locale.
 */

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "a, b and 3 more": at most `max` names, the rest counted. */
function listNames(names: string[], max = 10): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

// ── cache ────────────────────────────────────────────────────────────────────────────────────────

/** The binary dataset cache failed verification; the caller re-reads the source and rewrites it. */
export function cacheDamaged(file: string, reason: string): string {
  return (
    `The dataset cache ${file} could not be used (${reason}), so it was ignored, the data read ` +
    `again from its source and the cache rewritten. Nothing to do unless this repeats; then delete ` +
    `the file and check the disk.`
  );
}

/** The cache could not be written (read-only disk, quota): the run continues uncached. */
export function cacheUnwritable(file: string, reason: string): string {
  return (
    `The dataset cache ${file} could not be written (${reason}). The run continues, but the next ` +
    `one will decode the data again; check that the cache directory is writable.`
  );
}

// ── splits ───────────────────────────────────────────────────────────────────────────────────────

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

/** Labels are stored as bytes. */
export function tooManyClasses(where: string, count: number): string {
  return `${where} defines ${count} classes; convlens supports at most 256. Merge classes or split the data into several experiments.`;
}

// ── images ───────────────────────────────────────────────────────────────────────────────────────

/** Why one image cannot be used; the clause after "cannot be used:" (stored with skipped files). */
export const imageReason = {
  unreadable: (detail: string) => `it could not be read (${detail})`,
  notImage: () => 'it is not a JPEG, PNG, WebP or GIF image',
  damaged: (format: string, detail: string) => `it is a damaged or truncated ${format} file (${detail})`,
  tooLarge: (width: number, height: number, maxPixels: number) =>
    `its header declares ${width}×${height} = ${width * height} pixels, more than data.image.maxPixels (${maxPixels}), ` +
    `so it was not decoded; raise data.image.maxPixels to accept it`,
};

/** An image that cannot be used, with `onError: fail` (the default). */
export function badImage(file: string, reason: string): string {
  return (
    `The image ${file} cannot be used: ${reason}. Fix or remove the file, or set data.onError: skip ` +
    `to leave unusable images out (they are then listed in the report).`
  );
}

/** With `onError: skip`: which images were left out. */
export function skippedImages(skipped: { file: string; reason: string }[]): string {
  const list = listNames(skipped.map((s) => `${s.file} (${s.reason})`));
  return `${plural(skipped.length, 'image was', 'images were')} skipped (data.onError: skip): ${list}.`;
}

/** Every image failed. */
export function noUsableImages(where: string, count: number): string {
  return `None of the ${count} images in ${where} could be used (see the skipped files above). Check that the files are JPEG, PNG, WebP or GIF images.`;
}

/** `image.size` absent and images differ in size: all were resized to the first one's. */
export function mixedSizes(count: number, total: number, first: string, height: number, width: number, fit: string, interpolation: string): string {
  return (
    `${count} of ${total} images are not ${height}×${width} (height×width) like the first one, ${first}, ` +
    `and were resized to it (fit: ${fit}, interpolation: ${interpolation}). Set data.image.size to choose the size.`
  );
}

/** `image.channels` absent and images differ: converted to the first one's channel count. */
export function mixedChannels(count: number, total: number, first: string, channels: 1 | 3): string {
  const how = channels === 1 ? 'converted to grayscale (luma)' : 'converted to RGB (gray repeated)';
  return (
    `${count} of ${total} images are ${channels === 1 ? 'in colour' : 'grayscale'} unlike the first one, ${first}, ` +
    `and were ${how}. Set data.image.channels to choose.`
  );
}

// ── folder ───────────────────────────────────────────────────────────────────────────────────────

/** data.path does not exist (folder, csv, cifar10). */
export function pathMissing(kind: string, path: string): string {
  return `The ${kind} ${path} (data.path) does not exist. Check the path; it is relative to the experiment file.`;
}

/** data.path exists but is a file where a directory is needed, or the reverse. */
export function pathWrongKind(kind: string, path: string, expected: 'directory' | 'file'): string {
  return `The ${kind} ${path} (data.path) is not a ${expected}. Point data.path at the ${kind}.`;
}

/** A folder with no class sub-directories. */
export function noClassDirs(path: string): string {
  return (
    `The folder ${path} has no class sub-directories. Put the images of each class in a sub-directory ` +
    `named after the class (e.g. ${path}/cat/001.jpg), or pre-split them into train/, val/ and test/ with class sub-directories in each.`
  );
}

/** A class directory without a single image. */
export function emptyClassDir(dir: string): string {
  return `The class directory ${dir} contains no images. Add JPEG, PNG, WebP or GIF images to it, or remove it.`;
}

/** Non-image files in a folder source: ignored. */
export function ignoredFiles(root: string, files: string[]): string {
  return (
    `Ignored ${plural(files.length, 'file')} in ${root} that ${files.length === 1 ? 'is' : 'are'} not a JPEG, PNG, WebP or GIF image: ` +
    `${listNames(files)}. Move ${files.length === 1 ? 'it' : 'them'} out of the data folder to silence this warning.`
  );
}

/** Files directly in the root (or a split folder), outside any class directory: ignored. */
export function looseFiles(root: string, files: string[]): string {
  return (
    `Ignored ${plural(files.length, 'file')} in ${root} outside any class directory: ${listNames(files)}. ` +
    `Images must sit in a class sub-directory (e.g. ${root}/cat/); move ${files.length === 1 ? 'it' : 'them'} there or out of the data folder.`
  );
}

/** Split folders next to class folders: ambiguous. */
export function mixedLayout(path: string, splits: string[], others: string[]): string {
  return (
    `The folder ${path} mixes split folders (${splits.join(', ')}) with other folders (${others.join(', ')}). ` +
    `Either move the other folders into train/ (and val/, test/), or rename the split folders if they are classes.`
  );
}

/** Both val/ and validation/. */
export function twoValidationDirs(path: string): string {
  return `The folder ${path} has both val/ and validation/. Keep one of them.`;
}

/** Pre-split tree without train/. */
export function noTrainDir(path: string): string {
  return `The folder ${path} has split folders but no train/. Add train/ with one sub-directory per class.`;
}

/** A val/ or test/ class that train/ does not have. */
export function unknownSplitClass(dir: string, classes: string[]): string {
  return (
    `The class directory ${dir} is not among the classes of train/ (${classes.join(', ')}). ` +
    `A class needs training images: add it to train/ or remove the directory.`
  );
}

// ── csv ──────────────────────────────────────────────────────────────────────────────────────────

/** The manifest's header line is not image_path,label[,split]. */
export function csvHeader(file: string, found: string[]): string {
  return (
    `The CSV manifest ${file} must start with the header image_path,label (and optionally split); ` +
    `line 1 is "${found.join(',')}". Add or fix the header line.`
  );
}

/** csv-parse could not read the file (unclosed quote, …). */
export function csvSyntax(file: string, line: number | undefined, detail: string): string {
  return `The CSV manifest ${file} could not be parsed${line ? ` at line ${line}` : ''} (${detail}). Fix the quoting on that line.`;
}

/** A row with an empty or absent field. */
export function csvMissingField(file: string, line: number, field: string): string {
  return `${file}:${line}: the ${field} field is missing or empty. Every row needs an image_path and a label.`;
}

/** A split value other than train/val/validation/test. */
export function csvBadSplit(file: string, line: number, value: string): string {
  return `${file}:${line}: the split "${value}" is not one of train, val, validation, test. Use one of those, as the header's split column requires a value on every row.`;
}

/** A path outside the manifest's directory. */
export function csvEscape(file: string, line: number, path: string, why: string): string {
  return (
    `${file}:${line}: the image path "${path}" ${why}, outside the manifest's directory, which is not allowed. ` +
    `Use paths relative to the directory of the CSV file, inside it.`
  );
}

/** The same image twice. */
export function csvDuplicate(file: string, line: number, path: string, first: number): string {
  return `${file}:${line}: "${path}" is listed again (first on line ${first}). List each image once, so it cannot land in two splits.`;
}

/** With a split column: a val/test label that no train row has. */
export function csvUnknownLabel(file: string, line: number, label: string, classes: string[]): string {
  return (
    `${file}:${line}: the label "${label}" is not among the classes of the train rows (${classes.join(', ')}). ` +
    `A class needs training images: add train rows for it or remove this row.`
  );
}

/** A split column but no train row: no classes to learn. */
export function csvNoTrainRows(file: string): string {
  return `The CSV manifest ${file} has a split column but no train rows. Mark the training images with split train.`;
}

/** Header only. */
export function csvEmpty(file: string): string {
  return `The CSV manifest ${file} lists no images. Add one row per image: image_path,label.`;
}

// ── cifar10 ──────────────────────────────────────────────────────────────────────────────────────

/** No data.path and nothing fetched into the cache. */
export function cifarNotFetched(dir: string): string {
  return (
    `CIFAR-10 is not in the dataset cache (${dir}). Run "convlens datasets fetch cifar10" with the same --cache, ` +
    `or download cifar-10-binary.tar.gz yourself, unpack it, and set data.path to its cifar-10-batches-bin directory.`
  );
}

/** One of the six batch files is absent. */
export function cifarBatchMissing(dir: string, file: string): string {
  return (
    `The CIFAR-10 directory ${dir} has no ${file}. It needs data_batch_1.bin … data_batch_5.bin and test_batch.bin ` +
    `from the binary version (cifar-10-binary.tar.gz); unpack the archive again or fetch it with "convlens datasets fetch cifar10".`
  );
}

/** A batch whose size is not a whole number of records. */
export function cifarOddSize(file: string, bytes: number): string {
  return (
    `The CIFAR-10 batch ${file} has ${bytes} bytes, not a whole number of 3073-byte records (1 label byte + 32×32×3 pixels). ` +
    `It is truncated, or not from the CIFAR-10 binary version (CIFAR-100's records are 3074 bytes); fetch the data again.`
  );
}

/** A batch with fewer records than the others. */
export function cifarShort(file: string, records: number, expected: number): string {
  return `The CIFAR-10 batch ${file} holds ${records} records where the other batches hold ${expected}; it is truncated. Fetch the data again.`;
}

/** A label byte over 9. */
export function cifarBadLabel(file: string, record: number, label: number): string {
  return `The CIFAR-10 batch ${file} has label ${label} in record ${record}; CIFAR-10 labels are 0–9. The file is damaged or from another dataset; fetch the data again.`;
}

/** batches.meta.txt with the wrong number of names. */
export function cifarMeta(file: string, count: number): string {
  return `The CIFAR-10 class list ${file} names ${count} classes instead of 10. Restore it from the archive, or delete it to use the official names.`;
}

// ── fetch ────────────────────────────────────────────────────────────────────────────────────────

const byHand =
  'Without network access, download cifar-10-binary.tar.gz by hand, unpack it, and set data.path to its cifar-10-batches-bin directory.';

/** The request could not be made at all (DNS, refused, TLS, …). */
export function networkFailure(url: string, detail: string): string {
  return `Could not download ${url} (${detail}). Check the network connection and run the command again; it resumes where it stopped. ${byHand}`;
}

/** An HTTP status other than 200/206. */
export function httpStatus(url: string, status: number): string {
  return `The server answered HTTP ${status} for ${url}. Check the address (--url) and run the command again. ${byHand}`;
}

/** The transfer broke off; the partial file is kept. */
export function transferInterrupted(url: string, have: number, total: number, detail: string): string {
  return `The download of ${url} stopped after ${have} of ${total} bytes (${detail}). Run the command again to resume from there. ${byHand}`;
}

/** The server ignored the Range request: a notice, the download restarts. */
export function rangeIgnored(have: number): string {
  return `The server does not support resuming (it ignored the Range request), so the download starts over; the ${have} bytes downloaded before are discarded.`;
}

/** The complete download does not have the expected size. */
export function sizeMismatch(url: string, actual: number, expected: number): string {
  return (
    `The file downloaded from ${url} has ${actual} bytes, not the expected ${expected}, so it is not the official archive. ` +
    `It was deleted; check --url and run the command again.`
  );
}

/** The complete download has the wrong MD5. */
export function checksumMismatch(url: string, actual: string, expected: string): string {
  return (
    `The file downloaded from ${url} has MD5 ${actual}, not the expected ${expected}: it is corrupt or not the official archive. ` +
    `The partial download was deleted; run the command again to download it afresh.`
  );
}

/** A write to the cache failed (full disk, permissions, a file in the way). */
export function diskError(path: string, detail: string): string {
  return (
    `Could not write ${path} (${detail}). Free disk space or fix the permissions, or choose another cache directory with --cache, ` +
    `then run the command again; a partial download is kept and resumes.`
  );
}

/** tar failed on a verified archive. */
export function unpackFailed(archive: string, dest: string, detail: string): string {
  return (
    `Unpacking ${archive} failed (${detail}), so nothing was installed in ${dest}. Check free disk space and run the command again; ` +
    `the verified archive is kept, so it is not downloaded again.`
  );
}

/** The archive verified but does not hold what it should. */
export function archiveLayout(archive: string, missing: string): string {
  return `The archive ${archive} has no ${missing}, so it is not CIFAR-10's binary version; nothing was installed. Check --url, delete the archive and run the command again.`;
}

/** Done. */
export function fetched(dir: string): string {
  return `CIFAR-10 is ready in ${dir}. Experiments with data.source: cifar10 and no data.path use it.`;
}

/** Nothing to do. */
export function alreadyFetched(dir: string): string {
  return `CIFAR-10 is already in ${dir}; nothing to do. Delete that directory to fetch it again.`;
}

/** `convlens datasets` with a wrong action or dataset name. */
export function datasetsUsage(given: string[]): string {
  const what = given.length > 0 ? `"convlens datasets ${given.join(' ')}" is not a datasets command` : 'convlens datasets needs an action';
  return `${what}. Use "convlens datasets fetch cifar10" (optionally with --url URL for a mirror and --cache DIR).`;
}

/** A file of a folder source that is a symbolic link leading outside the folder. */
export function linkOutsideRoot(root: string, name: string, target: string): string {
  return (
    `The file "${name}" in ${root} leads to ${target}, outside the folder (through a symbolic link), which is not allowed: ` +
    `a report must only contain the data it names. Copy the image into the folder, or point data.path at a folder that contains it.`
  );
}
