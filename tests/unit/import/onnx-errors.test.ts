/**
 * Every ONNX import error, from the broken graphs of scripts/fixtures/onnx_ops.py or a damaged
 * copy of a good file, asserted by its exact text.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readModelFile, type ReadOptions } from '../../../src/import/index.ts';
import { sniffFormat } from '../../../src/import/sniff.ts';
import { UserError } from '../../../src/lib/errors.ts';
import { MODELS } from './reference.ts';

const OPS = join(MODELS, 'onnx-ops');
const BROKEN = join(OPS, 'broken');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'convlens-onnx-errors-'));
});

async function errorOf(path: string, options: ReadOptions = {}): Promise<string> {
  try {
    await readModelFile(path, undefined, options);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as Error).message.replaceAll(dir, '<tmp>').replaceAll(MODELS, '<models>');
  }
  throw new Error(`${path} imported without error`);
}

describe('recognizing ONNX by content', () => {
  it('a ModelProto is ONNX whatever its name; other formats are not', () => {
    expect(sniffFormat(readFileSync(join(OPS, 'conv.onnx')))).toBe('onnx');
    expect(sniffFormat(Buffer.from('{"modelTopology": {}}'))).toBe('tfjs-layers');
    expect(sniffFormat(Buffer.from([0x08, 0x07]))).toBeUndefined(); // ir_version alone: no graph
    expect(sniffFormat(Buffer.from([0x08, 0x07, 0x12, 0x03, 0x61, 0x62, 0x63]))).toBeUndefined(); // no graph
    expect(sniffFormat(Buffer.from([0x08, 0x07, 0xff, 0xff, 0x7f, 0x00]))).toBeUndefined(); // field 2^18: not ModelProto
    expect(sniffFormat(Buffer.from([0x08, 0x96, 0x01, 0x3a, 0x00]))).toBe('onnx');
  });

  it('a file starting with 0x08 that is not a ModelProto is no known format', async () => {
    const path = join(dir, 'model.onnx');
    writeFileSync(path, Buffer.from([0x08, 0x01, 0x50, 0x4b, 0x03, 0x04, 0x00]));
    expect(await errorOf(path)).toMatchInlineSnapshot(`"The model file <tmp>/model.onnx is neither JSON, HDF5, zip nor ONNX, so convlens cannot tell what kind of model it is. convlens reads four kinds of model file: a TensorFlow.js layers model (model.json with its weight files), a Keras HDF5 model saved with model.save("model.h5"), a Keras zip model saved with model.save("model.keras"), and an ONNX model exported with torch.onnx.export."`);
  });
});

describe('damaged files', () => {
  it('truncated', async () => {
    const path = join(dir, 'truncated.onnx');
    const bytes = readFileSync(join(OPS, 'conv.onnx'));
    writeFileSync(path, bytes.subarray(0, 3000));
    expect(await errorOf(path)).toMatchInlineSnapshot(`"The ONNX file <tmp>/truncated.onnx cannot be decoded: it is truncated or damaged (index out of range). Copy or download it again, or export the model again with torch.onnx.export(model.eval(), example_input, "model.onnx", opset_version=17)."`);
  });
  it('external data missing', async () => {
    expect(await errorOf(join(BROKEN, 'external-missing.onnx'))).toMatchInlineSnapshot(`"The tensor "conv.weight" in <models>/onnx-ops/broken/external-missing.onnx is stored in the external data file "missing.data", which does not exist beside it. Copy the .onnx file together with its data files (they are written next to it by torch.onnx.export for models over 2 GB, or by onnx.save_model(..., save_as_external_data=True))."`);
  });
  it('external data outside the model folder', async () => {
    expect(await errorOf(join(BROKEN, 'external-outside.onnx'))).toMatchInlineSnapshot(`"The tensor "conv.weight" in <models>/onnx-ops/broken/external-outside.onnx is stored in "../outside.data", which lies outside the model's folder. convlens reads external data only from the folder of the .onnx file; put the data file beside it and save the model with a plain file name as location."`);
  });
  it('external data file too short', async () => {
    writeFileSync(join(dir, 'external.onnx'), readFileSync(join(OPS, 'external.onnx')));
    writeFileSync(join(dir, 'external.data'), readFileSync(join(OPS, 'external.data')).subarray(0, 100));
    expect(await errorOf(join(dir, 'external.onnx'))).toMatchInlineSnapshot(`"The tensor "conv.weight" in <tmp>/external.onnx is stored at offset 0, length 432 of "external.data", but it needs 432 bytes and the file has 100. The data file is truncated or belongs to another model; copy it again with its .onnx file."`);
  });
});

describe('graphs convlens cannot convert', () => {
  it('an unsupported operator', async () => {
    expect(await errorOf(join(BROKEN, 'unsupported-op.onnx'))).toMatchInlineSnapshot(`"The node "/features/act/Erf" in <models>/onnx-ops/broken/unsupported-op.onnx uses the operator Erf, which convlens cannot convert. It converts these ONNX operators: Conv, ConvTranspose, MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool, Pad, Relu, LeakyRelu, Clip, Sigmoid, Tanh, HardSigmoid, HardSwish, BatchNormalization, Softmax, Dropout, Identity, Add, Sub, Mul, Div, Concat, Flatten, Reshape, Squeeze, Unsqueeze, Gemm, MatMul, Constant, Shape, Gather, Cast, Slice (shape arithmetic). Replace the operation in the PyTorch model (or build the model in convlens's own YAML) and export it again."`);
  });
  it('a grouped convolution that is not depthwise', async () => {
    expect(await errorOf(join(BROKEN, 'grouped-conv.onnx'))).toMatchInlineSnapshot(`"The node "/grouped/Conv" (Conv) in <models>/onnx-ops/broken/grouped-conv.onnx is a grouped convolution with 2 groups over 4 input channels, which convlens cannot convert exactly. convlens converts group = 1 (a plain convolution) and group = input channels (a depthwise convolution) only; rebuild the layer as one of those."`);
  });
  it('max pooling with PyTorch padding over a signed input', async () => {
    expect(await errorOf(join(BROKEN, 'maxpool-signed.onnx'))).toMatchInlineSnapshot(`"The node "/pool/MaxPool" (MaxPool) in <models>/onnx-ops/broken/maxpool-signed.onnx pads its input [top 1, left 1, bottom 0, right 0] in a way TensorFlow.js's "same" padding does not, and its input may be negative, so padding with zeros would change the maxima, which convlens cannot convert exactly. Put the ReLU before the max pooling, or pad the input so the pooling needs no padding."`);
  });
  it('an output that is not [batch, classes]', async () => {
    expect(await errorOf(join(BROKEN, 'output-4d.onnx'))).toMatchInlineSnapshot(`"The output "/conv/Conv_output_0" of the ONNX model in <models>/onnx-ops/broken/output-4d.onnx has shape [batch, 4, 6, 6], but convlens imports classifiers whose output is [batch, classes]. Export the model with its classifier head (for example, flatten the pooled features and end with a Linear layer)."`);
  });
  it('symbolic height and width without the dataset image size', async () => {
    expect(await errorOf(join(OPS, 'dynamic.onnx'))).toMatchInlineSnapshot(`"The input "input" of the ONNX model in <models>/onnx-ops/dynamic.onnx has shape [batch, 3, height, width]: its height and width are left open, and no dataset image size was given to fill them in. convlens needs the image size to convert pooling and padding exactly; it uses the dataset's when the model is imported for an experiment. Otherwise export without dynamic_axes for height and width."`);
  });
  it('symbolic height and width filled with an image size the classifier head does not fit', async () => {
    // conv.onnx (10×10, Flatten → Gemm over 3·4·3 features) with its height and width made symbolic.
    const root = protobuf.parse(readFileSync('src/import/onnx/onnx.proto', 'utf8'), { keepCase: true }).root;
    const type = root.lookupType('onnx.ModelProto');
    const model = type.toObject(type.decode(readFileSync(join(OPS, 'conv.onnx')))) as any;
    model.graph.input[0].type.tensor_type.shape.dim = [{ dim_param: 'batch' }, { dim_value: 3 }, { dim_param: 'height' }, { dim_param: 'width' }];
    const path = join(dir, 'conv-dynamic.onnx');
    writeFileSync(path, type.encode(type.fromObject(model)).finish());
    expect(await errorOf(path, { imageSize: [28, 28] })).toMatchInlineSnapshot(`"The node "/fc/Gemm" (Gemm) in <tmp>/conv-dynamic.onnx has weights for 36 input features but gets 273 at this image size, which convlens cannot convert exactly. The model takes images of another size only: resize the dataset's images to the size it was trained on (data.image.resize), or export it for this size."`);
  });
});

describe("the PyTorch fixtures' broken files (scripts/fixtures/torch_onnx.py)", () => {
  const REAL = join(MODELS, 'onnx/broken');
  it('truncated after 200 bytes', async () => {
    expect(await errorOf(join(REAL, 'truncated.onnx'))).toMatchInlineSnapshot(`"The ONNX file <models>/onnx/broken/truncated.onnx cannot be decoded: it is truncated or damaged (index out of range). Copy or download it again, or export the model again with torch.onnx.export(model.eval(), example_input, "model.onnx", opset_version=17)."`);
  });
  it('external data file missing', async () => {
    expect(await errorOf(join(REAL, 'missing-external.onnx'))).toMatchInlineSnapshot(`"The tensor "fc.weight" in <models>/onnx/broken/missing-external.onnx is stored in the external data file "missing-external.weights", which does not exist beside it. Copy the .onnx file together with its data files (they are written next to it by torch.onnx.export for models over 2 GB, or by onnx.save_model(..., save_as_external_data=True))."`);
  });
  it('dynamic height and width without the image size', async () => {
    expect(await errorOf(join(REAL, 'dynamic-hw.onnx'))).toMatchInlineSnapshot(`"The input "input" of the ONNX model in <models>/onnx/broken/dynamic-hw.onnx has shape [batch, 1, height, width]: its height and width are left open, and no dataset image size was given to fill them in. convlens needs the image size to convert pooling and padding exactly; it uses the dataset's when the model is imported for an experiment. Otherwise export without dynamic_axes for height and width."`);
  });
  it('dynamic height and width with an image size the Linear layer does not fit', async () => {
    expect(await errorOf(join(REAL, 'dynamic-hw.onnx'), { imageSize: [32, 32] })).toMatchInlineSnapshot(`"The node "/classifier/fc1/Gemm" (Gemm) in <models>/onnx/broken/dynamic-hw.onnx has weights for 1568 input features but gets 2048 at this image size, which convlens cannot convert exactly. The model takes images of another size only: resize the dataset's images to the size it was trained on (data.image.resize), or export it for this size."`);
  });
  it('a feature map as output', async () => {
    expect(await errorOf(join(REAL, 'not-classifier.onnx'))).toMatchInlineSnapshot(`"The output "output" of the ONNX model in <models>/onnx/broken/not-classifier.onnx has shape [batch, 4, 16, 16], but convlens imports classifiers whose output is [batch, classes]. Export the model with its classifier head (for example, flatten the pooled features and end with a Linear layer)."`);
  });
});

