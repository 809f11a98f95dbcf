/**
 * What the build log and `--backend tensorflow` say when native TensorFlow cannot be used: why,
 * exactly, and the command that turns it on. The package is an optional dependency whose install
 * script downloads TensorFlow's C library and the Node binding; npm drops the package when that
 * script fails, and skips the script when install scripts are not approved (npm 12's default,
 * `allowScripts` in package.json, `--ignore-scripts`, pnpm), leaving the package without its binary.
 */

/** Why native TensorFlow is unavailable. */
export type NativeUnavailable =
  | { kind: 'not-installed'; package: string }
  | { kind: 'no-binary'; package: string; version: string }
  | { kind: 'version-mismatch'; package: string; version: string }
  | { kind: 'load-failed'; package: string; version: string; error: string };

/** The reason, as a clause: "@tensorflow/tfjs-node is not installed". */
export function nativeReason(u: NativeUnavailable, tfjsVersion: string): string {
  switch (u.kind) {
    case 'not-installed':
      return `${u.package} is not installed (npm leaves this optional dependency out when its install script fails, e.g. without network access to download TensorFlow)`;
    case 'no-binary':
      return `${u.package} ${u.version} is installed but its native binary is missing (its install script did not run: npm 12 and pnpm skip install scripts that were not approved, as does --ignore-scripts)`;
    case 'version-mismatch':
      return `${u.package} ${u.version} is installed, but convlens uses TensorFlow.js ${tfjsVersion} and the two must be the same version`;
    case 'load-failed':
      return `${u.package} ${u.version} failed to load: ${u.error}`;
  }
}

/** The command that makes native TensorFlow work, for this reason and TensorFlow.js version. */
export function nativeFix(u: NativeUnavailable, tfjsVersion: string): string {
  const pkg = u.package;
  const rebuild = `npm approve-scripts ${pkg} && npm rebuild ${pkg} --foreground-scripts`;
  switch (u.kind) {
    case 'not-installed':
      return `To use it, run: npm install --save-dev ${pkg}@${tfjsVersion} && ${rebuild}`;
    case 'no-binary':
      return `To use it, run: ${rebuild}`;
    case 'version-mismatch':
      return `To use it, run: npm install --save-dev ${pkg}@${tfjsVersion} && ${rebuild}`;
    case 'load-failed':
      return `To reinstall its binary, run: npm rebuild ${pkg} --foreground-scripts`;
  }
}

/** The note on the backend line when `auto` falls back: "native TensorFlow is not used: …. To use it, run: …". */
export function nativeNote(u: NativeUnavailable, tfjsVersion: string): string {
  return `native TensorFlow is not used: ${nativeReason(u, tfjsVersion)}. ${nativeFix(u, tfjsVersion)}`;
}

/** `--backend tensorflow` could not start: an error, never a silent fallback. */
export function tensorflowUnavailable(u: NativeUnavailable, tfjsVersion: string): string {
  return (
    `--backend tensorflow cannot start: ${nativeReason(u, tfjsVersion)}. ${nativeFix(u, tfjsVersion)}. ` +
    `Or run with --backend auto to use the fastest backend that loads on this machine.`
  );
}

/** Any other backend (`--backend wasm|cpu`) could not start. */
export function backendUnavailable(request: string, notes: string[]): string {
  return `The ${request} backend could not be started (${notes.join('; ')}). Run with --backend auto to use the best backend that loads on this machine.`;
}
