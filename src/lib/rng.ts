/**
 * The one home of randomness in convlens: seeded, portable, reproducible across machines.
 *
 * Nothing in src/ calls Math.random; every consumer derives its own seed by name from the
 * experiment seed, so adding a new random consumer never shifts the streams of existing ones.
 */

/** 32-bit FNV-1a hash of a string. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A seed for the named purpose (e.g. 'shuffle'), derived from the experiment seed; uint32. */
export function deriveSeed(seed: number, name: string): number {
  return hashString(`${seed >>> 0}:${name}`);
}

/** Mulberry32: a small, fast, well-distributed 32-bit generator. Returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** In-place Fisher–Yates shuffle driven by `random`; returns the same array. */
export function shuffleInPlace<T extends { length: number; [i: number]: unknown }>(items: T, random: () => number): T {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
  return items;
}

/** A permutation of 0..n-1 drawn from `random`. */
export function permutation(n: number, random: () => number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  return shuffleInPlace(p, random);
}

/**
 * A seed for member `index` (an integer, e.g. an epoch or an image's position) of a family
 * derived from `seed`; uint32. For a fixed `seed` it is a bijection in `index` (MurmurHash3's
 * finalizer is invertible), so members of one family never share a seed.
 */
export function mixSeed(seed: number, index: number): number {
  return fmix32(fmix32(seed >>> 0) ^ (index >>> 0));
}

/** MurmurHash3's 32-bit finalizer: an invertible, fully avalanching mix. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A standard normal variate (Box–Muller; consumes two uniforms, keeps no state). */
export function sampleNormal(random: () => number): number {
  // 1 − u lies in (0, 1], so the logarithm is finite.
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * The natural logarithm of a Gamma(shape, 1) variate (Marsaglia & Tsang, 2000). Working in logs
 * keeps tiny variates (shape ≪ 1 gives values below 1e-300) from underflowing to 0, which would
 * make a Beta variate 0/0.
 */
function logGammaVariate(random: () => number, shape: number): number {
  if (shape < 1) {
    // Gamma(a) = Gamma(a + 1) · U^(1/a) (Marsaglia & Tsang's boost for a < 1).
    return logGammaVariate(random, shape + 1) + Math.log(1 - random()) / shape;
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = sampleNormal(random);
    const t = 1 + c * x;
    if (t <= 0) continue;
    const v = t * t * t;
    const u = 1 - random();
    if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return Math.log(d) + Math.log(v);
  }
}

/** A Gamma(shape, 1) variate (mean and variance both `shape`); shape > 0. */
export function sampleGamma(random: () => number, shape: number): number {
  if (!(shape > 0)) throw new RangeError(`sampleGamma needs a shape above 0; received ${shape}.`);
  return Math.exp(logGammaVariate(random, shape));
}

/** A Beta(a, b) variate in [0, 1], as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b); a, b > 0. */
export function sampleBeta(random: () => number, a: number, b: number): number {
  if (!(a > 0) || !(b > 0)) throw new RangeError(`sampleBeta needs both parameters above 0; received ${a} and ${b}.`);
  const lx = logGammaVariate(random, a);
  const ly = logGammaVariate(random, b);
  // X / (X + Y) = 1 / (1 + Y/X), computed from the logs so neither ratio overflows.
  return 1 / (1 + Math.exp(ly - lx));
}
