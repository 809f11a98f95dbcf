/**
 * The copyable examples in docs/examples/ (issue 15, "where it runs"):
 *
 *   1 the GitHub Actions workflow passes action-validator (GitHub's workflow schema)
 *   2 every Kubernetes document parses and passes kubernetes-models' schema for its kind
 *   3 every `npx convlens …` line in them is accepted by the real CLI parser (src/cli/main.ts)
 *   4 the files agree with themselves: matrix size = N of --shard x/N, Job completions = --shards N,
 *     shards readwrite, merges --no-train on the same remote
 *
 * Each validator is also shown to reject a broken copy, so a pass means something.
 * Neither validator rejects unknown keys everywhere (kubernetes-models never does), so the fields
 * the design depends on (completionMode, backoffLimitPerIndex, restartPolicy) are asserted by name.
 */
import { readFileSync } from 'node:fs';
import { validateWorkflow } from '@action-validator/core';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, parseDocument } from 'yaml';
import { main } from '../../../src/cli/main.ts';
import { resolveShard } from '../../../src/cli/shard.ts';

const WORKFLOW = 'docs/examples/github-actions-shards.yml';
const SHARD_JOB = 'docs/examples/kubernetes-indexed-job.yaml';
const MERGE_JOB = 'docs/examples/kubernetes-merge-job.yaml';
const read = (path: string) => readFileSync(path, 'utf8');

// --- extracting the convlens command lines -------------------------------------------------------

/** A convlens invocation: where it was found and its arguments after `npx convlens`. */
interface Invocation {
  where: string;
  argv: string[];
}

/**
 * The words of one shell command line, for the simple lines the examples use: words, '…' and "…".
 * Anything more (pipes, `;`, `&&`, `$(…)`, backticks) throws, so an edit that needs more fails
 * here instead of being checked wrongly.
 */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'" || c === '"') {
      const end = line.indexOf(c, i + 1);
      if (end < 0) throw new Error(`Unclosed ${c} in: ${line}`);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if ('|;&`<>()'.includes(c) || line.startsWith('$(', i)) {
      throw new Error(`The test's shell reader does not handle "${c}" in: ${line}`);
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** GitHub expressions and environment references replaced by sample values a runner could see. */
function substitute(line: string, sample: { shard: string }): string {
  return line
    .replace(/\$\{\{\s*matrix\.shard\s*\}\}/g, sample.shard)
    .replace(/\$\{\{[^}]*\}\}/g, 'expression-value')
    .replace(/\$\{?CONVLENS_REMOTE\}?/g, 's3://example-bucket/convlens')
    .replace(/\$\{?([A-Z_][A-Z0-9_]*)\}?/g, 'value-of-$1');
}

/** `npx convlens …` in every `run:` of every step; `${{ matrix.shard }}` becomes `shard`. */
function workflowInvocations(src: string, shard = '1'): Invocation[] {
  const workflow = parse(src) as { jobs: Record<string, { steps?: { name?: string; run?: string }[] }> };
  const found: Invocation[] = [];
  for (const [job, { steps = [] }] of Object.entries(workflow.jobs)) {
    steps.forEach((step, i) => {
      if (step.run === undefined) return;
      for (const line of step.run.replace(/\\\n/g, ' ').split('\n')) {
        const words = shellWords(substitute(line, { shard }));
        const at = words.findIndex((w, k) => w === 'npx' && words[k + 1] === 'convlens');
        if (at >= 0) found.push({ where: `jobs.${job}.steps[${i}] (${step.name ?? 'unnamed'})`, argv: words.slice(at + 2) });
        else if (words.includes('convlens')) throw new Error(`jobs.${job}.steps[${i}] runs convlens other than as "npx convlens": ${line}`);
      }
    });
  }
  return found;
}

interface K8sObject {
  kind: string;
  metadata: { name: string };
  spec?: Record<string, unknown> & { template?: { spec: { restartPolicy?: string; containers: { name: string; image: string; command?: string[]; args?: string[] }[] } } };
}

function k8sDocuments(path: string): K8sObject[] {
  return parseAllDocuments(read(path)).map((doc) => {
    expect(doc.errors, `${path}: YAML errors`).toEqual([]);
    return doc.toJS() as K8sObject;
  });
}

/** The `npx convlens …` of every container of every Job (exec form: command, then args). */
function k8sInvocations(objects: K8sObject[]): Invocation[] {
  const found: Invocation[] = [];
  for (const o of objects) {
    for (const c of o.spec?.template?.spec.containers ?? []) {
      const words = [...(c.command ?? []), ...(c.args ?? [])].map(String);
      if (words[0] === 'npx' && words[1] === 'convlens') found.push({ where: `${o.kind} ${o.metadata.name}, container ${c.name}`, argv: words.slice(2) });
      else if (words.some((w) => w.includes('convlens'))) throw new Error(`${o.metadata.name}: convlens run other than as [npx, convlens, …]: ${words.join(' ')}`);
    }
  }
  return found;
}

