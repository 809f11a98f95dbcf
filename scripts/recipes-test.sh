#!/usr/bin/env bash
# The docs-site recipes of docs/docs-sites.md, run as written, with the real generators:
#   1 convlens build     the tiny e2e experiment (tests/fixtures/experiments/e2e, one epoch) with
#                        --base /reports/ --out <site>/static/reports, as the Hugo recipe says
#   2 hugo               a minimal Hugo site: a home page linking to /reports/ and a page holding
#                        the figure's Markdown snippet exactly as the report's embed panel shows it
#   3 convlens build     the same experiment (cached: only the site is built) into <site>/docs/reports
#   4 mkdocs --strict    a minimal MkDocs site (docs/ → site/), the same two pages
#   5 link check         in both outputs: every page of the report is there; every local href and
#                        src of every HTML page (docs pages and report pages) names a file that
#                        exists; the docs page shows the figure: an <img> with the report's alt
#                        text whose src is the published SVG, and the caption line
# Docusaurus is not built here (an npm install of a few hundred packages); its recipe is the same
# static-folder rule as Hugo's (static/ is copied into build/ as it is), which step 2 proves.
# Needs Node >= 22.12 and Debian's hugo and mkdocs (`apt-get install -y hugo mkdocs`). Last line:
# "recipes test: N passed, M failed (Ss)". CONVLENS_RECIPES_KEEP=1 keeps the work directory.
set -uo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/convlens-recipes.XXXXXX")"
keep="${CONVLENS_RECIPES_KEEP:-}"
cleanup() { if [ -z "$keep" ]; then rm -rf "$work"; else echo "kept $work"; fi; }
trap cleanup EXIT
export ASTRO_TELEMETRY_DISABLED=1
started=$SECONDS
passed=0
failed=0

finish() {
  echo "recipes test: $passed passed, $failed failed ($((SECONDS - started))s)"
  [ "$failed" -eq 0 ]
  exit $?
}

# step NAME COMMAND...: run COMMAND with its output in a log; on failure show the log's end and stop.
step() {
  local name="$1"
  shift
  local log="$work/log-$((passed + failed + 1)).txt"
  if "$@" >"$log" 2>&1; then
    passed=$((passed + 1))
    echo "ok $name"
  else
    failed=$((failed + 1))
    echo "FAILED $name (exit $?); the end of its output:"
    tail -n 40 "$log" | sed 's/^/  /'
    finish
  fi
}

for tool in hugo mkdocs; do
  if ! command -v "$tool" >/dev/null; then
    echo "FAILED $tool is not installed, so its recipe cannot be tested. Install it with \`apt-get install -y hugo mkdocs\` (Debian/Ubuntu) and run this again."
    failed=$((failed + 1))
    finish
  fi
done

# `npx convlens` in a project that installed convlens; this checkout runs its own bin.
convlens() { node "$repo/bin/convlens.js" "$@"; }
build_reports() { convlens build --experiments "$repo/tests/fixtures/experiments/e2e" --cache "$work/cache" --backend wasm --quiet --base /reports/ --out "$1"; }

# The Markdown snippet the report's embed panel shows for the training curves (path form: the
# panel makes it a full URL in the browser; without JavaScript, and here, it is the site path).
snippet() {
  node --input-type=module -e '
    import { readFileSync } from "node:fs";
    const html = readFileSync(process.argv[1], "utf8");
    const block = html.split(`id="figure-training-curves"`)[1] ?? "";
    const m = block.match(/data-embed-format="markdown"[^>]*>\s*<p[^>]*>Markdown<\/p>\s*<pre[^>]*>([\s\S]*?)<\/pre>/);
    if (!m) { console.error("no Markdown snippet for training-curves in " + process.argv[1]); process.exit(1); }
    const text = m[1].replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, "\"").replace(/&#39;/g, "'"'"'").replace(/&amp;/g, "&");
    process.stdout.write(text + "\n");
  ' "$1"
}

