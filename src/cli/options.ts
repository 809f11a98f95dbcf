/** Parsed command-line options shared by every command. Paths are relative to the working directory. */
export interface CliOptions {
  command: string;
  /** Positional arguments after the command (files for `check`, ids for `run`/`build`). */
  args: string[];
  experiments: string;
  out: string;
  cache: string;
  base: string;
  backend: string;
  force: boolean;
  /** `bench`: data-parallel replicas (validated by the command). */
  replicas: string;
  /** `datasets fetch`: where to download from instead of the official address. */
  url?: string;
  quiet: boolean;
  json: boolean;
  help: boolean;
  /** `--version`/`-v`: print convlens's version and exit. */
  version: boolean;
}

/** Where commands write: stdout and stderr, injected so tests capture them. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}
