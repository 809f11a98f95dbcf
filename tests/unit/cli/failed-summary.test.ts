/** The closing line of `run`/`build` when experiments failed: whether the others were built. */
import { describe, expect, it } from 'vitest';
import { failedSummary } from '../../../src/cli/messages.ts';

describe('failedSummary', () => {
  it('says the others were built when some succeeded', () => {
    expect(failedSummary(['a'], 3)).toBe('1 experiment failed: a. The others were built; fix the errors above and run again.');
  });

  it('does not claim others were built when every experiment failed', () => {
    expect(failedSummary(['a', 'b'], 2)).toBe('2 experiments failed: a, b. None was built; fix the errors above and run again.');
  });
});
