/**
 * One fixture per kind of mistake (tests/fixtures/config/invalid/), asserting the exact
 * `file:line:col: key.path: message` lines `convlens check` prints, then smaller cases
 * given as inline text through the injected fs.
 */
import { describe, expect, it } from 'vitest';
import { formatConfigError, loadExperiments } from '../../../src/config/index.ts';

const DIR = 'tests/fixtures/config/invalid';

async function check(...names: string[]): Promise<string[]> {
  const { experiments, errors } = await loadExperiments(names.map((n) => `${DIR}/${n}`));
  const lines = errors.map(formatConfigError).map((l) => l.slice(DIR.length + 1));
  return experiments.length === 0 || names.length > 1 ? lines : [...lines, `unexpectedly valid: ${experiments.map((e) => e.id)}`];
}

/** A file given as text: `experiments/<name>` through an in-memory fs. */
async function checkText(text: string, name = 'a.yaml'): Promise<string[]> {
  const fs = { readFile: async () => text };
  const { errors } = await loadExperiments([`experiments/${name}`], fs);
  return errors.map(formatConfigError);
}

describe('invalid fixtures, one per mistake', () => {
  it('wrong-type: quoted number, word for a number, list for a number', async () => {
    expect(await check('wrong-type.yaml')).toEqual([
      'wrong-type.yaml:6:26: model.layers[0].conv2d.filters: expected an integer of at least 1, found "32". Remove the quotes.',
      'wrong-type.yaml:9:11: train.epochs: expected an integer from 1 to 10000, found "ten". Set a positive number of epochs.',
      'wrong-type.yaml:10:14: train.batchSize: expected an integer from 1 to 65536, found a list of 1 item. Typical batch sizes are 32 to 256.',
    ]);
  });

  it('unknown-key: at the key, with did-you-mean, and the misspelt key is not also reported missing', async () => {
    expect(await check('unknown-key.yaml')).toEqual([
      'unknown-key.yaml:7:9: model.layers[0].conv2d.kernal: unknown key "kernal"; did you mean "kernel"?',
      'unknown-key.yaml:12:3: train.optimiser: unknown key "optimiser"; did you mean "optimizer"?',
    ]);
  });

  it('missing-required-key: at the parent mapping, naming the key and what to add', async () => {
    expect(await check('missing-required-key.yaml')).toEqual([
      'missing-required-key.yaml:1:1: missing required key "train". Add a train: section with at least epochs: 10, or report on a model trained elsewhere with model.load.',
      'missing-required-key.yaml:3:1: data: missing required key "source". Add source: fashion-mnist, or one of mnist, cifar10, folder, csv.',
      'missing-required-key.yaml:7:7: model.layers[0].dense: missing required key "units". Add units: 10, for example.',
    ]);
  });

  it('out-of-range-number: the full allowed range, inclusive and exclusive bounds', async () => {
    expect(await check('out-of-range-number.yaml')).toEqual([
      'out-of-range-number.yaml:4:24: data.split.validation: expected a number from 0 to 0.9, found 0.95. It is the fraction of the training images held out for validation, e.g. 0.1.',
      'out-of-range-number.yaml:4:36: data.split.test: expected a number greater than 0 and at most 0.9, found 0. It is the fraction of the images held out for testing, e.g. 0.2.',
      'out-of-range-number.yaml:7:16: model.layers[0].dropout: expected a number at least 0 and less than 1, found 1. Write the rate as a fraction, e.g. dropout: 0.5.',
      'out-of-range-number.yaml:10:11: train.epochs: expected an integer from 1 to 10000, found 0. Set a positive number of epochs.',
      'out-of-range-number.yaml:11:31: train.optimizer.adam.beta1: expected a number at least 0 and less than 1, found 1.5. The usual value is 0.9.',
    ]);
  });

  it('bad-enum-value: lists the allowed values, suggests the closest', async () => {
    expect(await check('bad-enum-value.yaml')).toEqual([
      'bad-enum-value.yaml:3:11: data.source: expected one of "fashion-mnist", "mnist", "cifar10", "folder", "csv", found "cifar"; did you mean "cifar10"?',
      'bad-enum-value.yaml:6:52: model.layers[0].conv2d.activation: expected one of "linear", "relu", "relu6", "leakyRelu", "elu", "selu", "gelu", "swish", "sigmoid", "tanh", "softplus", "softmax", found "rleu"; did you mean "relu"?',
      'bad-enum-value.yaml:6:67: model.layers[0].conv2d.padding: expected one of "same", "valid", found "full". "same" keeps the image size; "valid" lets the window shrink it.',
      'bad-enum-value.yaml:7:19: model.layers[1].activation: expected one of "linear", "relu", "relu6", "leakyRelu", "elu", "selu", "gelu", "swish", "sigmoid", "tanh", "softplus", "softmax", found "sigmod"; did you mean "sigmoid"?',
    ]);
  });

  it("malformed-yaml: at the parser's position, no key path", async () => {
    expect(await check('malformed-yaml.yaml')).toEqual([
      'malformed-yaml.yaml:7:1: the file is not valid YAML: Flow map in block collection must be sufficiently indented and end with a }. Check the indentation and quoting at this position.',
    ]);
  });

  it('empty-file: a file with only comments', async () => {
    expect(await check('empty-file.yaml')).toEqual([
      'empty-file.yaml:1:1: the file is empty, but an experiment needs title, data, model and train. Add them, or delete the file.',
    ]);
  });

  it('duplicate-experiment-id: at the later file, at its id key or at 1:1 when the id comes from the file name', async () => {
    expect(await check('duplicate-experiment-id/first.yaml', 'duplicate-experiment-id/second.yaml', 'duplicate-experiment-id/baseline.yml')).toEqual([
      'duplicate-experiment-id/second.yaml:2:1: id: the experiment id "baseline" is already used by tests/fixtures/config/invalid/duplicate-experiment-id/first.yaml. Ids name the output folders, so they must be unique; rename one of the files or give this one a different id.',
      'duplicate-experiment-id/baseline.yml:1:1: id: the experiment id "baseline" is already used by tests/fixtures/config/invalid/duplicate-experiment-id/first.yaml. Ids name the output folders, so they must be unique; rename one of the files or give this one a different id.',
    ]);
  });

  it('layer-with-two-keys: two keys, no key, and an unknown layer type with the list of types', async () => {
    expect(await check('layer-with-two-keys.yaml')).toEqual([
      'layer-with-two-keys.yaml:6:7: model.layers[0]: expected exactly one key naming the layer type, found 2 keys ("conv2d", "maxPool"). Put each layer in its own list item starting with "- ", e.g. - dense: { units: 10 }.',
      'layer-with-two-keys.yaml:7:7: model.layers[1]: expected exactly one key naming the layer type, found an empty mapping. Put each layer in its own list item starting with "- ", e.g. - dense: { units: 10 }.',
      'layer-with-two-keys.yaml:8:7: model.layers[2].pool: unknown layer type "pool". The layer types allowed here are "conv2d", "depthwiseConv2d", "separableConv2d", "batchNorm", "maxPool", "avgPool", "globalAvgPool", "globalMaxPool", "flatten", "dense", "dropout", "spatialDropout", "activation", "add", "concatenate", "residual".',
    ]);
  });

  it('bad-id: an explicit id that cannot be used in URLs', async () => {
    expect(await check('bad-id.yaml')).toEqual([
      'bad-id.yaml:1:5: id: expected an id of lowercase letters, digits, "-" and "_" that starts with a letter or digit, found "My Experiment". The id names the report\'s URL and folders; use something like "my-experiment".',
    ]);
  });

  it('a file name that is not a valid id, with no id: key', async () => {
    expect(await check('Bad File Name.yaml')).toEqual([
      'Bad File Name.yaml:1:1: id: the file name "Bad File Name" does not make a valid experiment id (lowercase letters, digits, "-" and "_", starting with a letter or digit). Rename the file, or add id: bad-file-name.',
    ]);
  });
});

