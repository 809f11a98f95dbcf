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
  /** `run`: the shard to run, `i/N` counted from 1 (validated by cli/shard.ts). */
  shard?: string;
  /** `run`: the number of shards, with the shard's index from JOB_COMPLETION_INDEX (Kubernetes Indexed Jobs). */
  shards?: string;
  /** `run`/`build`: the remote cache URL (s3:// or http(s)://); also CONVLENS_REMOTE. Validated by cli/remote.ts. */
  remote?: string;
  /** `--remote-mode read|readwrite`; also CONVLENS_REMOTE_MODE; default read. */
  remoteMode?: string;
  /** `build --no-train`: the merge build; every run must come from the cache (local or remote). */
  noTrain: boolean;
  /** `datasets fetch`: where to download from instead of the official address. */
  url?: string;
  quiet: boolean;
  /** Machine-readable log lines (`run`, `build`, `bench`); for `diff`, the JSON output. */
  json: boolean;
  /** `diff`: GitHub-flavoured Markdown output. */
  md: boolean;
  help: boolean;
  /** `--version`/`-v`: print convlens's version and exit. */
  version: boolean;
}

/** Where commands write: stdout and stderr, injected so tests capture them. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** The environment (`CONVLENS_SHARD`, `JOB_COMPLETION_INDEX`); process.env when absent. */
  env?: Readonly<Record<string, string | undefined>>;
}
