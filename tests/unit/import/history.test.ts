/**
 * Imported training histories: Keras CSVLogger files (old and new column names) and the JSON of
 * history.history, and each kind of nonsense they can hold, with the exact message.
 */
import { describe, expect, it } from 'vitest';
import { parseHistory } from '../../../src/import/history.ts';

const FILE = '/models/history.csv';

describe('parseHistory', () => {
  it('reads CSVLogger output, epochs from 0 becoming epochs from 1', () => {
    const csv = 'epoch,accuracy,learning_rate,loss,val_accuracy,val_loss\r\n0,0.8,0.001,0.55,0.84,0.45\r\n1,0.87,0.0005,0.36,0.86,0.39\r\n';
    expect(parseHistory(FILE, csv)).toEqual([
      { epoch: 1, loss: 0.55, accuracy: 0.8, val_loss: 0.45, val_accuracy: 0.84, lr: 0.001 },
      { epoch: 2, loss: 0.36, accuracy: 0.87, val_loss: 0.39, val_accuracy: 0.86, lr: 0.0005 },
    ]);
  });

  it('reads old Keras names (acc, val_acc, lr) and a history without validation', () => {
    expect(parseHistory(FILE, 'epoch,acc,loss,lr\n0,0.5,1.2,0.01\n')).toEqual([{ epoch: 1, loss: 1.2, accuracy: 0.5, val_loss: null, val_accuracy: null, lr: 0.01 }]);
  });

  it('reads the JSON of history.history', () => {
    const json = JSON.stringify({ loss: [0.9, 0.5], accuracy: [0.7, 0.82], val_loss: [0.8, 0.6], val_accuracy: [0.72, 0.8] });
    expect(parseHistory('/m/history.json', json)).toEqual([
      { epoch: 1, loss: 0.9, accuracy: 0.7, val_loss: 0.8, val_accuracy: 0.72, lr: null },
      { epoch: 2, loss: 0.5, accuracy: 0.82, val_loss: 0.6, val_accuracy: 0.8, lr: null },
    ]);
  });

  it('says which required column is missing and what to give', () => {
    expect(() => parseHistory(FILE, 'epoch,mae,loss\n0,0.3,0.5\n')).toThrow(
      'The training history history.csv has no accuracy column (found "epoch", "mae", "loss"). Give the CSV written by Keras\'s CSVLogger callback, or the JSON of history.history, with at least loss and accuracy (compile the model with metrics=["accuracy"]).',
    );
  });

  it('refuses a value that is not a number, naming the line', () => {
    expect(() => parseHistory(FILE, 'epoch,accuracy,loss\n0,0.5,1.1\n1,0.6,nan\n')).toThrow(
      'The training history history.csv has "nan" as loss on line 3, where a finite number was expected. Remove the epochs that diverged, or fix the file.',
    );
  });

  it('refuses accuracies outside 0..1 (percentages or swapped columns)', () => {
    expect(() => parseHistory(FILE, 'epoch,accuracy,loss\n0,85,0.4\n')).toThrow(
      'The training history history.csv has accuracy 85 on line 2, outside 0..1. Accuracy columns hold fractions; check that the columns are labelled correctly.',
    );
  });

  it('refuses epochs that do not count from 0 (two runs appended)', () => {
    expect(() => parseHistory(FILE, 'epoch,accuracy,loss\n0,0.5,1\n1,0.6,0.9\n0,0.55,0.95\n')).toThrow(
      "The training history history.csv has epoch 0 on line 4; expected 2. Epochs must be consecutive from 0 (as CSVLogger writes them) or 1 (as convlens does); a resumed run appends: keep one run's rows.",
    );
  });

  it("reads convlens's own history.csv back (epochs from 1)", () => {
    expect(parseHistory(FILE, 'epoch,loss,accuracy,val_loss,val_accuracy,lr\n1,0.45,0.84,0.3,0.89,0.001\n2,0.3,0.89,0.27,0.9,0.001\n')).toEqual([
      { epoch: 1, loss: 0.45, accuracy: 0.84, val_loss: 0.3, val_accuracy: 0.89, lr: 0.001 },
      { epoch: 2, loss: 0.3, accuracy: 0.89, val_loss: 0.27, val_accuracy: 0.9, lr: 0.001 },
    ]);
  });

  it('refuses JSON lists of different lengths', () => {
    expect(() => parseHistory('/m/h.json', '{"loss": [1, 0.5], "accuracy": [0.4]}')).toThrow(
      'The training history h.json has lists of different lengths (loss: 2, accuracy: 1); every metric needs one value per epoch.',
    );
  });

  it('refuses one validation column without the other', () => {
    expect(() => parseHistory(FILE, 'epoch,accuracy,loss,val_loss\n0,0.5,1,1.1\n')).toThrow(
      'The training history history.csv has val_loss without val_accuracy. Give both validation columns, or neither.',
    );
  });
});
