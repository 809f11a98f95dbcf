/**
 * Every user-facing sentence of model import. Each names the file, says what happened, why, and
 * what to do; none starts with "Error:" (the CLI adds its own prefix).
 */

const quote = (s: string) => `"${s}"`;
/** A shape as users read it: [3, 3, 32, 64]. */
export const shapeText = (shape: readonly (number | null)[]) => `[${shape.map((d) => d ?? 'any').join(', ')}]`;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

const REEXPORT = 'export the model again with torch.onnx.export(model.eval(), example_input, "model.onnx", opset_version=17).';
const ONNX_EXPORT = `${REEXPORT.charAt(0).toUpperCase()}${REEXPORT.slice(1)}`;

const FORMATS =
  'convlens reads four kinds of model file: a TensorFlow.js layers model (model.json with its weight files), ' +
  'a Keras HDF5 model saved with model.save("model.h5"), a Keras zip model saved with model.save("model.keras"), ' +
  'and an ONNX model exported with torch.onnx.export.';

/** The model import's messages, by situation. */
export const messages = {
  // --- the file itself ---

  missingFile: (path: string) => `The model file ${path} does not exist. Check the path (it is relative to the experiment file).`,

  isDirectory: (path: string) =>
    `The model path ${path} is a folder. Point it at the model file itself: the model.json of a TensorFlow.js model, or the .h5 or .keras file saved by Keras.`,

  unknownFormat: (path: string) =>
    `The model file ${path} is neither JSON, HDF5, zip nor ONNX, so convlens cannot tell what kind of model it is. ${FORMATS}`,

  tooLarge: (path: string, bytes: number, limit: number) =>
    `The model file ${path} is ${mib(bytes)}, more than the ${mib(limit)} convlens reads for a model. Use a smaller model, or check that the path points at the model and not at a data file.`,

  // --- TensorFlow.js layers models ---

  notJson: (path: string, detail: string) =>
    `The model file ${path} starts like JSON but is not valid JSON (${detail}). Point at the model.json written by tensorflowjs_converter or by model.save() in TensorFlow.js.`,

  graphModel: (path: string) =>
    `The model file ${path} is a TensorFlow.js graph model (converted from a SavedModel or frozen graph), which has no layers convlens can rebuild. ` +
    `Convert the Keras model instead: tensorflowjs_converter --input_format=keras model.h5 <folder>.`,

  notLayersModel: (path: string) =>
    `The JSON file ${path} is not a TensorFlow.js layers model: it has no "modelTopology" with a Keras model configuration. ${FORMATS}`,

  missingShard: (path: string, shard: string) =>
    `The weight file ${quote(shard)} listed in ${path} does not exist beside it. Copy every file tensorflowjs_converter wrote (model.json and all group*-shard*.bin files) into one folder.`,

  shardOutside: (path: string, shard: string) =>
    `The weight file ${quote(shard)} listed in ${path} lies outside the model's folder. convlens reads weight files only from the folder of model.json; re-run tensorflowjs_converter to write them there.`,

  shardSize: (path: string, shards: string[], expected: number, actual: number) =>
    `The weight files ${shards.map(quote).join(', ')} of ${path} hold ${actual} bytes, but the manifest's weights need ${expected}. ` +
    `The files are truncated or belong to another model; convert the model again.`,

  unsupportedWeightType: (path: string, weight: string, dtype: string) =>
    `The weight ${quote(weight)} in ${path} is stored as ${quote(dtype)}, which convlens cannot read (it reads float32 and the converter's uint8, uint16 and float16 quantization). ` +
    `Convert the model again without --quantize_* options, or with one of those.`,

  badQuantization: (path: string, weight: string) =>
    `The weight ${quote(weight)} in ${path} is quantized but its "quantization" entry lacks "min" and "scale" (or "min" and "max"), so its values cannot be restored. Convert the model again.`,

  // --- HDF5 ---

  corruptHdf5: (path: string, detail: string) =>
    `The HDF5 file ${path} cannot be read: it is truncated or damaged (${detail}). Copy or download it again, or save the model again with model.save().`,

  notKerasHdf5: (path: string) =>
    `The HDF5 file ${path} holds no Keras model configuration (no "model_config" attribute). It may contain only weights (model.save_weights); ` +
    `save the whole model with model.save("model.h5") so convlens knows its layers.`,

  keras1: (path: string, version: string) =>
    `The HDF5 file ${path} was written by Keras ${version}, whose layer configurations (nb_filter, border_mode, …) convlens does not read. ` +
    `Load it in Keras 2 (keras.models.load_model converts it) and save it again with model.save().`,

  badConfigJson: (path: string, where: string, detail: string) =>
    `The model configuration (${where}) in ${path} is not valid JSON (${detail}). The file is damaged; save the model again.`,

  // --- zip ---

  corruptZip: (path: string, detail: string) =>
    `The zip file ${path} cannot be read: it is truncated or damaged (${detail}). Copy or download it again, or save the model again with model.save("model.keras").`,

  zipMissingEntry: (path: string, entry: string) =>
    `The zip file ${path} has no ${quote(entry)}, so it is not a Keras model saved with model.save("model.keras"). ${FORMATS}`,

  zipTooLarge: (path: string, bytes: number, limit: number) =>
    `The zip file ${path} unpacks to ${mib(bytes)} or more, over the ${mib(limit)} convlens accepts for a model. It is either a far larger model than a report can use or a zip bomb; convlens did not unpack it.`,

  zipRatio: (path: string, entry: string, ratio: number, limit: number) =>
    `The entry ${quote(entry)} of the zip file ${path} expands ${Math.round(ratio)}-fold, more than the ${limit}-fold real model files reach. convlens refuses it as a likely zip bomb; save the model again with model.save("model.keras").`,

  // --- configuration ---

  badConfig: (path: string, where: string, detail: string) =>
    `The model configuration in ${path} is not one convlens understands at ${where}: ${detail}. Save the model again with a current Keras, or report the file to convlens's developers.`,

  unsupportedLayer: (path: string, layer: string, className: string, supported: readonly string[]) =>
    `The layer ${quote(layer)} in ${path} is a ${className}, which convlens cannot import. ` +
    `It imports these layer classes: ${supported.join(', ')}. Replace the layer in Keras and save the model again, or build the model in convlens's own YAML.`,

  customLayer: (path: string, layer: string, className: string, origin: string) =>
    `The layer ${quote(layer)} in ${path} is a custom layer class, ${className} (${origin}), defined in the Python code that built the model rather than in Keras. ` +
    `convlens cannot run Python code, so it cannot rebuild that layer. Rebuild the model from stock Keras layers and save it again.`,

  unsupportedOption: (path: string, layer: string, className: string, option: string, value: string, fix: string) =>
    `The layer ${quote(layer)} (${className}) in ${path} sets ${option} to ${value}, which convlens cannot import. ${fix}`,

  channelsFirst: (path: string, layer: string, className: string) =>
    `The layer ${quote(layer)} (${className}) in ${path} uses data_format "channels_first"; convlens's images are channels-last [height, width, channels]. ` +
    `Save the model with data_format="channels_last" (the Keras default) and transposed weights.`,

  groups: (path: string, layer: string, groups: number, channels: number) =>
    `The layer ${quote(layer)} (Conv2D) in ${path} is a grouped convolution with ${groups} groups over ${channels} input channels. ` +
    `convlens imports groups = 1 (a plain convolution) and groups = input channels (a depthwise convolution) only; rebuild the layer as one of those.`,

  noInputShape: (path: string) =>
    `The model in ${path} does not say the shape of its input (no InputLayer and no batch_input_shape on its first layer). Build the model with an Input(shape=...) before saving it.`,

  notImage: (path: string, shape: readonly (number | null)[]) =>
    `The model in ${path} takes inputs of shape ${shapeText(shape)}, but convlens classifies images of shape [height, width, channels].`,

  multipleInputs: (path: string, count: number) =>
    `The model in ${path} has ${count} inputs; convlens feeds a model one image batch, so it imports models with exactly one input.`,

  // --- weights ---

  missingWeight: (path: string, layer: string, weight: string, expected: readonly (number | null)[]) =>
    `The weight ${quote(weight)} of layer ${quote(layer)} is missing from ${path} (expected shape ${shapeText(expected)}). The file is incomplete or its weights belong to another model; save the model again.`,

  weightShape: (path: string, layer: string, weight: string, expected: readonly (number | null)[], found: readonly number[]) =>
    `The weight ${quote(weight)} of layer ${quote(layer)} in ${path} has shape ${shapeText(found)}, but the layer's configuration needs ${shapeText(expected)}. ` +
    `The weights belong to a differently configured model; save the model again from the code that trained it.`,

  weightCount: (path: string, layer: string, expected: readonly string[], found: number) =>
    `The layer ${quote(layer)} in ${path} stores ${found} weights, but its configuration needs ${expected.length} (${expected.join(', ')}). The weights belong to a differently configured model; save the model again.`,

  weightNotFloat: (path: string, layer: string, weight: string, dtype: string) =>
    `The weight ${quote(weight)} of layer ${quote(layer)} in ${path} is stored as ${dtype}, not as floating point numbers. convlens imports float weights only.`,
  // --- ONNX (src/import/onnx/) ---

  onnxCorrupt: (path: string, detail: string) =>
    `The ONNX file ${path} cannot be decoded: it is truncated or damaged (${detail}). Copy or download it again, or ${REEXPORT}`,

  onnxNoGraph: (path: string) =>
    `The ONNX file ${path} holds no graph, so there is no model to import. ${ONNX_EXPORT}`,

  onnxOpset: (path: string, opset: number | undefined) =>
    `The ONNX file ${path} ${opset === undefined ? 'declares no version of the standard ONNX operator set' : `uses ONNX operator set ${opset}`}; convlens reads operator sets 9 and later (PyTorch exports 11–18). ${ONNX_EXPORT}`,

  onnxExternalNoLocation: (path: string, tensor: string) =>
    `The tensor ${quote(tensor)} in ${path} is stored outside the file but does not say where (no "location"). The file is damaged; ${REEXPORT}`,

  onnxExternalOutside: (path: string, tensor: string, location: string) =>
    `The tensor ${quote(tensor)} in ${path} is stored in ${quote(location)}, which lies outside the model's folder. convlens reads external data only from the folder of the .onnx file; put the data file beside it and save the model with a plain file name as location.`,

  onnxExternalMissing: (path: string, tensor: string, location: string) =>
    `The tensor ${quote(tensor)} in ${path} is stored in the external data file ${quote(location)}, which does not exist beside it. Copy the .onnx file together with its data files (they are written next to it by torch.onnx.export for models over 2 GB, or by onnx.save_model(..., save_as_external_data=True)).`,

  onnxExternalRange: (path: string, tensor: string, location: string, offset: number, length: number, expected: number, size: number) =>
    `The tensor ${quote(tensor)} in ${path} is stored at offset ${offset}, length ${length} of ${quote(location)}, but it needs ${expected} bytes and the file has ${size}. The data file is truncated or belongs to another model; copy it again with its .onnx file.`,

  onnxTensorType: (path: string, tensor: string, type: string) =>
    `The tensor ${quote(tensor)} in ${path} holds ${type} values, which convlens cannot read as weights. convlens reads float, float16, double and integer tensors; export the model in float32.`,

  onnxTensorSize: (path: string, tensor: string, dims: readonly number[], bytes: number, expected: number) =>
    `The tensor ${quote(tensor)} in ${path} has shape ${shapeText(dims)} (${expected} bytes) but stores ${bytes} bytes. The file is damaged; ${REEXPORT}`,

  onnxInputNotImage: (path: string, input: string, dims: readonly string[], elemType: number) =>
    `The input ${quote(input)} of the ONNX model in ${path} has shape [${dims.join(', ')}]${elemType !== 1 ? ` and element type ${elemType}` : ''}, but convlens feeds float images as [batch, channels, height, width] with a fixed number of channels. ` +
    `Export the model with an example input such as torch.zeros(1, 3, 32, 32).`,

  onnxDynamicSize: (path: string, input: string, dims: readonly string[]) =>
    `The input ${quote(input)} of the ONNX model in ${path} has shape [${dims.join(', ')}]: its height and width are left open, and no dataset image size was given to fill them in. ` +
    `convlens needs the image size to convert pooling and padding exactly; it uses the dataset's when the model is imported for an experiment. Otherwise export without dynamic_axes for height and width.`,

  onnxMissingTensor: (path: string, node: string, op: string, tensor: string) =>
    `The node ${quote(node)} (${op}) in ${path} reads the tensor ${quote(tensor)}, which no earlier node, initializer or input produces. The graph is incomplete or not in topological order; ${REEXPORT}`,

  onnxUnsupportedOp: (path: string, node: string, op: string, supported: readonly string[]) =>
    `The node ${quote(node)} in ${path} uses the operator ${op}, which convlens cannot convert. ` +
    `It converts these ONNX operators: ${supported.join(', ')}. Replace the operation in the PyTorch model (or build the model in convlens's own YAML) and export it again.`,

  onnxNodeUnsupported: (path: string, node: string, op: string, what: string, fix: string) =>
    `The node ${quote(node)} (${op}) in ${path} ${what}, which convlens cannot convert exactly. ${fix}`,

  onnxOutputs: (path: string, outputs: readonly string[]) =>
    `The ONNX model in ${path} has ${outputs.length} outputs (${outputs.map(quote).join(', ')}); convlens imports classifiers with exactly one output of shape [batch, classes]. Export the model returning only its logits.`,

  onnxOutputNotClasses: (path: string, output: string, shape: readonly (number | null)[]) =>
    `The output ${quote(output)} of the ONNX model in ${path} has shape [${shape.map((d) => d ?? 'batch').join(', ')}], but convlens imports classifiers whose output is [batch, classes]. ` +
    `Export the model with its classifier head (for example, flatten the pooled features and end with a Linear layer).`,
};

