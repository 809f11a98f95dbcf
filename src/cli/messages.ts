/** All user-facing text of the command line. */
import type { BenchReport } from '../bench/index.ts';

export const USAGE = `Usage: convlens <command> [options]

Commands:
  check [FILES...]   validate experiment files (default: every file in --experiments)
  run [IDS...]       train, evaluate and render figures, reusing cached results
  build [IDS...]     run, then build the static report site into --out
  clean              remove the cache directory
  bench              training and inference throughput of the benchmark models
  datasets fetch cifar10  download CIFAR-10 into the cache (--url URL for a mirror)

Options:
  --experiments DIR  experiment definitions (default: experiments)
  --out DIR          site output (default: dist)
  --cache DIR        cache directory (default: .convlens)
  --base PATH        URL sub-path the site is served under (default: /)
  --backend NAME     auto | tensorflow | wasm | cpu (default: auto)
  --force            retrain and recompute even when cached
  --replicas N       bench: data-parallel replicas on wasm/cpu (default: 2)
  --quiet            print only warnings and errors
  --json             print machine-readable log lines
  -h, --help         show this help`;

/** The command is not one we know. */
export function unknownCommand(command: string, known: string[]): string {
  return `Unknown command "${command}". Use one of: ${known.join(', ')} (run "convlens --help" for details).`;
}

/** `--backend` has a value we do not know. */
export function unknownBackend(value: string, known: readonly string[]): string {
  return `Unknown backend "${value}" for --backend. Use one of: auto, ${known.join(', ')}.`;
}

/** Summary line after `run`/`build` when some experiments failed. */
export function failedSummary(ids: string[]): string {
  return `${ids.length} experiment${ids.length === 1 ? '' : 's'} failed: ${ids.join(', ')}. The others were built; fix the errors above and run again.`;
}

/** `--replicas` is not a usable count. */
export function badReplicas(value: string): string {
  return `--replicas must be a whole number from 1 to 64, not "${value}". Use the number of CPU cores to train on, e.g. --replicas 2.`;
}

/** `convlens bench` without --json: one row per model. */
export function benchTable(r: BenchReport): string {
  const rows = Object.entries(r.models).map(([name, m]) => `${name.padEnd(22)} ${String(m.train_img_s).padStart(11)} ${String(m.infer_img_s).padStart(11)}`);
  const explain = Object.entries(r.models).flatMap(([name, m]) =>
    m.explain ? [`${name} explanations img/s: Grad-CAM ${m.explain.gradcam_img_s}, saliency ${m.explain.saliency_img_s}, SmoothGrad ${m.explain.smoothgrad_img_s}, IG ${m.explain.integrated_gradients_img_s}, occlusion ${m.explain.occlusion_img_s}`] : [],
  );
  const data = r.data
    ? [
        `decode + resize to ${r.data.decode.target.join('×')}: ${r.data.decode.jpeg_img_s} JPEG/s, ${r.data.decode.png_img_s} PNG/s (${r.data.decode.concurrency} at a time)`,
        `augmentation (one thread): ${Object.entries(r.data.augment_img_s).map(([shape, v]) => `${v} img/s at ${shape}`).join(', ')}`,
      ]
    : [];
  return [
    `backend ${r.backend} (tfjs ${r.tfjs}, node ${r.node}, ${r.replicas} replica${r.replicas === 1 ? '' : 's'})`,
    `${'model'.padEnd(22)} ${'train img/s'.padStart(11)} ${'infer img/s'.padStart(11)}`,
    ...rows,
    ...explain,
    ...data,
    '',
  ].join('\n');
}
