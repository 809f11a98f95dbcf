/**
 * Every user-facing sentence of the explanation stage. Each says what happened, why, and what
 * to do; none starts with "Error:" (the CLI adds its own prefix).
 */

const quote = (s: string) => `"${s}"`;
/** At most `max` names, then how many more. */
function someNames(names: readonly string[], max = 30): string {
  const shown = names.slice(0, max).map(quote).join(', ');
  return names.length <= max ? shown : `${shown} and ${names.length - max} more`;
}
const shapeText = (shape: readonly (number | null)[]) => `[${shape.map((d) => d ?? 'batch').join(', ')}]`;

/** The explanation stage's messages, by situation. */
export const messages = {
  unknownLayer: (key: string, name: string, suggestion: string | undefined, candidates: readonly string[]) =>
    `${key} names the layer ${quote(name)}, but the model has no layer of that name` +
    (suggestion ? `; did you mean ${quote(suggestion)}?` : '.') +
    ` Layers with feature maps (4-D outputs [batch, height, width, channels]) are ${someNames(candidates)}; layers inside a nested model are written "<model>/<layer>".`,

  ambiguousLayer: (key: string, name: string, paths: readonly string[]) =>
    `${key} names the layer ${quote(name)}, which exists in more than one nested model (${someNames(paths)}). Write the full path, e.g. ${quote(paths[0] ?? name)}.`,

  notSpatial: (key: string, name: string, shape: readonly (number | null)[], candidates: readonly string[]) =>
    `${key} names the layer ${quote(name)}, whose output ${shapeText(shape)} has no height and width to map onto the image: ` +
    `explanations and feature maps need a layer with a 4-D output [batch, height, width, channels]. Choose one of ${someNames(candidates)}, or write auto.`,

  sharedLayer: (key: string, name: string) =>
    `${key} names the layer ${quote(name)}, which the model applies more than once, so its output is ambiguous. ` +
    `Choose a layer used once, or write auto.`,

  noConvolution: (key: string) =>
    `${key} is auto, which picks the last convolutional layer, but the model has no convolutional layer with a 4-D output. ` +
    `Name a layer with a 4-D output in ${key}, or remove gradcam and gradcamPlusPlus from report.explain.methods.`,
};
