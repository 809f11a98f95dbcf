/**
 * What `convlens diff A B` compares: each argument is an experiment id of the built report
 * (`<cache>/report/`), a directory with report.json at its root (a report directory or a built
 * site), or `DIR:ID` for one experiment of such a directory. Two bare directories compare every
 * experiment id they share (main's site against the branch's, in a pull request).
 *
 * Only published files are read, so two downloaded sites compare without a cache or tfjs.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../lib/errors.ts';
import { readReport, REPORT_FILE } from '../site/load.ts';
import type { ExperimentEntry, Report } from '../site/report.ts';
import { diffErrors } from './messages.ts';

/** A report read from a directory. */
export interface ReportSource {
  /** The directory as the user named it (or `<cache>/report`), relative to the working directory. */
  dir: string;
  /** How the output names it: the argument given, or "the built report (<dir>)". */
  label: string;
  report: Report;
  /** report.json as parsed JSON, for fields newer than the schema (`repeats`). */
  raw: unknown;
}

/** One experiment of a report. */
export interface Side {
  source: ReportSource;
  entry: ExperimentEntry;
}

/** What to compare: the pairs, and for two bare directories the ids only one of them has. */
export interface DiffPlan {
  pairs: { a: Side; b: Side }[];
  /** Set when both arguments were directories without ids (the output is then a set of diffs). */
  set?: { a: ReportSource; b: ReportSource; onlyInA: string[]; onlyInB: string[]; failedInA: string[]; failedInB: string[] };
}

type Argument = { kind: 'dir'; dir: string } | { kind: 'dir-id'; dir: string; id: string } | { kind: 'id'; id: string };

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

const hasReport = (dir: string) => {
  try {
    return statSync(join(dir, REPORT_FILE)).isFile();
  } catch {
    return false;
  }
};

/** Experiment ids are file names, so a slash means a path. */
const looksLikePath = (arg: string) => /[\\/]/.test(arg) || arg === '.' || arg === '..';

function classify(arg: string): Argument {
  if (isDirectory(arg)) {
    if (!hasReport(arg)) throw new UserError(diffErrors.notAReportDir(arg));
    return { kind: 'dir', dir: arg };
  }
  const colon = arg.lastIndexOf(':');
  if (colon > 0) {
    const dir = arg.slice(0, colon);
    if (isDirectory(dir)) {
      if (!hasReport(dir)) throw new UserError(diffErrors.notAReportDir(dir));
      const id = arg.slice(colon + 1);
      if (id === '') throw new UserError(diffErrors.emptyId(arg));
      return { kind: 'dir-id', dir, id };
    }
    if (looksLikePath(dir)) throw new UserError(diffErrors.noSuchDirectory(dir));
  }
  if (looksLikePath(arg)) throw new UserError(diffErrors.noSuchDirectory(arg));
  return { kind: 'id', id: arg };
}

/** Reads each directory once (both arguments may name the same report); `builtDir` answers bare ids. */
function reportReader(builtDir: string) {
  const cache = new Map<string, ReportSource>();
  const get = (dir: string, label: string): ReportSource => {
    const known = cache.get(dir);
    if (known) return known;
    const report = readReport(dir, `given to convlens diff as ${label}`);
    const source: ReportSource = { dir, label, report, raw: JSON.parse(readFileSync(join(dir, REPORT_FILE), 'utf8')) };
    cache.set(dir, source);
    return source;
  };
  const built = (arg: string): ReportSource => {
    if (!hasReport(builtDir)) throw new UserError(diffErrors.noCacheReport(arg, builtDir));
    return get(builtDir, `the built report (${builtDir})`);
  };
  return { get, built };
}

function entry(source: ReportSource, id: string): Side {
  const found = source.report.experiments.find((e) => e.id === id);
  if (found) return { source, entry: found };
  const failed = source.report.failed.find((e) => e.id === id);
  if (failed) throw new UserError(diffErrors.failedId(id, source.label, failed.error));
  throw new UserError(diffErrors.unknownId(id, source.label, source.report.experiments.map((e) => e.id)));
}

/** A directory given alone where one experiment is meant: it must hold exactly one. */
function only(source: ReportSource): Side {
  const ids = source.report.experiments.map((e) => e.id);
  if (ids.length === 0) throw new UserError(diffErrors.noExperiments(source.dir));
  if (ids.length > 1) throw new UserError(diffErrors.needsId(source.dir, ids));
  return { source, entry: source.report.experiments[0]! };
}

/**
 * Resolve the two arguments into the pairs to compare; `cache` is the cache directory
 * (`--cache`), whose `report/` answers bare ids. Every mistake is a UserError saying what exists.
 */
export function resolveDiff(args: readonly string[], cache: string): DiffPlan {
  if (args.length !== 2) throw new UserError(diffErrors.argumentCount(args.length));
  const reports = reportReader(join(cache, 'report'));
  const [argA, argB] = [classify(args[0]!), classify(args[1]!)];
  if (argA.kind === 'dir' && argB.kind === 'dir') {
    const a = reports.get(argA.dir, argA.dir);
    const b = reports.get(argB.dir, argB.dir);
    const idsA = a.report.experiments.map((e) => e.id);
    const idsB = b.report.experiments.map((e) => e.id);
    // A run that failed on one side is listed as failed there, not as missing.
    const failedInA = a.report.failed.map((e) => e.id);
    const failedInB = b.report.failed.map((e) => e.id);
    const common = idsA.filter((id) => idsB.includes(id));
    if (common.length === 0 && idsA.length === 1 && idsB.length === 1) {
      // Two sites of one experiment each, named differently: compare those two.
      return { pairs: [{ a: only(a), b: only(b) }], set: { a, b, onlyInA: [], onlyInB: [], failedInA, failedInB } };
    }
    if (common.length === 0) throw new UserError(diffErrors.noCommonIds(argA.dir, idsA, argB.dir, idsB));
    return {
      pairs: common.map((id) => ({ a: entry(a, id), b: entry(b, id) })),
      set: { a, b, onlyInA: idsA.filter((id) => !idsB.includes(id) && !failedInB.includes(id)), onlyInB: idsB.filter((id) => !idsA.includes(id) && !failedInA.includes(id)), failedInA, failedInB },
    };
  }
  const side = (arg: Argument, raw: string): Side => {
    switch (arg.kind) {
      case 'dir':
        return only(reports.get(arg.dir, arg.dir));
      case 'dir-id':
        return entry(reports.get(arg.dir, arg.dir), arg.id);
      case 'id':
        return entry(reports.built(raw), arg.id);
    }
  };
  return { pairs: [{ a: side(argA, args[0]!), b: side(argB, args[1]!) }] };
}
