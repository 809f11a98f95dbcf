/**
 * The published report data: the only thing the Astro site reads (with the figure files).
 *
 * The pipeline writes `report.json` at the root of the staging directory (see
 * pipeline/publish.ts); the site validates it with this schema at build time. Shared by both
 * sides, it must never import tfjs or pipeline code.
 */
import { z } from 'zod';

/** One rendered figure; paths are relative to the experiment's directory (`experiments/<id>/`). */
export const FigureSchema = z.object({
  name: z.string(),
  title: z.string(),
  /** Generated from the figure's data; used as alt text and as the caption's lead. */
  alt: z.string(),
  svg: z.string(),
  png: z.string(),
  /** The figure's data as CSV or JSON. */
  data: z.string(),
  width: z.number(),
  height: z.number(),
});
export type Figure = z.infer<typeof FigureSchema>;

export const HistoryRowSchema = z.object({
  epoch: z.number(),
  loss: z.number(),
  accuracy: z.number(),
  val_loss: z.number().nullable(),
  val_accuracy: z.number().nullable(),
  /** Null in an imported model's history that did not record the rate. */
  lr: z.number().nullable(),
});
export type HistoryRow = z.infer<typeof HistoryRowSchema>;

export const LayerRowSchema = z.object({
  name: z.string(),
  type: z.string(),
  outputShape: z.string(),
  params: z.number(),
  /** Names of the layers this one reads (the graph's edges; one for a chain). */
  connectedTo: z.array(z.string()).default([]),
  trainable: z.boolean().default(true),
});

/** A test image that has its own page (`experiments/<id>/samples/<index>/`). */
export const TestImageSchema = z.object({
  /** Index in the test set (the page's URL segment). */
  index: z.number(),
  true: z.number(),
  predicted: z.number(),
  /** The most probable classes, highest first: class index and probability. */
  top: z.array(z.object({ class: z.number(), p: z.number() })),
  /** The image as PNG, relative to the experiment directory (`images/test/<index>.png`). */
  image: z.string(),
  /** The PNG's size in pixels (the test image integer-upscaled), so pages reserve its space before it loads. */
  width: z.number(),
  height: z.number(),
  /** Per-image explanation figures (relative paths), for the explained images only. */
  explanations: FigureSchema.optional(),
  featureMaps: z.array(FigureSchema).default([]),
});

/** One cell of the confusion matrix: the test images behind it that have pages. */
export const ConfusionCellSchema = z.object({
  true: z.number(),
  predicted: z.number(),
  count: z.number(),
  /** Test indices shown on the cell's page (capped; mistakes are shown before correct ones elsewhere). */
  shown: z.array(z.number()),
});

/** The reproducibility manifest; also published as `data/manifest.json`. */
export const RunManifestSchema = z.object({
  id: z.string(),
  seed: z.number(),
  backend: z.string(),
  versions: z.record(z.string(), z.string()),
  hashes: z.object({ config: z.string(), data: z.string(), weights: z.string(), train: z.string() }),
  /** Seconds of the run that produced each artifact (a cached artifact keeps its original time). */
  timings: z.object({
    trainSeconds: z.number(),
    analyzeSeconds: z.number(),
    explainSeconds: z.number(),
    renderSeconds: z.number(),
    /** (evaluation + explanations + rendering) / training time; null for an imported model (not trained here). */
    analysisShare: z.number().nullable().default(null),
  }),
  /** Whether this build trained the model or reused the cached run. */
  cached: z.boolean(),
  /** Data-parallel replicas that trained the model (1 = one process). */
  replicas: z.number(),
  trainImagesPerSecond: z.number(),
  /** Peak bytes in tensors (all replicas) and peak resident memory of the build process. */
  memory: z.object({ peakTensorBytes: z.number(), peakRssBytes: z.number() }),
  /** Where an imported model came from (absent for models trained here). */
  origin: z.lazy(() => ImportedOriginSchema).optional(),
  /**
   * How a reader feeds the published model: images of `size` with `channels`, pixels 0..255 mapped
   * per channel to (x/255 − mean_c)/std_c (identity when absent: x/255), outputs in `classes` order.
   */
  input: z
    .object({
      size: z.tuple([z.number(), z.number()]),
      channels: z.number(),
      normalize: z.union([z.string(), z.record(z.string(), z.union([z.number(), z.array(z.number())]))]),
      mean: z.array(z.number()).optional(),
      std: z.array(z.number()).optional(),
      classes: z.array(z.string()),
    })
    .optional(),
});
export type RunManifest = z.infer<typeof RunManifestSchema>;

