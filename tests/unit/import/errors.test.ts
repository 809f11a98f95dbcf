/**
 * Every import error, from a small broken file made in a temporary folder, asserted by its
 * exact text.
 */
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readModelFile } from '../../../src/import/index.ts';
import { readZipEntries } from '../../../src/import/zip.ts';
import { UserError } from '../../../src/lib/errors.ts';
import { MODELS } from './reference.ts';
import { makeZip } from './zip-writer.ts';

let dir: string;
const PYZZLE = join(MODELS, 'keras-zip/pyzzle-digits-tfkeras2.13.keras');
const BATCH_NORM = join(MODELS, 'keras-h5/dl4j-cnn_batch_norm.h5');
const SMIRNOV = join(MODELS, 'tfjs-layers/smirnov-cifar-cnn');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'convlens-import-errors-'));
});

/** The message of the UserError reading `path` throws, with the temp folder written as <tmp>. */
async function errorOf(path: string): Promise<string> {
  try {
    await readModelFile(path);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as Error).message.replaceAll(dir, '<tmp>').replaceAll(MODELS, '<models>');
  }
  throw new Error(`${path} imported without error`);
}

/** pyzzle's zip entries, with config.json changed by `edit`, written as <tmp>/<name>. */
async function editedPyzzle(name: string, edit: (config: any) => void): Promise<string> {
  const z = readFileSync(PYZZLE);
  {
    const entries = await readZipEntries(PYZZLE, z, ['config.json', 'metadata.json', 'model.weights.h5']);
    const config = JSON.parse(entries.get('config.json')!.toString('utf8'));
    edit(config);
    const out = join(dir, name);
    writeFileSync(out, makeZip([
      { name: 'metadata.json', data: entries.get('metadata.json')! },
      { name: 'config.json', data: Buffer.from(JSON.stringify(config)) },
      { name: 'model.weights.h5', data: entries.get('model.weights.h5')! },
    ]));
    return out;
  }
}

/** A copy of the smirnov tfjs model with model.json (and optionally the shard) changed. */
function editedSmirnov(name: string, edit: (json: any) => void, shard?: (bytes: Buffer) => Buffer): string {
  const out = join(dir, name);
  mkdirSync(out, { recursive: true });
  const json = JSON.parse(readFileSync(join(SMIRNOV, 'model.json'), 'utf8'));
  edit(json);
  writeFileSync(join(out, 'model.json'), JSON.stringify(json));
  const bytes = readFileSync(join(SMIRNOV, 'group1-shard1of1.bin'));
  writeFileSync(join(out, 'group1-shard1of1.bin'), shard ? shard(bytes) : bytes);
  return join(out, 'model.json');
}

describe('the file', () => {
  it('does not exist', async () => {
    expect(await errorOf(join(dir, 'nothing.h5'))).toMatchInlineSnapshot(`"The model file <tmp>/nothing.h5 does not exist. Check the path (it is relative to the experiment file)."`);
  });
  it('is a folder', async () => {
    expect(await errorOf(dir)).toMatchInlineSnapshot(`"The model path <tmp> is a folder. Point it at the model file itself: the model.json of a TensorFlow.js model, or the .h5 or .keras file saved by Keras."`);
  });
  it('is no model format', async () => {
    const path = join(dir, 'model.keras');
    writeFileSync(path, 'GIF89a not a model');
    expect(await errorOf(path)).toMatchInlineSnapshot(`"The model file <tmp>/model.keras is neither JSON, HDF5, zip nor ONNX, so convlens cannot tell what kind of model it is. convlens reads four kinds of model file: a TensorFlow.js layers model (model.json with its weight files), a Keras HDF5 model saved with model.save("model.h5"), a Keras zip model saved with model.save("model.keras"), and an ONNX model exported with torch.onnx.export."`);
  });
});

describe('HDF5', () => {
  it('truncated', async () => {
    const path = join(dir, 'truncated.h5');
    writeFileSync(path, readFileSync(BATCH_NORM).subarray(0, 10000));
    expect(await errorOf(path)).toMatchInlineSnapshot(`"The HDF5 file <tmp>/truncated.h5 cannot be read: it is truncated or damaged (truncated file: eof = 10000, sblock->base_addr = 0, stored_eof = 22584). Copy or download it again, or save the model again with model.save()."`);
  });
  it('damaged inside (superblock intact, data zeroed)', async () => {
    const bytes = Buffer.from(readFileSync(BATCH_NORM));
    bytes.fill(0, 96, bytes.length);
    const path = join(dir, 'zeroed.h5');
    writeFileSync(path, bytes);
    expect(await errorOf(path)).toMatchInlineSnapshot(`"The HDF5 file <tmp>/zeroed.h5 cannot be read: it is truncated or damaged (bad object header version number). Copy or download it again, or save the model again with model.save()."`);
  });
});

