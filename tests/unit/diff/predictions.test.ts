/** Reading predictions.csv back into class indices. */
import { describe, expect, it } from 'vitest';
import { parsePredictions } from '../../../src/diff/predictions.ts';
import { toCsv } from '../../../src/render/csv.ts';

const CLASSES = ['T-shirt/top', 'Bag, "big"', 'Coat'];
const csv = (rows: (string | number)[][]) => toCsv(['index', 'true', 'predicted', ...CLASSES.map((c) => `p_${c}`)], rows);

describe('parsePredictions', () => {
  it('reads what publish writes (quoted class names included), rows in any order', () => {
    const text = csv([
      [1, 'Bag, "big"', 'Coat', 0.1, 0.2, 0.7],
      [0, 'T-shirt/top', 'Bag, "big"', 0.2, 0.7, 0.1],
      [2, 'Coat', 'Coat', 0.1, 0.1, 0.8],
    ]);
    expect(parsePredictions(`\ufeff${text}`, CLASSES, 'p.csv')).toEqual({ labels: Int32Array.from([0, 1, 2]), predicted: Int32Array.from([1, 2, 2]) });
    expect(parsePredictions(csv([]), CLASSES, 'p.csv')).toEqual({ labels: new Int32Array(0), predicted: new Int32Array(0) });
  });

  it('a damaged file is a user error naming the file, the line and what is wrong', () => {
    const lead = 'p.csv is not the predictions file convlens publishes: ';
    const tail = '. It may be truncated or edited by hand; rebuild the report ("convlens build") or download it again.';
    const cases: [string, string][] = [
      ['', 'its header should begin with index,true,predicted, and the file is empty'],
      ['idx,true,predicted\n0,Coat,Coat\n', 'its header should begin with index,true,predicted, not idx,true,predicted'],
      [csv([[0, 'Coat', 'Coat', 0, 0, 1], [0, 'Coat', 'Coat', 0, 0, 1]]), 'index 0 appears twice (again on line 3)'],
      [csv([[0, 'Coat', 'Coat', 0, 0, 1], [5, 'Coat', 'Coat', 0, 0, 1]]), 'line 3 has index "5", not a test index from 0 to 1'],
      [csv([[0, 'Coat', 'Sock', 0, 0, 1]]), 'line 2 names the class "Sock", which is not one of the experiment\'s classes (T-shirt/top, Bag, "big", Coat)'],
    ];
    for (const [text, why] of cases) expect(() => parsePredictions(text, CLASSES, 'p.csv'), why).toThrow(`${lead}${why}${tail}`);
    expect(() => parsePredictions('index,true,predicted\n0,"Coat\n', CLASSES, 'p.csv')).toThrow(/^p\.csv is not the predictions file convlens publishes: it is not readable CSV \(/);
  });
});