# --- Hugo: static/ is copied into public/ as it is.
hugo_site="$work/hugo-site"
mkdir -p "$hugo_site/content" "$hugo_site/layouts/_default"
step "convlens build --base /reports/ --out static/reports (Hugo)" build_reports "$hugo_site/static/reports"
figure_md="$(snippet "$hugo_site/static/reports/experiments/tiny-e2e/index.html")" || { failed=$((failed + 1)); echo "FAILED the Markdown snippet of the embed panel"; finish; }
cat >"$hugo_site/hugo.toml" <<'EOF'
baseURL = "http://example.org/"
title = "Docs with convlens"
disableKinds = ["taxonomy", "term", "RSS", "sitemap"]
EOF
cat >"$hugo_site/layouts/_default/baseof.html" <<'EOF'
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main>{{ block "main" . }}{{ end }}</main></body></html>
EOF
printf '{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}\n' >"$hugo_site/layouts/_default/single.html"
printf '{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}\n' >"$hugo_site/layouts/_default/list.html"
printf -- '---\ntitle: Docs with convlens\n---\n\nSee [all experiment reports](/reports/) and [the results](/results/).\n' >"$hugo_site/content/_index.md"
printf -- '---\ntitle: Results\n---\n\nThe tiny run:\n\n%s\n' "$figure_md" >"$hugo_site/content/results.md"
step "hugo builds the site" hugo --source "$hugo_site" --destination "$hugo_site/public" --quiet

# --- MkDocs: every file in docs/ that is not Markdown is copied into site/ as it is.
mkdocs_site="$work/mkdocs-site"
mkdir -p "$mkdocs_site/docs"
step "convlens build --base /reports/ --out docs/reports (MkDocs)" build_reports "$mkdocs_site/docs/reports"
cat >"$mkdocs_site/mkdocs.yml" <<'EOF'
site_name: Docs with convlens
nav:
  - Home: index.md
  - Results: results.md
EOF
printf '# Docs with convlens\n\nSee [all experiment reports](reports/index.html) and [the results](results.md).\n' >"$mkdocs_site/docs/index.md"
printf '# Results\n\nThe tiny run:\n\n%s\n' "$figure_md" >"$mkdocs_site/docs/results.md"
step "mkdocs build --strict" mkdocs build --strict --quiet --config-file "$mkdocs_site/mkdocs.yml" --site-dir "$mkdocs_site/site"

# --- Every page and link, in both outputs.
check_site() {
  node --input-type=module - "$@" <<'EOF'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const [out, docsPage, reportDir] = process.argv.slice(2);
const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
const decode = (s) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
/** The file a site path names: a directory means its index.html. */
const fileOf = (pathname) => {
  const file = join(out, decodeURIComponent(pathname));
  return existsSync(file) && statSync(file).isDirectory() ? join(file, 'index.html') : file;
};
const problems = [];
let links = 0;
const pages = walk(out).filter((f) => f.endsWith('.html'));
for (const page of pages) {
  const url = new URL(`http://example.org/${relative(out, page).split(sep).join('/')}`);
  const html = readFileSync(page, 'utf8');
  for (const m of html.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
    const target = new URL(decode(m[1]), url);
    if (target.origin !== 'http://example.org') continue;
    links++;
    if (!existsSync(fileOf(target.pathname))) problems.push(`${relative(out, page)} links to ${target.pathname}, which the site does not have`);
  }
}
// Every page the report implies is in the output.
const report = JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8'));
const expected = ['reports/index.html', 'reports/compare/index.html', 'reports/search/index.html', ...report.experiments.map((e) => `reports/experiments/${e.id}/index.html`)];
for (const file of expected) if (!existsSync(join(out, file))) problems.push(`the report page ${file} is missing`);
// The docs page shows the figure from its Markdown snippet.
const figure = report.experiments[0].figures.find((f) => f.name === 'training-curves');
const docs = readFileSync(join(out, docsPage), 'utf8');
const img = [...docs.matchAll(/<img\s[^>]*>/g)].map((m) => m[0]).find((tag) => tag.includes('training-curves.svg'));
if (!img) problems.push(`${docsPage} shows no training-curves.svg image`);
else {
  const src = decode(img.match(/src="([^"]*)"/)[1]);
  const alt = decode(img.match(/alt="([^"]*)"/)?.[1] ?? '');
  if (new URL(src, 'http://example.org/results/').pathname !== `/reports/experiments/${report.experiments[0].id}/${figure.svg}`) problems.push(`${docsPage}: the image's src is ${src}`);
  if (alt !== figure.alt) problems.push(`${docsPage}: the image's alt text is "${alt}", not "${figure.alt}"`);
}
if (!docs.includes(`<em>${figure.title}.</em>`)) problems.push(`${docsPage} has no caption "${figure.title}." in italics`);
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`${pages.length} pages, ${links} local links and sources, all resolved`);
EOF
}
step "Hugo output: report pages, every link, the embedded figure" check_site "$hugo_site/public" results/index.html "$hugo_site/static/reports"
step "MkDocs output: report pages, every link, the embedded figure" check_site "$mkdocs_site/site" results/index.html "$mkdocs_site/docs/reports"
finish