describe('zip', () => {
  it('truncated', async () => {
    const path = join(dir, 'truncated.keras');
    writeFileSync(path, readFileSync(PYZZLE).subarray(0, 200000));
    expect(await errorOf(path)).toMatchInlineSnapshot(`"The zip file <tmp>/truncated.keras cannot be read: it is truncated or damaged (End of central directory record signature not found. Either not a zip file, or file is truncated.). Copy or download it again, or save the model again with model.save("model.keras")."`);
  });
  it('a zip bomb is refused from the central directory, before inflating', async () => {
    const path = join(dir, 'bomb.keras');
    writeFileSync(path, makeZip([{ name: 'model.weights.h5', data: Buffer.alloc(50 * 2 ** 20), deflate: true }]));
    expect(await errorOf(path)).toMatchInlineSnapshot(`"The entry "model.weights.h5" of the zip file <tmp>/bomb.keras expands 1029-fold, more than the 100-fold real model files reach. convlens refuses it as a likely zip bomb; save the model again with model.save("model.keras")."`);
  });
  it('an entry inflating past its declared size is stopped while inflating', async () => {
    const path = join(dir, 'liar.keras');
    writeFileSync(path, makeZip([{ name: 'config.json', data: Buffer.alloc(2 ** 20, 0x20), deflate: true, declaredSize: 1000 }]));
    expect(await errorOf(path)).toMatchInlineSnapshot(`"The zip file <tmp>/liar.keras cannot be read: it is truncated or damaged (too many bytes in the stream. expected 1000. got at least 16384). Copy or download it again, or save the model again with model.save("model.keras")."`);
  });
  it('the total size cap applies to the declared sizes', async () => {
    await expect(readZipEntries('<pyzzle>', readFileSync(PYZZLE), ['config.json'], { maxBytes: 100_000, maxRatio: 100 })).rejects.toThrowErrorMatchingInlineSnapshot(`[UserError: The zip file <pyzzle> unpacks to 0.4 MiB or more, over the 0.1 MiB convlens accepts for a model. It is either a far larger model than a report can use or a zip bomb; convlens did not unpack it.]`);
  });
  it('lacks config.json', async () => {
    const path = join(dir, 'other.zip');
    writeFileSync(path, makeZip([{ name: 'readme.txt', data: Buffer.from('hello') }]));
    expect(await errorOf(path)).toMatchInlineSnapshot(`"The zip file <tmp>/other.zip has no "config.json", so it is not a Keras model saved with model.save("model.keras"). convlens reads four kinds of model file: a TensorFlow.js layers model (model.json with its weight files), a Keras HDF5 model saved with model.save("model.h5"), a Keras zip model saved with model.save("model.keras"), and an ONNX model exported with torch.onnx.export."`);
  });
});

describe('configuration', () => {
  it('a custom layer class (Keras 3)', async () => {
    expect(await errorOf(join(MODELS, 'keras-zip/keras3.15-custom-nested-container.keras'))).toMatchInlineSnapshot(`"The layer "nested_dense_model" in <models>/keras-zip/keras3.15-custom-nested-container.keras is a custom layer class, NestedDenseModel (registered as "legacy_nested_container>NestedDenseModel"), defined in the Python code that built the model rather than in Keras. convlens cannot run Python code, so it cannot rebuild that layer. Rebuild the model from stock Keras layers and save it again."`);
  });
  it('channels_first', async () => {
    const path = await editedPyzzle('channels-first.keras', (c) => {
      c.config.layers[1].config.data_format = 'channels_first';
    });
    expect(await errorOf(path)).toMatchInlineSnapshot(`"The layer "conv2d" (Conv2D) in <tmp>/channels-first.keras uses data_format "channels_first"; convlens's images are channels-last [height, width, channels]. Save the model with data_format="channels_last" (the Keras default) and transposed weights."`);
  });
  it('a layer class convlens does not import', async () => {
    const path = await editedPyzzle('gaussian-noise.keras', (c) => {
      c.config.layers[5].class_name = 'GaussianNoise';
    });
    expect(await errorOf(path)).toMatchInlineSnapshot(`"The layer "flatten" in <tmp>/gaussian-noise.keras is a GaussianNoise, which convlens cannot import. It imports these layer classes: InputLayer, Conv2D, DepthwiseConv2D, SeparableConv2D, BatchNormalization, Activation, ReLU, LeakyReLU, Softmax, Dense, Dropout, SpatialDropout2D, Flatten, Reshape, Add, Concatenate, Multiply, MaxPooling2D, AveragePooling2D, GlobalMaxPooling2D, GlobalAveragePooling2D, ZeroPadding2D, Cropping2D, UpSampling2D, Rescaling, Sequential, Functional (Model). Replace the layer in Keras and save the model again, or build the model in convlens's own YAML."`);
  });
  it('a grouped convolution that is not depthwise', async () => {
    const path = await editedPyzzle('groups.keras', (c) => {
      c.config.layers[3].config.groups = 2;
    });
    expect(await errorOf(path)).toMatchInlineSnapshot(`"The layer "conv2d_1" (Conv2D) in <tmp>/groups.keras is a grouped convolution with 2 groups over 32 input channels. convlens imports groups = 1 (a plain convolution) and groups = input channels (a depthwise convolution) only; rebuild the layer as one of those."`);
  });
  it('an activation tfjs lacks', async () => {
    const path = await editedPyzzle('exponential.keras', (c) => {
      c.config.layers[1].config.activation = 'exponential';
    });
    expect(await errorOf(path)).toMatchInlineSnapshot(`"The layer "conv2d" (Conv2D) in <tmp>/exponential.keras sets activation to "exponential", which convlens cannot import. convlens imports the activations linear, relu, relu6, sigmoid, softmax, softplus, softsign, tanh, elu, selu, swish, silu, gelu, mish, log_softmax, hard_sigmoid (hard_sigmoid only from Keras 2, whose formula tfjs shares)."`);
  });
  it('a graph model', async () => {
    const path = editedSmirnov('graph', (j) => {
      j.format = 'graph-model';
    });
    expect(await errorOf(path)).toMatchInlineSnapshot(`"The model file <tmp>/graph/model.json is a TensorFlow.js graph model (converted from a SavedModel or frozen graph), which has no layers convlens can rebuild. Convert the Keras model instead: tensorflowjs_converter --input_format=keras model.h5 <folder>."`);
  });
});

