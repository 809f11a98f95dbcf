import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSite } from '../../../src/site/build-site.ts';

const FIXTURE = 'tests/fixtures/site/report';
const work = mkdtempSync(join(tmpdir(), 'convlens-build-site-'));
const cacheDir = join(work, 'cache');

describe('buildSite', () => {
  const outDir = join(work, 'site', 'dist');

  beforeAll(async () => {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'stale.html'), 'from an earlier build');
    await buildSite({ reportDir: FIXTURE, outDir, base: '/reports/', cacheDir });
  });

  it('writes the pages and copies the report directory verbatim beside them', () => {
    for (const path of [
      'index.html',
      'experiments/fashion-tiny/index.html',
      'experiments/mnist-no-validation/index.html',
      'experiments/fashion-tiny/data/metrics.json',
      'experiments/fashion-tiny/model/weights.bin',
      'experiments/mnist-no-validation/figures/training-curves.svg',
    ]) {
      expect(existsSync(join(outDir, path)), path).toBe(true);
    }
    expect(readFileSync(join(outDir, 'experiments/fashion-tiny/data/metrics.json'))).toEqual(
      readFileSync(join(FIXTURE, 'experiments/fashion-tiny/data/metrics.json')),
    );
    expect(existsSync(join(outDir, 'experiments/cifar-broken'))).toBe(false);
  });

  it('replaces the previous site and leaves no temporary directories', () => {
    expect(existsSync(join(outDir, 'stale.html'))).toBe(false);
    expect(readdirSync(join(work, 'site'))).toEqual(['dist']);
  });

  it('prefixes links and assets with base and escapes report text', () => {
    const index = readFileSync(join(outDir, 'index.html'), 'utf8');
    expect(index).toContain('href="/reports/experiments/fashion-tiny/"');
    expect(index).toMatch(/<link rel="stylesheet" href="\/reports\/_astro\/[^"]+\.css"/);
    expect(index).toContain('&lt;script&gt;alert(&quot;not escaped&quot;)&lt;/script&gt;');
    expect(index).not.toContain('<script>alert');
    const page = readFileSync(join(outDir, 'experiments/fashion-tiny/index.html'), 'utf8');
    expect(page).toContain('src="/reports/experiments/fashion-tiny/figures/training-curves.svg"');
    // Scripts only enhance: the theme boot and Astro's bundled modules, never report text.
    const hostile = readFileSync(join(outDir, 'experiments/fashion-hostile/index.html'), 'utf8');
    // Attribute values may hold "<script>" as inert text (Astro escapes quotes in them), so drop them first.
    const withoutAttributes = hostile.replace(/="[^"]*"/g, '=""');
    const scripts = [...withoutAttributes.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) expect(script).not.toMatch(/pwned|onerror/);
    expect(hostile).toContain('&lt;script&gt;window.__pwned = &quot;title&quot;&lt;/script&gt;');
    expect(withoutAttributes).not.toContain('<script>window.__pwned');
    expect(withoutAttributes).not.toMatch(/<img src=x/i);
    expect(withoutAttributes).not.toMatch(/<iframe/i);
  });

  it('leaves the previous site untouched when the build fails', async () => {
    const broken = join(work, 'broken-report');
    await cp(FIXTURE, broken, { recursive: true });
    const report = JSON.parse(readFileSync(join(broken, 'report.json'), 'utf8'));
    report.experiments[0].figures = 'none';
    writeFileSync(join(broken, 'report.json'), JSON.stringify(report));
    const before = readFileSync(join(outDir, 'index.html'), 'utf8');

    await expect(buildSite({ reportDir: broken, outDir, cacheDir })).rejects.toThrow(/does not match the report schema: experiments\.0\.figures/);
    expect(readFileSync(join(outDir, 'index.html'), 'utf8')).toBe(before);
    expect(readdirSync(join(work, 'site'))).toEqual(['dist']);
  });
});

describe('buildSite under a hostile environment', () => {
  it('keeps base in every link even when the shell sets BASE_URL', async () => {
    const outDir = join(work, 'env-site', 'dist');
    const saved = process.env.BASE_URL;
    process.env.BASE_URL = '/';
    try {
      await buildSite({ reportDir: FIXTURE, outDir, base: '/reports/', cacheDir });
    } finally {
      if (saved === undefined) delete process.env.BASE_URL;
      else process.env.BASE_URL = saved;
    }
    expect(process.env.BASE_URL).toBe(saved);
    expect(readFileSync(join(outDir, 'index.html'), 'utf8')).toContain('href="/reports/experiments/fashion-tiny/"');
  });
});
