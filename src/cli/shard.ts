/**
 * Which shard this process is, from the command line and the environment:
 *
 *   1 --shard i/N                       the flag wins over the environment
 *   2 --shards N + JOB_COMPLETION_INDEX  Kubernetes Indexed Jobs (the index counts from 0)
 *   3 CONVLENS_SHARD=i/N                 e.g. a CI matrix
 *   none of them                         no sharding (JOB_COMPLETION_INDEX alone is an error)
 *
 * A JOB_COMPLETION_INDEX that is set must agree with an explicit i/N: a disagreement is a
 * misconfigured Job, and guessing would run one shard twice and another never.
 */
import { UserError } from '../lib/errors.ts';
import { shardMessages, type ShardSource } from './messages.ts';

/** The shard to run: `index` counted from 1, of `count`; where it came from. */
export interface ShardChoice {
  index: number;
  count: number;
  source: ShardSource;
  /** An environment value overridden by the flag (`CONVLENS_SHARD=1/4`), for the log line. */
  ignored?: string;
}

const WHOLE = /^[0-9]+$/;

function parseIndexOfCount(source: '--shard' | 'CONVLENS_SHARD', value: string): { index: number; count: number } {
  const match = /^\s*([0-9]+)\s*\/\s*([0-9]+)\s*$/.exec(value);
  if (!match) throw new UserError(shardMessages.notAShard(source, value));
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || !Number.isSafeInteger(count)) throw new UserError(shardMessages.notAShard(source, value));
  if (index < 1 || index > count) throw new UserError(shardMessages.outOfRange(source, value.trim(), count));
  return { index, count };
}

function parseCount(value: string): number {
  const count = Number(value.trim());
  if (!WHOLE.test(value.trim()) || count < 1 || !Number.isSafeInteger(count)) throw new UserError(shardMessages.notACount(value));
  return count;
}

const set = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

/** Resolve the shard from `--shard`/`--shards` and the environment; undefined = not sharded. */
export function resolveShard(flags: { shard?: string; shards?: string }, env: Readonly<Record<string, string | undefined>>): ShardChoice | undefined {
  const envShard = set(env['CONVLENS_SHARD']) ? env['CONVLENS_SHARD'] : undefined;
  const jobIndex = set(env['JOB_COMPLETION_INDEX']) ? env['JOB_COMPLETION_INDEX'].trim() : undefined;
  const agreeWithJob = (source: '--shard' | 'CONVLENS_SHARD', index: number, count: number) => {
    if (jobIndex === undefined) return;
    const job = Number(jobIndex);
    if (!WHOLE.test(jobIndex) || job >= count) throw new UserError(shardMessages.badJobIndex(jobIndex, count));
    if (job + 1 !== index) throw new UserError(shardMessages.jobIndexDisagrees(source, index, count, job));
  };

  if (flags.shard !== undefined) {
    const { index, count } = parseIndexOfCount('--shard', flags.shard);
    if (flags.shards !== undefined && parseCount(flags.shards) !== count) throw new UserError(shardMessages.countsDisagree(flags.shard, flags.shards));
    agreeWithJob('--shard', index, count);
    const ignored = envShard !== undefined && envShard.trim() !== flags.shard.trim() ? `CONVLENS_SHARD=${envShard.trim()}` : undefined;
    return { index, count, source: '--shard', ...(ignored && { ignored }) };
  }
  if (flags.shards !== undefined) {
    const count = parseCount(flags.shards);
    if (jobIndex === undefined) throw new UserError(shardMessages.shardsWithoutJobIndex(flags.shards));
    const job = Number(jobIndex);
    if (!WHOLE.test(jobIndex) || job >= count) throw new UserError(shardMessages.badJobIndex(jobIndex, count));
    const ignored = envShard !== undefined ? `CONVLENS_SHARD=${envShard.trim()}` : undefined;
    return { index: job + 1, count, source: 'JOB_COMPLETION_INDEX', ...(ignored && { ignored }) };
  }
  if (envShard !== undefined) {
    const { index, count } = parseIndexOfCount('CONVLENS_SHARD', envShard);
    agreeWithJob('CONVLENS_SHARD', index, count);
    return { index, count, source: 'CONVLENS_SHARD' };
  }
  if (jobIndex !== undefined) throw new UserError(shardMessages.jobIndexWithoutShards(jobIndex));
  return undefined;
}

/**
 * What `convlens build` refuses: a shard flag, or CONVLENS_SHARD (a shard cannot build the whole
 * site). JOB_COMPLETION_INDEX alone is not refused: a build may run inside any Indexed Job.
 */
export function shardRequestForBuild(flags: { shard?: string; shards?: string }, env: Readonly<Record<string, string | undefined>>): ShardSource | '--shards' | undefined {
  if (flags.shard !== undefined) return '--shard';
  if (flags.shards !== undefined) return '--shards';
  if (set(env['CONVLENS_SHARD'])) return 'CONVLENS_SHARD';
  return undefined;
}