/** The value of `--name value` or `--name=value`; undefined when absent. */
function flag(argv: string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === `--${name}`) return argv[i + 1];
    if (argv[i]!.startsWith(`--${name}=`)) return argv[i]!.slice(name.length + 3);
  }
  return undefined;
}

/** Lines that are not YAML comments and mention `npx convlens` / `[npx, convlens`: the ground truth count. */
function mentions(src: string): number {
  return src.split('\n').filter((l) => !/^\s*#/.test(l) && /npx,?\s+convlens/.test(l)).length;
}

/**
 * Whether the real CLI parser accepts `argv`: `--help` first makes main() parse everything and
 * then print the command's help instead of running it (an unknown flag fails before that).
 */
async function parserVerdict(argv: string[]): Promise<{ code: number; err: string }> {
  const err: string[] = [];
  const code = await main(['--help', ...argv], { out: () => {}, err: (t) => void err.push(t), env: {} });
  return { code, err: err.join('') };
}

// --- 1 the workflow ---------------------------------------------------------------------------------

describe('docs/examples: the GitHub Actions workflow', () => {
  const src = read(WORKFLOW);

  it('passes action-validator', () => {
    const state = validateWorkflow(src);
    expect(state.actionType).toBe('workflow');
    expect(state.errors).toEqual([]);
  });

  it('action-validator rejects a copy whose merge job lost runs-on, or whose step has a misspelt key', () => {
    const noRunsOn = parseDocument(src);
    noRunsOn.deleteIn(['jobs', 'merge', 'runs-on']);
    const missing = validateWorkflow(String(noRunsOn)).errors;
    expect(JSON.stringify(missing)).toContain('/jobs/merge/runs-on');

    const typo = parseDocument(src);
    typo.setIn(['jobs', 'shard', 'steps', 0, 'wiht'], { 'fetch-depth': 1 });
    expect(JSON.stringify(validateWorkflow(String(typo)).errors)).toContain("Additional property 'wiht' is not allowed");
  });
});

// --- 2 the Kubernetes manifests -------------------------------------------------------------------

const MODELS: Record<string, (o: K8sObject) => { validate(): void }> = {
  Job: (o) => new Job(o as ConstructorParameters<typeof Job>[0]),
  ServiceAccount: (o) => new ServiceAccount(o as ConstructorParameters<typeof ServiceAccount>[0]),
};

describe('docs/examples: the Kubernetes manifests', () => {
  for (const path of [SHARD_JOB, MERGE_JOB]) {
    it(`${path}: every document parses and passes kubernetes-models' schema for its kind`, () => {
      const objects = k8sDocuments(path);
      expect(objects.map((o) => o.kind).sort()).toEqual(['Job', 'ServiceAccount']);
      for (const o of objects) {
        const model = MODELS[o.kind];
        expect(model, `${path}: no validator for kind ${o.kind}`).toBeDefined();
        expect(() => model!(o).validate(), `${path}: ${o.kind} ${o.metadata.name}`).not.toThrow();
      }
    });
  }

  it('kubernetes-models rejects a Job with a misspelt completionMode or a non-integer completions', () => {
    const job = k8sDocuments(SHARD_JOB).find((o) => o.kind === 'Job')!;
    const badMode = structuredClone(job);
    badMode.spec!['completionMode'] = 'Indexd';
    expect(() => MODELS['Job']!(badMode).validate()).toThrow(/completionMode must be equal to one of the allowed values/);
    const badCount = structuredClone(job);
    badCount.spec!['completions'] = 'four';
    expect(() => MODELS['Job']!(badCount).validate()).toThrow(/completions must be integer/);
  });

  it('the shard Job is Indexed with a retry budget per index, which needs restartPolicy Never (not checked by the schema)', () => {
    const job = k8sDocuments(SHARD_JOB).find((o) => o.kind === 'Job')!;
    expect(job.spec!['completionMode']).toBe('Indexed');
    expect(Number.isInteger(job.spec!['backoffLimitPerIndex'])).toBe(true);
    expect(job.spec!.template!.spec.restartPolicy).toBe('Never');
  });
});

// --- 3 the command lines against the real parser -----------------------------------------------

describe('docs/examples: every convlens command line uses flags the CLI accepts', () => {
  const workflow = workflowInvocations(read(WORKFLOW));
  const kubernetes = [...k8sInvocations(k8sDocuments(SHARD_JOB)), ...k8sInvocations(k8sDocuments(MERGE_JOB))];

  it('finds every command line in the files (none skipped by the extraction)', () => {
    expect(workflow).toHaveLength(mentions(read(WORKFLOW)));
    expect(kubernetes).toHaveLength(mentions(read(SHARD_JOB)) + mentions(read(MERGE_JOB)));
    expect(workflow.length).toBeGreaterThanOrEqual(3);
    expect(kubernetes).toHaveLength(2);
  });

  for (const { where, argv } of [...workflow, ...kubernetes]) {
    it(`${where}: convlens ${argv.join(' ')}`, async () => {
      expect(await parserVerdict(argv)).toEqual({ code: 0, err: '' });
    });
  }

  it('the check can fail: the parser rejects an unknown flag', async () => {
    const verdict = await parserVerdict(['run', '--shard', '1/4', '--remote-moed', 'readwrite']);
    expect(verdict.code).toBe(1);
    expect(verdict.err).toContain("Unknown option '--remote-moed'");
  });
});

// --- 4 the files agree with themselves ------------------------------------------------------------

describe('docs/examples: shard counts, modes and the merge agree', () => {
  it('workflow: the matrix is exactly shards 1..N of --shard x/N; shards write, the merge reads with --no-train', () => {
    const src = read(WORKFLOW);
    const jobs = (parse(src) as { jobs: Record<string, { needs?: string | string[]; strategy?: { matrix: { shard: number[] } } }> }).jobs;
    const matrix = jobs['shard']!.strategy!.matrix.shard;
    const byJob = (job: string, shard = '1') => workflowInvocations(src, shard).filter((v) => v.where.startsWith(`jobs.${job}.`));

    const shardLines = matrix.map((m) => byJob('shard', String(m)));
    expect(shardLines.every((lines) => lines.length === 1)).toBe(true);
    const chosen = shardLines.map(([v]) => resolveShard({ shard: flag(v!.argv, 'shard')! }, {})!);
    expect(new Set(chosen.map((c) => c.count))).toEqual(new Set([matrix.length]));
    expect(chosen.map((c) => c.index).sort((a, b) => a - b)).toEqual(Array.from({ length: matrix.length }, (_, i) => i + 1));

    const [shard] = shardLines[0]!;
    expect(shard!.argv[0]).toBe('run');
    expect(flag(shard!.argv, 'remote-mode')).toBe('readwrite');

    const [merge, ...more] = byJob('merge');
    expect(more).toEqual([]);
    expect([merge!.argv[0], merge!.argv.includes('--no-train')]).toEqual(['build', true]);
    expect(flag(merge!.argv, 'remote-mode') ?? 'read').toBe('read');
    expect(flag(merge!.argv, 'remote')).toBe(flag(shard!.argv, 'remote'));
    expect([jobs['merge']!.needs].flat()).toContain('shard');

    // Pull requests never write the cache.
    for (const v of byJob('preview')) expect(flag(v.argv, 'remote-mode') ?? 'read').toBe('read');
  });

  it('Kubernetes: completions = --shards N and every index 0..N-1 is one shard; the merge reads the same remote with --no-train', () => {
    const shardJob = k8sDocuments(SHARD_JOB).find((o) => o.kind === 'Job')!;
    const mergeJob = k8sDocuments(MERGE_JOB).find((o) => o.kind === 'Job')!;
    const [shard] = k8sInvocations([shardJob]);
    const [merge] = k8sInvocations([mergeJob]);

    const completions = shardJob.spec!['completions'] as number;
    expect(shard!.argv[0]).toBe('run');
    expect(Number(flag(shard!.argv, 'shards'))).toBe(completions);
    const indexes = Array.from({ length: completions }, (_, i) => resolveShard({ shards: flag(shard!.argv, 'shards')! }, { JOB_COMPLETION_INDEX: String(i) })!.index);
    expect(indexes).toEqual(Array.from({ length: completions }, (_, i) => i + 1));
    expect(flag(shard!.argv, 'remote-mode')).toBe('readwrite');

    expect([merge!.argv[0], merge!.argv.includes('--no-train')]).toEqual(['build', true]);
    expect(flag(merge!.argv, 'remote-mode') ?? 'read').toBe('read');
    expect(flag(merge!.argv, 'remote')).toBe(flag(shard!.argv, 'remote'));
    expect(mergeJob.spec!.template!.spec.containers[0]!.image).toBe(shardJob.spec!.template!.spec.containers[0]!.image);
  });
});
