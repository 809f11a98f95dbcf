/**
 * publishReport on a synthetic result (a real spec and a real evaluation of made-up
 * probabilities; no training): the test pages and confusion cells it publishes agree with the
 * evaluation, every listed test image is written as a PNG, notes come from content/notes/, the
 * contract files are unchanged in name, and the directory is replaced atomically.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/analysis/evaluate.ts';
import { loadExperiments } from '../../../src/config/index.ts';
import type { ExperimentSpec } from '../../../src/config/spec.ts';
import { publishReport, type ExperimentResult } from '../../../src/pipeline/publish.ts';
import { ReportSchema } from '../../../src/site/report.ts';

const SAMPLE_FIGURE = { name: 'sample-7-explanations', title: 'Explanations of test image 7', alt: 'alt', svg: 'figures/sample-7-explanations.svg', png: 'figures/sample-7-explanations.png', data: 'figures/sample-7-explanations.json', width: 10, height: 10 };

const CLASSES = ['zero', 'one', 'two'];
const N = 60;
const SHAPE: [number, number, number] = [4, 4, 1];

/** Test image i: true class i % 3; predicted right except every fifth image; confidence varies with i. */
function result(spec: ExperimentSpec): ExperimentResult {
  const labels = Uint8Array.from({ length: N }, (_, i) => i % 3);
  const probs = new Float32Array(N * 3);
  for (let i = 0; i < N; i++) {
    const predicted = i % 5 === 0 ? (labels[i]! + 1) % 3 : labels[i]!;
    const p = 0.4 + (i % 7) * 0.08;
    for (let c = 0; c < 3; c++) probs[i * 3 + c] = c === predicted ? p : (1 - p) / 2;
  }
  const pixels = Uint8Array.from({ length: N * 16 }, (_, k) => (k * 7) % 256);
  const evaluation = evaluate(probs, labels, CLASSES, { topK: 2, calibrationBins: 5, mistakes: 4 });
  const emptyFigures = { key: 'f', figures: [], files: new Map<string, Buffer>(), seconds: 0 };
  return {
    spec,
    dataset: {
      source: 'synthetic',
      classes: CLASSES,
      shape: SHAPE,
      digest: 'd'.repeat(64),
      counts: { train: 0, validation: 0, test: N },
      perClass: { train: [0, 0, 0], validation: [0, 0, 0], test: [20, 20, 20] },
      testLabels: labels,
      testPixels: pixels,
      origin: { validation: 'seeded', test: 'seeded' },
      channels: { mean: [0.5], std: [0.2] },
      skipped: [],
      notes: [],
    },
    run: {
      key: 'k'.repeat(64),
      cached: true,
      saved: { modelJson: '{}', weights: Buffer.from([1, 2, 3, 4]) },
      facts: {
        backend: 'cpu',
        versions: { tfjs: '4.22.0' },
        seconds: 1,
        imagesPerSecond: 100,
        summary: { layers: [{ name: 'dense', type: 'Dense', outputShape: '(None, 3)', params: 51, connectedTo: [], trainable: true }], params: { total: 51, trainable: 51, nonTrainable: 0 }, chain: true },
        history: [{ epoch: 1, loss: 1, accuracy: 0.5, val_loss: null, val_accuracy: null, lr: 0.001 }],
        phases: [{ phase: 'train', firstEpoch: 1, lastEpoch: 1 }],
        replicas: 1,
        memory: { peakTensorBytes: 1, peakRssBytes: 1 },
      },
    },
    analysis: { key: 'a', metrics: evaluation.metrics, evaluation, probs, seconds: 0 },
    dataViews: emptyFigures,
    figures: emptyFigures,
    explained: { ...emptyFigures, summary: { images: [{ index: 7, true: 1, predicted: 1, figures: { explanations: SAMPLE_FIGURE, featureMaps: [{ ...SAMPLE_FIGURE, name: 'sample-7-feature-maps-c' }] } }], layerCamLayers: [], faithfulness: [], completeness: [], trust: { columns: [], rows: [], overall: '' }, checkImages: [], filterTopImages: [] } },
  } as ExperimentResult;
}

let work: string;
let spec: ExperimentSpec;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'convlens-publish-'));
  spec = (await loadExperiments(['tests/fixtures/experiments/tiny/tiny-fashion.yaml'])).experiments[0]!;
  mkdirSync(join(work, 'content', 'notes'), { recursive: true });
  writeFileSync(join(work, 'content', 'notes', `${spec.id}.md`), 'Hand-written <b>notes</b>.\n');
});

