/**
 * One group's comparison, computed: the picked test images, every model's prediction and
 * confidence on them (argmax of its published probabilities, exactly predictions.csv's), and
 * every model's Grad-CAM over each image on one colour scale per image. Files are named within
 * the group's folder (`<index>.png`, `<index>-<id>.png`, `gradcam.json`); the comparison's
 * paths are relative to the report root (`compare/<group>/…`).
 */
import { argmaxRows } from '../../analysis/metrics/classification.ts';
import { fmtCount } from '../../render/format.ts';
import type { Comparison } from './compare.ts';
import type { PipelineContext } from '../context.ts';
import { testImagePng } from '../../render/images/test-image.ts';
import { camMaps, type CamResult } from './compare-cams.ts';
import type { TestSetGroup } from './compare-groups.ts';
import { imageScale, overlayPixels } from './compare-overlays.ts';
import { comparedImages } from './compare-select.ts';
import type { CompareExperiment } from './compare.ts';

/** A computed comparison and its files (names within the group's folder). */
export interface GroupResult {
  comparison: Comparison;
  files: Map<string, Buffer>;
}

const round = (v: number, digits = 6) => Number(v.toPrecision(digits));

/** Compare the members of `group` on `count` test images picked with `seed`. */
export async function compareGroup(ctx: PipelineContext, group: TestSetGroup, members: readonly CompareExperiment[], count: number, seed: number): Promise<GroupResult> {
  const data = members[0]!.dataset;
  const { classes, shape, test } = data;
  const k = classes.length;
  const size = shape[0] * shape[1] * shape[2];
  const predicted = members.map((e) => argmaxRows(e.analysis.probs, k));
  const indices = comparedImages(predicted, test.count, count, seed);

  await ctx.engine();
  const cams: CamResult[] = [];
  for (const [m, e] of members.entries()) {
    const targets = indices.map((i) => predicted[m]![i]!);
    const cam = await camMaps({ saved: e.run.saved, normalization: e.run.normalization, layer: e.report.explainLayer }, test.pixels, indices, [...shape], targets);
    if (!cam.maps) ctx.log.info(`compare: ${e.id} has no Grad-CAM in the comparison: ${cam.reason}`);
    cams.push(cam);
  }

  const folder = `compare/${group.name}`;
  const files = new Map<string, Buffer>();
  const scales: { index: number; max: Record<string, number> }[] = [];
  const rows: Comparison['images'] = [];
  for (const [r, index] of indices.entries()) {
    const pixels = test.pixels.subarray(index * size, (index + 1) * size);
    files.set(`${index}.png`, await testImagePng(pixels, shape));
    const perExperiment: Comparison['images'][number]['perExperiment'] = {};
    const max: Record<string, number> = {};
    for (const [m, e] of members.entries()) {
      const p = predicted[m]![index]!;
      const map = cams[m]!.maps?.[r];
      if (map) {
        // Each map on its own scale: Grad-CAM values of different models (other layers, other
        // gradient magnitudes) share no unit, and a shared scale drew the smaller one as blank.
        const scale = imageScale([map]);
        // The map's own largest value: 0 for a map with no positive evidence (drawn on 0–1, all dark).
        max[e.id] = round(map.reduce((a, v) => (v > a ? v : a), 0));
        files.set(`${index}-${e.id}.png`, await testImagePng(overlayPixels(pixels, shape[2], map, scale), [shape[0], shape[1], 3]));
      }
      perExperiment[e.id] = { predicted: classes[p]!, confidence: e.analysis.probs[index * k + p]!, ...(map && { gradcam: `${folder}/${index}-${e.id}.png` }) };
    }
    scales.push({ index, max });
    rows.push({ index, true: classes[test.labels[index]!]!, image: `${folder}/${index}.png`, perExperiment });
  }

  // What the pictures alone do not say: each model's layer, and each image's colour scale.
  const about = {
    colormap: 'viridis',
    note: "Grad-CAM for the predicted class over the greyed image; each map on its own colour scale, from 0 to its largest value (scales[].max, per experiment), since different models' Grad-CAM values share no unit.",
    layers: Object.fromEntries(members.map((e, m) => [e.id, cams[m]!.maps ? cams[m]!.layer : null])),
    missing: Object.fromEntries(members.flatMap((e, m) => (cams[m]!.maps ? [] : [[e.id, (cams[m] as { reason: string }).reason]]))),
    scales,
  };
  files.set('gradcam.json', Buffer.from(JSON.stringify(about, null, 2) + '\n'));
  return {
    comparison: { dataset: `${data.source} test set (${fmtCount(test.count)} images)`, experiments: members.map((e) => e.id), images: rows, figures: [], pairs: [] },
    files,
  };
}
