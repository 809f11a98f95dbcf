/**
 * The report's sentences about training, from the spec: what the history's loss measures when
 * it is not the plain cross-entropy of the test loss.
 */
import { describe, expect, it } from 'vitest';
import { parseExperiment } from '../../../src/config/index.ts';
import type { TrainedSpec } from '../../../src/config/spec.ts';
import { objectiveText, regularizationText, scheduleText } from '../../../src/pipeline/describe.ts';

function spec(train: string, layer = '{ units: 10, activation: softmax }'): TrainedSpec {
  const text = `title: t\ndata: { source: mnist }\nmodel:\n  layers:\n    - dense: ${layer}\ntrain: { epochs: 1${train} }\n`;
  const parsed = parseExperiment('/x/t.yaml', text);
  if ('errors' in parsed) throw new Error(JSON.stringify(parsed.errors));
  return parsed.spec as TrainedSpec;
}

const COMPARE = 'The test loss is plain cross-entropy, so it reads lower than the validation loss for equally good predictions.';

describe('objectiveText', () => {
  it('says nothing when loss, validation loss and test loss are the same cross-entropy', () => {
    expect(objectiveText(spec(''))).toBeUndefined();
    // A regularizer of zero strength adds nothing.
    expect(objectiveText(spec('', '{ units: 10, activation: softmax, kernelRegularizer: { l2: 0 } }'))).toBeUndefined();
  });

  it('names label smoothing and warns that the test loss reads lower', () => {
    expect(objectiveText(spec(', labelSmoothing: 0.05'))).toBe(`Training and validation loss are the training objective: cross-entropy with targets smoothed by 0.05. ${COMPARE}`);
  });

  it('names weight penalties, with or without smoothing', () => {
    const l2 = '{ units: 10, activation: softmax, kernelRegularizer: { l2: 0.001 } }';
    expect(objectiveText(spec('', l2))).toBe(`Training and validation loss are the training objective: cross-entropy, plus the kernel regularizers’ weight penalties. ${COMPARE}`);
    expect(objectiveText(spec(', labelSmoothing: 0.1', l2))).toBe(
      `Training and validation loss are the training objective: cross-entropy with targets smoothed by 0.1, plus the kernel regularizers’ weight penalties. ${COMPARE}`,
    );
  });

  it('class weights touch the training loss only', () => {
    expect(objectiveText(spec(', classWeights: balanced'))).toBe('Training loss weights each image by its class; validation loss, like the test loss, is plain cross-entropy.');
    expect(objectiveText(spec(', classWeights: balanced, labelSmoothing: 0.2'))).toBe(
      `Training and validation loss are the training objective: cross-entropy with targets smoothed by 0.2 (training images weighted by class, validation images not). ${COMPARE}`,
    );
  });
});

describe('regularizationText', () => {
  it('one phrase per setting that differs from a plain run', () => {
    expect(regularizationText(spec(''))).toEqual([]);
    expect(regularizationText(spec(', labelSmoothing: 0.05, classWeights: balanced, earlyStopping: { monitor: val_loss, patience: 2, restoreBest: true }'))).toEqual([
      'label smoothing 0.05',
      'balanced class weights',
      'early stopping on val_loss (patience 2, best weights restored)',
    ]);
  });
});

describe('scheduleText', () => {
  it('cosine: toward zero or a fraction of the base rate, with its warm-up', () => {
    expect(scheduleText({ type: 'cosine', warmup: 1, minFactor: 0 })).toBe('cosine decay toward zero after a 1-epoch linear warm-up');
    expect(scheduleText({ type: 'cosine', warmup: 0, minFactor: 0.1 })).toBe('cosine decay toward 0.1× the base rate');
  });
});