/** An imported model's file and what made it (src/import/). */
export const ImportedOriginSchema = z.object({
  /** The file name (no directories: the report never shows local paths). */
  file: z.string(),
  /** 'tfjs-layers', 'keras-h5' or 'keras-zip'. */
  format: z.string(),
  /** The tool and version that wrote the file, e.g. "Keras 2.4.0". */
  producer: z.string(),
  sha256: z.string(),
  /** What the file's output layer gives; softmax was appended for the report when `logits`. */
  output: z.enum(['probabilities', 'logits']),
  /** The output order as class names, when it differs from the dataset's (a permutation layer was appended). */
  classes: z.array(z.string()).optional(),
  /** The history file's name, when the training curves come from one. */
  history: z.string().optional(),
});
export type ImportedOrigin = z.infer<typeof ImportedOriginSchema>;

export const ExperimentEntrySchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  yaml: z.string(),
  dataset: z.object({
    source: z.string(),
    classes: z.array(z.string()),
    counts: z.object({ train: z.number(), validation: z.number(), test: z.number() }),
    /** Images of each class (in class order) per split. */
    perClass: z.object({ train: z.array(z.number()), validation: z.array(z.number()), test: z.array(z.number()) }),
    imageShape: z.array(z.number()),
    /** How the images were prepared, one sentence each (source, splits, resizing, normalization, augmentation). */
    description: z.array(z.string()),
    /** Per-channel mean and standard deviation of the training split, on the x/255 scale. */
    channels: z.object({ mean: z.array(z.number()), std: z.array(z.number()) }),
    /** Images that could not be read and were left out (`onError: skip`). */
    skipped: z.array(z.object({ file: z.string(), reason: z.string() })),
    /** What the source reported: ignored files, resized images. */
    notes: z.array(z.string()),
  }),
  model: z.object({
    layers: z.array(LayerRowSchema),
    params: z.object({ total: z.number(), trainable: z.number(), nonTrainable: z.number() }),
    /** True when every layer reads the one before it (no branches). */
    chain: z.boolean().default(true),
  }),
  /** When the reported model was trained (ISO 8601 date or date-time, UTC); absent when the pipeline did not record it. */
  date: z.string().optional(),
  /** Social-card image (1200×630 PNG) for link previews, relative to the experiment directory. */
  card: z.string().optional(),
  /** Hand-written notes (Markdown source of content/notes/<id>.md), when present. Rendered as text-safe HTML. */
  notes: z.string().optional(),
  /** Test images with their own pages: the sample predictions, the explained images, and those behind confusion cells. */
  tests: z.array(TestImageSchema).default([]),
  confusionCells: z.array(ConfusionCellSchema).default([]),
  /** Set when the model was trained elsewhere and imported (`model.load`); `train` is then absent. */
  imported: ImportedOriginSchema.optional(),
  train: z.object({
    /** Planned epochs, fine-tuning included. */
    epochs: z.number(),
    batchSize: z.number(),
    optimizer: z.string(),
    schedule: z.string(),
    /** Other settings in words: label smoothing, clipping, class weights, early stopping, freezing. */
    settings: z.array(z.string()),
    /** What `loss`/`val_loss` measure when they differ from the test loss's plain cross-entropy (pipeline/describe.ts). */
    objective: z.string().optional(),
    /** False when val_loss includes label smoothing or weight penalties, so it is not comparable across experiments. */
    plainValidationLoss: z.boolean().default(true),
    /** Each phase's epochs; where early stopping stopped and which epoch's weights it restored. */
    phases: z.array(
      z.object({
        phase: z.enum(['train', 'fineTune']),
        firstEpoch: z.number(),
        lastEpoch: z.number(),
        stoppedEpoch: z.number().optional(),
        restoredEpoch: z.number().optional(),
      }),
    ),
  }).optional(),
  metrics: z.object({
    accuracy: z.number(),
    loss: z.number(),
    confusion: z.array(z.array(z.number())),
    topK: z.object({ k: z.number(), accuracy: z.number() }),
    /** scikit-learn's classification report: per class (in class order), macro and weighted averages. */
    report: z.object({
      perClass: z.array(z.object({ precision: z.number(), recall: z.number(), f1: z.number(), support: z.number() })),
      macro: z.object({ precision: z.number(), recall: z.number(), f1: z.number(), support: z.number() }),
      weighted: z.object({ precision: z.number(), recall: z.number(), f1: z.number(), support: z.number() }),
    }),
    /** One-vs-rest ROC AUC and average precision per class (null where undefined), with their averages. */
    auc: z.object({ perClass: z.array(z.number().nullable()), macro: z.number().nullable(), micro: z.number().nullable() }),
    averagePrecision: z.object({ perClass: z.array(z.number()), macro: z.number(), micro: z.number() }),
    ece: z.number(),
    /** The most frequent off-diagonal confusions, by class index. */
    confusedPairs: z.array(z.object({ true: z.number(), predicted: z.number(), count: z.number() })),
    /** Sentences about undefined or degenerate metrics. */
    notes: z.array(z.string()),
  }),
  /** What the interpretability section explained: the images, Grad-CAM's layer, faithfulness and completeness per method. */
  explain: z.object({
    images: z.array(z.object({ index: z.number(), true: z.number(), predicted: z.number() })),
    layer: z.string().optional(),
    layerCamLayers: z.array(z.string()).default([]),
    faithfulness: z.array(z.object({ method: z.string(), name: z.string(), deletion: z.number(), insertion: z.number() })),
    /** Integrated/Expected Gradients: per image the relative completeness error, its gradient evaluations, and whether the cap stopped it. */
    completeness: z.array(
      z.object({
        method: z.string(),
        name: z.string(),
        maxRelativeError: z.number(),
        tolerance: z.number().default(0),
        capped: z.number().default(0),
        images: z.array(z.object({ index: z.number(), error: z.number(), evaluations: z.number(), capped: z.boolean() })).default([]),
      }),
    ),
    /** "Which map to trust": columns (with one sentence each), methods best first. */
    trust: z
      .object({
        columns: z.array(z.object({ key: z.string(), title: z.string(), better: z.enum(['lower', 'higher']), sentence: z.string(), inOverall: z.boolean() })),
        rows: z.array(z.object({ method: z.string(), values: z.record(z.string(), z.number()), ranks: z.record(z.string(), z.number()), meanRank: z.number().nullable(), rank: z.number() })),
        overall: z.string(),
      })
      .optional(),
    /** Test indices of the images the stability checks used. */
    checkImages: z.array(z.number()).default([]),
    /** The cascading randomization test (figures/sanity-checks.json has the same numbers). */
    sanity: z
      .object({
        steps: z.array(z.object({ label: z.string(), layers: z.array(z.string()) })),
        methods: z.array(z.object({ method: z.string(), name: z.string(), spearman: z.array(z.number().nullable()), ssim: z.array(z.number().nullable()), flagged: z.boolean() })),
        images: z.array(z.number()),
        threshold: z.number(),
      })
      .optional(),
    filterTopImages: z.array(z.object({ layer: z.string(), filters: z.array(z.number()), indices: z.array(z.array(z.number())) })).default([]),
    embedding: z.object({ layer: z.string(), dims: z.number(), methods: z.array(z.string()), indices: z.array(z.number()) }).optional(),
  }),
  /** Test indices of the most confident mistakes (the `mistakes` figure's images), most confident first. */
  mistakes: z.array(z.number()).default([]),
  /** Test images shown as sample predictions (index, true and predicted class index, confidence). */
  samples: z.array(z.object({ index: z.number(), true: z.number(), predicted: z.number(), confidence: z.number() })),
  history: z.array(HistoryRowSchema),
  manifest: RunManifestSchema,
  figures: z.array(FigureSchema),
  /** Published data files, relative to the experiment's directory. */
  downloads: z.array(z.object({ label: z.string(), path: z.string() })),
  /**
   * A repeated experiment (`train.repeats` > 1 or several `train.seeds`): the runs differ only in
   * their training seeds and share the test set. `seeds`: each run's seed, the first being the run
   * every figure, explanation, sample and the published model come from. `metrics`: every scalar
   * of metrics.json, named by its path there (`accuracy`, `loss`, `top_k_accuracy.3`,
   * `macro_avg.f1`, `weighted_avg.recall`, `roc_auc.macro`, `ece`, `per_class.<class>.precision`,
   * …; one undefined in any run, such as the AUC of a class absent from the test set, is left out),
   * each with every run's value (in seed order), their mean and sample standard deviation (n − 1).
   * `histories`: each run's history, in seed order. Absent for a single run. The same values are
   * published one row per run as `data/repeats.csv`.
   */
  repeats: z
    .object({
      seeds: z.array(z.number()),
      metrics: z.record(z.string(), z.object({ mean: z.number(), std: z.number(), values: z.array(z.number()) })),
      histories: z.array(z.array(HistoryRowSchema)),
    })
    .optional(),
});
export type ExperimentEntry = z.infer<typeof ExperimentEntrySchema>;

