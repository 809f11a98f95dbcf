/**
 * Early stopping as a pure state machine with Keras's semantics (EarlyStopping.on_epoch_end):
 * an epoch improves when the monitored value beats the best by more than `minDelta`; after
 * `patience` epochs without improvement (and never at the first epoch) training stops. The
 * caller keeps the best epoch's weights when `restoreBest` asks for them.
 */
import type { EarlyStoppingSpec } from '../../config/spec.ts';

/** Plain data, stored in checkpoints. Epochs are history epochs (1-based). */
export interface EarlyStoppingState {
  best: number;
  bestEpoch: number;
  wait: number;
  /** The epoch after which training stopped, or 0 while it goes on. */
  stoppedEpoch: number;
}

/** The state before the first epoch. */
export function earlyStoppingState(spec: EarlyStoppingSpec): EarlyStoppingState {
  return { best: spec.mode === 'min' ? Infinity : -Infinity, bestEpoch: 0, wait: 0, stoppedEpoch: 0 };
}

/** What one epoch's value does to the state; `improved` tells the caller to keep these weights as the best. */
export function observeEarlyStopping(spec: EarlyStoppingSpec, s: EarlyStoppingState, epoch: number, value: number): { state: EarlyStoppingState; improved: boolean } {
  const wait = s.wait + 1;
  // A NaN never improves; Keras compares with numpy, where NaN < x is false too.
  const improved = spec.mode === 'min' ? value + spec.minDelta < s.best : value - spec.minDelta > s.best;
  if (improved) return { state: { best: value, bestEpoch: epoch, wait: 0, stoppedEpoch: 0 }, improved: true };
  const stop = wait >= spec.patience && epoch > 1;
  return { state: { ...s, wait, stoppedEpoch: stop ? epoch : 0 }, improved: false };
}
