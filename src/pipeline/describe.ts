/**
 * Plain-English descriptions of an experiment's training setup for the report ("adam
 * (learning rate 0.001, weight decay 0.0005)"). Pure; the site shows these strings as given.
 */
import type { ExperimentSpec, LayerSelector, NormalizeSpec, ScheduleSpec, TrainedSpec } from '../config/spec.ts';

const num = (v: number) => String(Number(v.toPrecision(6)));

/** "adam (learning rate 0.001)", with the settings that differ from a plain run. */
export function optimizerText(spec: TrainedSpec): string {
  const o = spec.train.optimizer;
  const parts = [`learning rate ${num(o.learningRate)}`];
  if (o.type === 'sgd' && o.momentum > 0) parts.push(`momentum ${num(o.momentum)}${o.nesterov ? ', Nesterov' : ''}`);
  if (o.type === 'rmsprop') parts.push(`rho ${num(o.rho)}${o.momentum > 0 ? `, momentum ${num(o.momentum)}` : ''}${o.centered ? ', centered' : ''}`);
  if (o.weightDecay > 0) parts.push(`${o.type === 'adamw' ? 'decoupled ' : ''}weight decay ${num(o.weightDecay)}`);
  return `${o.type} (${parts.join(', ')})`;
}

/** "constant", "× 0.5 every 10 epochs", … */
export function scheduleText(s: ScheduleSpec): string {
  switch (s.type) {
    case 'constant':
      return 'constant';
    case 'piecewise':
      return `piecewise: × ${s.factors.map(num).join(', ')} after epochs ${s.boundaries.join(', ')}`;
    case 'step':
      return `× ${num(s.factor)} every ${s.every} epochs`;
    case 'exponential':
      return `× ${num(s.rate)} per epoch`;
    case 'cosine':
      return `cosine decay toward ${s.minFactor === 0 ? 'zero' : `${num(s.minFactor)}× the base rate`}${s.warmup > 0 ? ` after a ${s.warmup}-epoch linear warm-up` : ''}`;
    case 'reduceOnPlateau':
      return `× ${num(s.factor)} when ${s.monitor} has not improved for ${s.patience} epochs (floor ${num(s.minFactor)}×)`;
  }
}

function selectorText(s: LayerSelector, first: boolean): string {
  switch (s.type) {
    case 'all':
      return 'all base layers';
    case 'none':
      return 'no base layer';
    case 'count':
      return `the ${first ? 'first' : 'last'} ${s.count} base layers`;
    case 'patterns':
      return `base layers matching ${s.patterns.join(', ')}`;
  }
}

/** The other training settings, one phrase each; empty when none is set. */
export function regularizationText(spec: TrainedSpec): string[] {
  const t = spec.train;
  const out: string[] = [];
  if (t.labelSmoothing > 0) out.push(`label smoothing ${num(t.labelSmoothing)}`);
  if (t.clip) out.push(t.clip.type === 'norm' ? `gradients clipped to a global norm of ${num(t.clip.value)}` : `gradients clipped to ±${num(t.clip.value)}`);
  if (t.classWeights) out.push(t.classWeights.type === 'balanced' ? 'balanced class weights' : `class weights ${Object.entries(t.classWeights.weights).map(([c, w]) => `${c} ${num(w)}`).join(', ')}`);
  if (t.earlyStopping) {
    const e = t.earlyStopping;
    out.push(`early stopping on ${e.monitor} (patience ${e.patience}${e.minDelta > 0 ? `, min. change ${num(e.minDelta)}` : ''}${e.restoreBest ? ', best weights restored' : ''})`);
  }
  if (spec.model.kind === 'pretrained') out.push(`pretrained base with ${selectorText(spec.model.freeze, true)} frozen`);
  if (t.fineTune) out.push(`then ${t.fineTune.epochs} fine-tuning epochs at learning rate ${num(t.fineTune.learningRate)} with ${selectorText(t.fineTune.unfreeze, false)} unfrozen`);
  return out;
}

/** Whether any layer written in the experiment carries a non-zero kernel regularizer. */
function hasPenalties(spec: TrainedSpec): boolean {
  const layers = spec.model.kind === 'preset' ? [] : spec.model.layers;
  return layers.some((l) => 'kernelRegularizer' in l && l.kernelRegularizer !== undefined && (l.kernelRegularizer.l1 > 0 || l.kernelRegularizer.l2 > 0));
}

/** Whether `val_loss` is plain cross-entropy, comparable with the test loss and across experiments. */
export function plainValidationLoss(spec: TrainedSpec): boolean {
  return spec.train.labelSmoothing === 0 && !hasPenalties(spec);
}

/**
 * What the history's `loss` and `val_loss` measure, when that is not the plain cross-entropy the
 * test loss is: label smoothing, class weights and weight penalties all raise the training
 * objective, so without this sentence a reader sees validation loss 0.49 beside test loss 0.25
 * for a model that predicts both sets equally well. Undefined when the two are the same measure.
 */