describe('publishReport', () => {
  it('publishes test pages and confusion cells that agree with the evaluation, with a PNG per test page', async () => {
    const reportDir = join(work, 'report');
    const r = result(spec);
    await publishReport(reportDir, [r], [], { cwd: work, perCell: 3 });
    const report = ReportSchema.parse(JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8')));
    const entry = report.experiments[0]!;

    // Cells: every non-empty cell of the confusion matrix, with its full count and at most 3 images of that cell.
    const matrix = r.analysis.evaluation.metrics.confusion_matrix;
    expect(entry.confusionCells.map((c) => [c.true, c.predicted, c.count])).toEqual(
      matrix.flatMap((row, t) => row.flatMap((n, p) => (n > 0 ? [[t, p, n]] : []))),
    );
    for (const cell of entry.confusionCells) {
      expect(cell.shown.length).toBe(Math.min(3, cell.count));
      for (const i of cell.shown) expect([r.dataset.testLabels[i], r.analysis.evaluation.predicted[i]]).toEqual([cell.true, cell.predicted]);
    }

    // Pages: the cells' images, the samples, the explained image and the mistakes, each once, with its image file.
    const pages = entry.tests.map((t) => t.index);
    expect(pages).toEqual([...new Set(pages)].sort((a, b) => a - b));
    for (const i of [...entry.confusionCells.flatMap((c) => c.shown), ...entry.samples.map((s) => s.index), 7, ...entry.mistakes]) expect(pages).toContain(i);
    expect(entry.mistakes).toEqual(r.analysis.evaluation.mistakes.map((m) => m.index));
    const files = readdirSync(join(reportDir, 'experiments', spec.id, 'images', 'test')).sort();
    expect(files).toEqual(pages.map((i) => `${i}.png`).sort());
    for (const t of entry.tests) {
      expect(t.image).toBe(`images/test/${t.index}.png`);
      expect([t.true, t.predicted]).toEqual([r.dataset.testLabels[t.index], r.analysis.evaluation.predicted[t.index]]);
      expect(t.top[0]!.class).toBe(t.predicted);
      expect(t.top.reduce((s, c) => s + c.p, 0)).toBeCloseTo(1, 5);
    }
    // The PNG is the test image's own pixels, upscaled 28× (4 → 112).
    const first = entry.tests[0]!;
    const { data, info } = await sharp(join(reportDir, 'experiments', spec.id, first.image)).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, first.width, first.height]).toEqual([112, 112, 112, 112]);
    expect(data[0]).toBe(r.dataset.testPixels[first.index * 16]);
    expect(data[(111 * 112 + 111) * info.channels]).toBe(r.dataset.testPixels[first.index * 16 + 15]);

    expect(entry.notes).toBe('Hand-written <b>notes</b>.\n');
    // The social card: a 1200×630 PNG beside the experiment's files.
    expect(entry.card).toBe('card.png');
    const card = await sharp(join(reportDir, 'experiments', spec.id, 'card.png')).metadata();
    expect([card.format, card.width, card.height]).toEqual(['png', 1200, 630]);
    // The explained image's page carries its own figures; the others have none.
    const explained = entry.tests.find((t) => t.index === 7)!;
    expect(explained.explanations).toEqual(SAMPLE_FIGURE);
    expect(explained.featureMaps.map((f) => f.name)).toEqual(['sample-7-feature-maps-c']);
    expect(entry.tests.filter((t) => t.index !== 7).every((t) => t.explanations === undefined && t.featureMaps.length === 0)).toBe(true);
  });

  it('keeps the published contract files and leaves no temporary directories', async () => {
    const reportDir = join(work, 'report');
    await publishReport(reportDir, [result(spec)], [], { cwd: join(work, 'elsewhere') });
    const dir = join(reportDir, 'experiments', spec.id);
    expect(readdirSync(join(dir, 'data')).sort()).toEqual(['experiment.yaml', 'history.csv', 'manifest.json', 'metrics.json', 'predictions.csv']);
    expect(readdirSync(join(dir, 'model')).sort()).toEqual(['model.json', 'weights.bin']);
    expect(Object.keys(JSON.parse(readFileSync(join(dir, 'data', 'manifest.json'), 'utf8'))).sort()).toEqual(['backend', 'cached', 'hashes', 'id', 'input', 'memory', 'replicas', 'seed', 'timings', 'trainImagesPerSecond', 'versions']);
    // The input contract: enough to feed the published model without the experiment file.
    const { shape, classes } = result(spec).dataset;
    expect(JSON.parse(readFileSync(join(dir, 'data', 'manifest.json'), 'utf8')).input).toEqual({ size: [shape[0], shape[1]], channels: shape[2], normalize: 'rescale', classes });
    // No notes in this working directory: none in the report.
    expect(JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8')).experiments[0].notes).toBeUndefined();
    expect(readdirSync(work).filter((n) => n.includes('.tmp-') || n.includes('.old-'))).toEqual([]);
    expect(existsSync(join(reportDir, 'report.json'))).toBe(true);
  });
});
