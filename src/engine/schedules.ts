/**
 * Learning-rate schedules: the factor applied to the optimizer's learningRate for each epoch.
 * Pure; epochs count from 0 as in Keras's LearningRateScheduler (history row e used epoch e−1).
 *
 * Stateless schedules are functions of the epoch. Reduce-on-plateau reacts to the history, so
 * it is a small state machine (`plateauState`/`observePlateau`) with Keras's semantics, and its
 * state is saved in checkpoints so a resumed run continues exactly.
 */
import type { ScheduleSpec } from '../config/spec.ts';

/** Factor for a schedule that does not depend on the history. */
export function scheduledFactor(spec: Exclude<ScheduleSpec, { type: 'reduceOnPlateau' }>, epoch: number, epochs: number): number {
  switch (spec.type) {
    case 'constant':
      return 1;
    case 'piecewise': {
      // factors[i] applies once the epoch has passed i boundaries (`epoch > boundary`, as in the book's lr_schedule).
      const passed = spec.boundaries.filter((b) => epoch > b).length;
      return spec.factors[passed]!;
    }
    case 'step':
      return spec.factor ** Math.floor(epoch / spec.every);
    case 'exponential':
      return spec.rate ** epoch;
    case 'cosine': {
      // Warm-up epochs run below the base rate, (e+1)/(W+1): a "1-epoch warm-up" then means one
      // epoch at half the rate. The Keras recipe (e+1)/W reaches the base rate in the last warm-up
      // epoch, which made warmup: 1 a no-op and the decay's first epoch a repeat of it.
      if (epoch < spec.warmup) return (epoch + 1) / (spec.warmup + 1);
      // PyTorch's CosineAnnealingLR with T_max = the epochs after warm-up: 1 at the first, near minFactor at the last.
      const progress = (epoch - spec.warmup) / Math.max(1, epochs - spec.warmup);
      return spec.minFactor + (1 - spec.minFactor) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
  }
}

/** Reduce-on-plateau state; plain data so checkpoints can store it. */
export interface PlateauState {
  factor: number;
  best: number;
  wait: number;
  cooldown: number;
}

type PlateauSpec = Extract<ScheduleSpec, { type: 'reduceOnPlateau' }>;

/** The state before the first epoch. */
export function plateauState(spec: PlateauSpec): PlateauState {
  return { factor: 1, best: spec.mode === 'min' ? Infinity : -Infinity, wait: 0, cooldown: 0 };
}

/**
 * Keras ReduceLROnPlateau.on_epoch_end: after `patience` epochs without an improvement larger
 * than `minDelta`, multiply the factor by `factor` (never below `minFactor`), then wait
 * `cooldown` epochs before counting again. Returns the next state.
 */
export function observePlateau(spec: PlateauSpec, s: PlateauState, value: number): PlateauState {
  let { factor, best, wait, cooldown } = s;
  if (cooldown > 0) {
    cooldown -= 1;
    wait = 0;
  }
  const improved = spec.mode === 'min' ? value < best - spec.minDelta : value > best + spec.minDelta;
  if (improved) {
    best = value;
    wait = 0;
  } else if (cooldown === 0) {
    wait += 1;
    if (wait >= spec.patience && factor > spec.minFactor) {
      factor = Math.max(factor * spec.factor, spec.minFactor);
      cooldown = spec.cooldown;
      wait = 0;
    }
  }
  return { factor, best, wait, cooldown };
}