const VALID_TAIL = 'data: { source: mnist }\ntrain: { epochs: 1 }\n';

describe('shorthand forms and other shapes', () => {
  it('an unknown key inside the mapping form of a shorthand union gets that form’s keys', async () => {
    expect(await checkText(`title: t\n${VALID_TAIL}model:\n  layers:\n    - maxPool: { sise: 2 }\n`)).toEqual([
      'experiments/a.yaml:6:18: model.layers[0].maxPool.sise: unknown key "sise"; did you mean "size"?',
    ]);
  });

  it('a key in a mapping that takes none', async () => {
    const text = `title: t\ndata: { source: mnist }\nmodel: { layers: [ { flatten: } ] }\ntrain:\n  epochs: 1\n  schedule: { constant: { rate: 1 } }\n`;
    expect(await checkText(text)).toEqual([
      'experiments/a.yaml:6:27: train.schedule.constant.rate: unknown key "rate"; this mapping takes no keys. Remove it, or write {}.',
    ]);
  });

  it('a pair with one item, and a value of a kind no form accepts', async () => {
    expect(await checkText(`title: t\n${VALID_TAIL}model:\n  layers:\n    - conv2d: { filters: 8, kernel: [3] }\n    - dropout: high\n`)).toEqual([
      'experiments/a.yaml:6:37: model.layers[0].conv2d.kernel: expected a pair of integers of at least 1, found a list of 1 item. Write 3 for a 3×3 window, or [3, 5] for a 3×5 one.',
      'experiments/a.yaml:7:16: model.layers[1].dropout: expected a number at least 0 and less than 1 or a mapping, found "high". Write the rate as a fraction, e.g. dropout: 0.5.',
    ]);
  });

  it('two optimizers, and a misspelt optimizer', async () => {
    const model = 'model: { layers: [ { dense: { units: 2 } } ] }\n';
    expect(await checkText(`title: t\ndata: { source: mnist }\n${model}train:\n  epochs: 1\n  optimizer: { adam: {}, sgd: {} }\n`)).toEqual([
      'experiments/a.yaml:6:26: train.optimizer: expected exactly one key naming the optimizer, found 2 keys ("adam", "sgd"). Choose one optimizer, e.g. optimizer: { adam: { learningRate: 0.001 } }.',
    ]);
    expect(await checkText(`title: t\ndata: { source: mnist }\n${model}train:\n  epochs: 1\n  optimizer: { adma: {} }\n`)).toEqual([
      'experiments/a.yaml:6:16: train.optimizer.adma: unknown optimizer "adma"; did you mean "adam"?',
    ]);
  });

  it('a document that is a list, not a mapping', async () => {
    expect(await checkText('- title: t\n')).toEqual([
      'experiments/a.yaml:1:1: expected a mapping, found a list of 1 item. An experiment file is a mapping with the keys title:, data:, model: and train:.',
    ]);
  });

  it('an empty value where a section is required points at its key', async () => {
    expect(await checkText(`title: t\ndata:\nmodel: { layers: [ { flatten: } ] }\ntrain: { epochs: 1 }\n`)).toEqual([
      'experiments/a.yaml:2:1: data: expected a mapping, found nothing. Indent its keys below it, e.g. source: mnist.',
    ]);
  });

  it('a file that cannot be read', async () => {
    const fs = {
      readFile: async () => {
        throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
      },
    };
    const { errors } = await loadExperiments(['experiments/gone.yaml'], fs);
    expect(errors.map(formatConfigError)).toEqual([
      'experiments/gone.yaml:1:1: the file could not be read (ENOENT). Check that the path exists and is readable.',
    ]);
  });
});
