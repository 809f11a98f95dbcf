/**
 * Every user-facing sentence of the model stage. Each says what happened and what to do; none
 * starts with "Error:" (the CLI adds its own prefix).
 */

const quote = (s: string) => `"${s}"`;
const quoteList = (names: readonly string[]) => names.map(quote).join(', ');
/** A shape as users read it: [batch, 28, 28, 1]. */
export const shapeText = (shape: readonly (number | null)[]) => `[${shape.map((d) => d ?? 'batch').join(', ')}]`;
const imageText = (shape: readonly (number | null)[]) => shape.map((d) => d ?? 'any').join('×');
/** At most `max` names, then how many more. */
function someNames(names: readonly string[], max = 30): string {
  return names.length <= max ? quoteList(names) : `${quoteList(names.slice(0, max))} and ${names.length - max} more`;
}

/** The model stage's messages, by situation. */
export const messages = {
  // --- the head (build.ts) ---

  headFix: (numClasses: number) => `End model.layers with "- dense: { units: ${numClasses}, activation: softmax }".`,

  headNotFlat: (shape: readonly (number | null)[], numClasses: number) =>
    `The model's output has shape ${shapeText(shape)}, but a classifier must output one value per class. ` +
    `Add "- flatten: {}" or "- globalAvgPool: {}" before the last dense layer. ${messages.headFix(numClasses)}`,

  headUnits: (units: number | null, numClasses: number) =>
    `The model ends with ${units} units, but the dataset has ${numClasses} classes. ${messages.headFix(numClasses)}`,

  headActivation: (layer: string, activation: string | undefined, numClasses: number) =>
    `The model's last layer (${quote(layer)}) uses activation ${quote(activation ?? 'none')}, but convlens needs class probabilities. ${messages.headFix(numClasses)}`,

  // --- layers (graph.ts, vocabulary.ts) ---

  cannotApply: (where: string, inputs: string, detail: string) =>
    `${where} cannot be applied to its input ${inputs}: ${detail.replace(/\.?\s*$/, '.')} Check the layers before it (shapes are shown in the model summary).`,

  emptyOutput: (where: string, input: string, output: string) =>
    `${where} turns its input ${input} into ${output}, which has no pixels left. ` +
    `Use padding: same, a smaller kernel, pool size or stride, or fewer pooling layers before it.`,

  addShapes: (where: string, shapes: string[]) =>
    `${where} adds inputs of different shapes (${shapes.join(' and ')}); add needs identical shapes. ` +
    `Give the branches the same strides, pooling and channel count, or use a 1×1 conv2d on one branch to match the other.`,

  concatShapes: (where: string, shapes: string[], axis: number) =>
    `${where} joins inputs along axis ${axis}, but they differ in another dimension (${shapes.join(' and ')}). ` +
    `Give the branches the same strides and pooling, so only the joined axis differs.`,

  concatAxis: (where: string, axis: number, shape: string) =>
    `${where} joins along axis ${axis}, which its inputs (${shape}) do not have as an image axis. ` +
    `Use axis: -1 to join channels (the usual choice), or 1 and 2 for height and width; axis 0 is the batch.`,

  spatialRank: (where: string, input: string) =>
    `${where} is a spatialDropout, which drops whole feature maps of an image-shaped input [batch, height, width, channels], but its input is ${input}. ` +
    `Use dropout here, or move the spatialDropout before the flatten or global pooling layer.`,

  stridesAndDilation: (where: string, strides: number[], dilation: number[]) =>
    `${where} uses strides [${strides.join(', ')}] together with dilation [${dilation.join(', ')}]; a convolution can step or dilate, but not both (as in Keras). ` +
    `Set strides: 1, or dilation: 1 and add a pooling layer to downsample.`,

  nameTaken: (name: string, owner: string) =>
    name === owner
      ? `The layer name ${quote(name)} is already used by a layer of the pretrained base. Choose another name: for the layer.`
      : `The layer ${quote(owner)} names one of its parts ${quote(name)}, but another layer already has that name. Rename one of them.`,

  // --- pretrained bases (pretrained.ts, pretrained-files.ts) ---

  missingModel: (path: string) =>
    `The pretrained base ${path} does not exist. Check model.pretrained.path (it is relative to the experiment file); it must point at a Keras model file (.h5 or .keras, saved with model.save) or at a model.json saved by tfjs (model.save) or tensorflowjs_converter.`,

  notJson: (path: string, detail: string) =>
    `The pretrained base ${path} is not valid JSON (${detail}). Point model.pretrained.path at the model.json of a saved tfjs LayersModel.`,

  graphModel: (path: string) =>
    `The pretrained base ${path} is a tfjs graph model (converted from a TensorFlow SavedModel or frozen graph), which has no layers to cut, freeze or fine-tune. ` +
    `Convert the Keras model instead: tensorflowjs_converter --input_format=keras model.h5 <dir>, or save it from tfjs with model.save().`,

  notLayersModel: (path: string) =>
    `The pretrained base ${path} is not a tfjs LayersModel: it has no "modelTopology" with a Keras model configuration. ` +
    `Point model.pretrained.path at the model.json written by model.save() in tfjs or by tensorflowjs_converter --input_format=keras.`,

  missingWeightFile: (path: string, file: string) =>
    `The weight file ${file}, listed in ${path}, does not exist. Copy it next to model.json (all files written with the model belong together).`,

  weightFileSize: (path: string, files: string[], expected: number, actual: number) =>
    `The weight file${files.length > 1 ? 's' : ''} ${files.join(', ')} of ${path} hold${files.length > 1 ? '' : 's'} ${actual} bytes, but model.json describes ${expected}. ` +
    `${actual < expected ? 'The file is truncated' : 'The file belongs to another model'}: copy the model's files again, together.`,

  unsupportedWeights: (path: string, weight: string, dtype: string) =>
    `The pretrained base ${path} stores the weight ${quote(weight)} as ${dtype}, which convlens cannot read. Save the model with float32 weights.`,

  badModel: (path: string, detail: string) =>
    `The pretrained base ${path} could not be read as a tfjs LayersModel: ${detail.replace(/\.?\s*$/, '.')} Save the model again with tfjs (model.save) or tensorflowjs_converter --input_format=keras.`,

  singleInput: (path: string, count: number) =>
    `The pretrained base ${path} has ${count} inputs; convlens feeds a base one image input. Use a model with a single image input.`,

  inputShape: (path: string, base: readonly (number | null)[], data: readonly number[], blocker?: { name: string; className: string }) => {
    const [height, width, channels] = base;
    const start = `The pretrained base ${path} expects images of ${imageText(base)} (height×width×channels), but the dataset's images are ${imageText(data)}.`;
    if (channels !== null && channels !== data[2]) {
      const convert = channels === 1 || channels === 3 ? `set data.image.channels: ${channels} to convert the dataset's images (gray repeats into RGB, RGB becomes luminance), or ` : '';
      return `${start} The channels of a base cannot change (its first layer has weights for each input channel): ${convert}use a base trained on ${data[2]}-channel images.`;
    }
    const resize = height !== null && width !== null ? `set data.image.size: [${height}, ${width}] to resize the dataset's images to the base's size` : `resize the dataset's images (data.image.size)`;
    if (blocker)
      return `${start} Its layer ${quote(blocker.name)} (${blocker.className}) before model.pretrained.output depends on the image size, so the base cannot be rebuilt for ${imageText(data)} images: ${resize}, or cut the base before that layer with model.pretrained.output.`;
    return `${start} Use a base trained on ${imageText(data)} images, or a dataset of the base's image size: ${resize}.`;
  },

  baseResized: (path: string, saved: readonly (number | null)[], built: readonly number[], output: string) =>
    `The pretrained base ${path} was built for ${imageText(built)} images instead of its saved ${imageText(saved)}: nothing up to ${quote(output)} depends on the image size, so its weights apply unchanged.`,

  baseTooSmall: (path: string, layer: string, shape: readonly (number | null)[], data: readonly number[], saved: readonly (number | null)[]) =>
    `Rebuilt for the dataset's ${imageText(data)} images, the pretrained base ${path} has no pixels left at its layer ${quote(layer)} (output ${shapeText(shape)}). ` +
    `Use larger images (data.image.size; the base was saved for ${imageText(saved)}), or cut the base earlier with model.pretrained.output.`,

  notImageInput: (path: string, shape: readonly (number | null)[]) =>
    `The pretrained base ${path} takes inputs of shape ${shapeText(shape)}, not images [batch, height, width, channels]. Use a base whose input is an image.`,

  unknownOutput: (path: string, output: string, suggestion: string | undefined, names: readonly string[]) =>
    `The pretrained base ${path} has no layer named ${quote(output)} for model.pretrained.output` +
    (suggestion ? `; did you mean ${quote(suggestion)}?` : `. Its layers are ${someNames(names)}.`),

  ambiguousOutput: (path: string, output: string) =>
    `The layer ${quote(output)} of ${path} is used more than once inside the base, so "the base up to ${output}" is ambiguous. Choose another layer for model.pretrained.output.`,

  unseeded: (path: string, layer: string, className: string) =>
    `The pretrained base ${path} contains ${quote(layer)} (${className}), which draws random numbers convlens cannot seed, so training would not be reproducible. ` +
    `Cut the base before it with model.pretrained.output, or remove the layer from the saved model.`,

  patternNoMatch: (key: string, pattern: string, suggestion: string | undefined, names: readonly string[]) =>
    `${key}: the pattern ${quote(pattern)} matches no layer of the pretrained base` +
    (suggestion ? `; did you mean ${quote(suggestion)}?` : `. Its layers are ${someNames(names)}.`) +
    ` Patterns match whole names; * stands for any run of characters, ? for one character.`,

  countTooLarge: (key: string, count: number, available: number) =>
    `${key}: ${count} layers asked for, but the pretrained base has ${available} (its input layer not counted). Use a number from 0 to ${available}, or all.`,
};