export function objectiveText(spec: TrainedSpec): string | undefined {
  const t = spec.train;
  const penalized = hasPenalties(spec);
  const weighted = t.classWeights !== undefined;
  if (plainValidationLoss(spec)) {
    return weighted ? 'Training loss weights each image by its class; validation loss, like the test loss, is plain cross-entropy.' : undefined;
  }
  const objective = [
    'cross-entropy',
    t.labelSmoothing > 0 ? ` with targets smoothed by ${num(t.labelSmoothing)}` : '',
    penalized ? ', plus the kernel regularizers’ weight penalties' : '',
    weighted ? ' (training images weighted by class, validation images not)' : '',
  ].join('');
  return `Training and validation loss are the training objective: ${objective}. The test loss is plain cross-entropy, so it reads lower than the validation loss for equally good predictions.`;
}

/** What `data.normalize` does to a pixel, in words ("pixel values divided by 255 (range 0 to 1)"). */
export function normalizeText(n: NormalizeSpec): string {
  if (n === 'none') return 'none, pixel values 0 to 255 as they are';
  if (n === 'rescale') return 'pixel values divided by 255 (range 0 to 1)';
  if (n === 'standardize') return 'pixel values divided by 255, then standardized per channel with the mean and standard deviation of the training split';
  if ('scale' in n) {
    const lo = n.offset;
    const hi = 255 * n.scale + n.offset;
    return `pixel values × ${num(n.scale)} ${n.offset < 0 ? '−' : '+'} ${num(Math.abs(n.offset))} (range ${num(lo)} to ${num(hi)})`;
  }
  return `pixel values divided by 255, then per channel (x − mean) / std with mean ${n.mean.map(num).join(', ')} and std ${n.std.map(num).join(', ')}`;
}

/** How the data was prepared, one sentence each: source, image size, normalization, augmentation. */
export function dataDescription(spec: ExperimentSpec, shape: readonly number[], origin: { validation: 'source' | 'seeded'; test: 'source' | 'seeded' }): string[] {
  const d = spec.data;
  const out: string[] = [];
  const where = d.pathAsWritten ? ` from ${d.pathAsWritten}` : '';
  out.push(`Source: ${d.source}${where}.`);
  const split = (name: string, o: 'source' | 'seeded', fraction: number) =>
    o === 'source' ? `the ${name} set comes with the source` : fraction > 0 ? `the ${name} set is a seeded${d.split.stratify ? ', stratified' : ''} ${num(fraction * 100)}% split` : `there is no ${name} set`;
  out.push(`Splits: ${split('test', origin.test, d.split.test)}; ${split('validation', origin.validation, d.split.validation)}${d.limit.train !== undefined || d.limit.test !== undefined ? `; limited to ${[d.limit.train !== undefined ? `${d.limit.train} training` : '', d.limit.test !== undefined ? `${d.limit.test} test` : ''].filter(Boolean).join(' and ')} images` : ''}.`);
  const [h, w, c] = shape;
  const resize = d.image.size
    ? `resized to ${h}×${w} (${d.image.fit === 'stretch' ? 'stretched' : d.image.fit === 'pad' ? `aspect ratio kept, padded with ${d.image.padValue}` : 'aspect ratio kept, centre-cropped'}, ${d.image.interpolation} interpolation)`
    : `${h}×${w} pixels as stored`;
  const channels = d.image.channels ? `, converted to ${c === 1 ? 'grayscale' : 'RGB'}` : `, ${c === 1 ? 'grayscale' : 'RGB'}`;
  out.push(`Images: ${resize}${channels}.`);
  out.push(`Normalization: ${normalizeText(d.normalize)}.`);
  const a = d.augment;
  if (a) {
    const parts: string[] = [];
    if (a.rotation > 0) parts.push(`rotation up to ±${num(a.rotation)}°`);
    if (a.widthShift > 0 || a.heightShift > 0) parts.push(`shifts up to ${num(a.widthShift * 100)}% of the width and ${num(a.heightShift * 100)}% of the height`);
    if (a.zoom[0] !== 1 || a.zoom[1] !== 1) parts.push(`zoom ${num(a.zoom[0])}–${num(a.zoom[1])}`);
    if (a.shear > 0) parts.push(`shear up to ${num(a.shear)}°`);
    if (a.horizontalFlip) parts.push('horizontal flips');
    if (a.verticalFlip) parts.push('vertical flips');
    if (a.channelShift > 0) parts.push(`channel shifts up to ±${num(a.channelShift)}`);
    if (a.brightness) parts.push(`brightness ×${num(a.brightness[0])}–${num(a.brightness[1])}`);
    if (a.crop) parts.push(`random crops after ${a.crop.padding}-pixel padding`);
    if (a.cutout) parts.push(`cutout of ${a.cutout.count} ${a.cutout.size}×${a.cutout.size} square${a.cutout.count === 1 ? '' : 's'}`);
    if (a.mixup) parts.push(`mixup (α = ${num(a.mixup.alpha)})`);
    const fill = parts.length > 0 && (a.rotation > 0 || a.widthShift > 0 || a.heightShift > 0 || a.shear > 0 || a.zoom[0] !== 1 || a.zoom[1] !== 1) ? `; points outside the image filled by ${a.fill === 'constant' ? `the constant ${num(a.fillValue)}` : `${a.fill} mode`}` : '';
    out.push(parts.length > 0 ? `Augmentation of training images, drawn anew every epoch: ${parts.join(', ')}${fill}.` : 'Augmentation: configured, but every transform is off.');
  } else {
    out.push('No augmentation.');
  }
  return out;
}