export const FailedEntrySchema = z.object({
  id: z.string(),
  title: z.string(),
  error: z.string(),
  /**
   * When training diverged (NaN/Inf loss): where, the epochs completed before it and their
   * figures (paths relative to experiments/<id>/), for a page marked as failed.
   */
  diverged: z.object({ epoch: z.number(), batch: z.number() }).optional(),
  history: z.array(HistoryRowSchema).default([]),
  figures: z.array(FigureSchema).default([]),
  yaml: z.string().optional(),
});
export type FailedEntry = z.infer<typeof FailedEntrySchema>;

/**
 * The same test images through several models trained on the same test set (the compare page):
 * each model's prediction and Grad-CAM for every image.
 */
/** A difference B − A on the full test set and its bootstrap interval. */
const IntervalSchema = z.object({ delta: z.number(), low: z.number(), high: z.number() });

export const ComparisonSchema = z.object({
  /** What the experiments share, e.g. "fashion-mnist test set". */
  dataset: z.string(),
  experiments: z.array(z.string()),
  images: z.array(
    z.object({
      index: z.number(),
      /** The true class name. */
      true: z.string(),
      /** The image as PNG, relative to the report root. */
      image: z.string(),
      perExperiment: z.record(z.string(), z.object({ predicted: z.string(), confidence: z.number(), gradcam: z.string().optional() })),
    }),
  ),
  /** ROC, precision–recall and reliability curves of every model overlaid (paths relative to the report root). */
  figures: z.array(FigureSchema).default([]),
  /** What changed from the group's first experiment (A) to each other one (B), on the paired test predictions. */
  pairs: z
    .array(
      z.object({
        a: z.string(),
        b: z.string(),
        flips: z.object({
          rightToWrong: z.number(),
          wrongToRight: z.number(),
          bothWrongDifferently: z.number(),
          /** The first test indices of each direction (each has a sample page in both experiments). */
          shown: z.object({ rightToWrong: z.array(z.number()), wrongToRight: z.array(z.number()) }),
          /** The most frequent (true, A's, B's) class triples among images whose prediction changed. */
          byPair: z.array(z.object({ true: z.string(), a: z.string(), b: z.string(), count: z.number(), indices: z.array(z.number()) })),
        }),
        mcnemar: z.object({ b: z.number(), c: z.number(), statistic: z.number(), pValue: z.number(), discordant: z.boolean(), sentence: z.string() }),
        accuracy: IntervalSchema,
        macroF1: IntervalSchema,
        perClass: z.array(z.object({ class: z.string(), precision: IntervalSchema, recall: IntervalSchema, f1: IntervalSchema })),
        bootstrap: z.object({ resamples: z.number(), seed: z.number(), confidence: z.number() }),
        /** B's confusion matrix minus A's. */
        confusion: FigureSchema,
      }),
    )
    .default([]),
});

export const ReportSchema = z.object({
  convlens: z.string(),
  experiments: z.array(ExperimentEntrySchema),
  /** Experiments whose run failed in this build: listed on the index; a diverged one gets a page. */
  failed: z.array(FailedEntrySchema),
  /** Figures across experiments (index and compare pages); paths relative to the report root. */
  figures: z.array(FigureSchema).default([]),
  comparisons: z.array(ComparisonSchema).default([]),
});
export type Report = z.infer<typeof ReportSchema>;
