/** All user-facing text of the command line. */

export const USAGE = `Usage: convlens <command> [options]

Commands:
  check [FILES...]   validate experiment files (default: every file in --experiments)
  run [IDS...]       train, evaluate and render figures, reusing cached results
  build [IDS...]     run, then build the static report site into --out
  clean              remove the cache directory

Options:
  --experiments DIR  experiment definitions (default: experiments)
  --out DIR          site output (default: dist)
  --cache DIR        cache directory (default: .convlens)
  --base PATH        URL sub-path the site is served under (default: /)
  --backend NAME     auto | tensorflow | wasm | cpu (default: auto)
  --force            retrain and recompute even when cached
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
