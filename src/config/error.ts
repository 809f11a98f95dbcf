/**
 * The one error type of the config stage and its one-line rendering, which is a contract:
 * `convlens check` prints exactly `path:line:col: key.path: message`.
 */

/** A problem in one experiment file, located at a 1-based line and column. */
export interface ConfigError {
  /** The file as given to the loader. */
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  col: number;
  /** Key path inside the file, e.g. `model.layers[0].conv2d.kernel`; '' for whole-file problems. */
  path: string;
  /** Full sentences: what was expected, what was found, what to do. */
  message: string;
}

/** `file:line:col: key.path: message` (the key path is left out when empty). */
export function formatConfigError(e: ConfigError): string {
  return `${e.file}:${e.line}:${e.col}: ${e.path ? `${e.path}: ` : ''}${e.message}`;
}

/** `['model', 'layers', 0, 'conv2d']` → `model.layers[0].conv2d`. */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}