describe('weights', () => {
  it('a weight missing (tfjs)', async () => {
    const path = editedSmirnov('missing-weight', (j) => {
      j.weightsManifest[0].weights.pop();
    }, (b) => b.subarray(0, b.length - 47 * 4));
    expect(await errorOf(path)).toMatchInlineSnapshot(`"The weight "bias" of layer "dense_3" is missing from <tmp>/missing-weight/model.json (expected shape [47]). The file is incomplete or its weights belong to another model; save the model again."`);
  });
  it('a weight of the wrong shape (tfjs)', async () => {
    const path = editedSmirnov('wrong-shape', (j) => {
      j.weightsManifest[0].weights[0].shape = [3, 3, 16, 3];
    });
    expect(await errorOf(path)).toMatchInlineSnapshot(`"The weight "kernel" of layer "conv2d_3" in <tmp>/wrong-shape/model.json has shape [3, 3, 16, 3], but the layer's configuration needs [3, 3, 3, 16]. The weights belong to a differently configured model; save the model again from the code that trained it."`);
  });
  it('weight files shorter than the manifest says', async () => {
    const path = editedSmirnov('short', () => {}, (b) => b.subarray(0, 1000));
    expect(await errorOf(path)).toMatchInlineSnapshot(`"The weight files "group1-shard1of1.bin" of <tmp>/short/model.json hold 1000 bytes, but the manifest's weights need 643388. The files are truncated or belong to another model; convert the model again."`);
  });
  it('a weight file missing', async () => {
    const path = editedSmirnov('no-shard', (j) => {
      j.weightsManifest[0].paths = ['group1-shard1of2.bin'];
    });
    expect(await errorOf(path)).toMatchInlineSnapshot(`"The weight file "group1-shard1of2.bin" listed in <tmp>/no-shard/model.json does not exist beside it. Copy every file tensorflowjs_converter wrote (model.json and all group*-shard*.bin files) into one folder."`);
  });
  it('a weight file outside the model folder', async () => {
    const path = editedSmirnov('outside', (j) => {
      j.weightsManifest[0].paths = ['../group1-shard1of1.bin'];
    });
    expect(await errorOf(path)).toMatchInlineSnapshot(`"The weight file "../group1-shard1of1.bin" listed in <tmp>/outside/model.json lies outside the model's folder. convlens reads weight files only from the folder of model.json; re-run tensorflowjs_converter to write them there."`);
  });
  it('more weights stored than the configuration needs (zip)', async () => {
    const path = await editedPyzzle('no-bias.keras', (c) => {
      c.config.layers[1].config.use_bias = false;
    });
    expect(await errorOf(path)).toMatchInlineSnapshot(`"The layer "conv2d" in <tmp>/no-bias.keras stores 2 weights, but its configuration needs 1 (kernel). The weights belong to a differently configured model; save the model again."`);
  });
  it('a weight of the wrong shape (zip)', async () => {
    const path = await editedPyzzle('filters.keras', (c) => {
      c.config.layers[1].config.filters = 16;
    });
    expect(await errorOf(path)).toMatchInlineSnapshot(`"The weight "kernel" of layer "conv2d" in <tmp>/filters.keras has shape [3, 3, 1, 32], but the layer's configuration needs [3, 3, 1, 16]. The weights belong to a differently configured model; save the model again from the code that trained it."`);
  });
  it('a layer whose weights group is absent (zip)', async () => {
    const path = await editedPyzzle('extra-layer.keras', (c) => {
      c.config.layers.push({ module: 'keras.layers', class_name: 'Dense', config: { name: 'extra', units: 3, activation: 'softmax' }, registered_name: null });
    });
    expect(await errorOf(path)).toMatchInlineSnapshot(`"The weight "kernel" of layer "extra" is missing from <tmp>/extra-layer.keras (expected shape [9, 3]). The file is incomplete or its weights belong to another model; save the model again."`);
  });
});
