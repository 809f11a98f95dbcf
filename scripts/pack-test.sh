#!/usr/bin/env bash
# The published package, as a new user gets it (CI runs this; `npm run test:pack` here):
#   1 npm pack             (prepack compiles lib/) into a temporary directory
#   2 an empty project     npm init -y; npm install --save-dev <tgz> from the registry
#   3 convlens --version   the packed version
#   4 convlens init        example experiment, .gitignore, npm scripts
#   5 convlens check       the example is valid; a TypeScript file using the public API type-checks
#   6 convlens build       the example cut to a tiny run (300/100 images, 1 epoch), --base /reports/;
#                          nothing written into node_modules/convlens
#   7 the site in Chromium index and experiment pages load with no console error or failed
#                          request, and every figure decodes (tests/package/browse.mjs)
# Each step needs the ones before it, so the first failure ends the test. Last line:
# "pack test: N passed, M failed". Needs Node >= 22.12, npm, network access to the registry, and
# Chromium at /usr/bin/chromium (or CONVLENS_CHROMIUM).
#
# @tensorflow/tfjs-node (an optional dependency) is installed with its install script denied
# (allowScripts, npm >= 11.16), as npm 12 does by default: nothing native is downloaded, the run
# is the same on every machine, and the build log must say why native TensorFlow is not used.
set -uo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/convlens-pack.XXXXXX")"
keep="${CONVLENS_PACK_KEEP:-}"
cleanup() { if [ -z "$keep" ]; then rm -rf "$work"; else echo "kept $work"; fi; }
trap cleanup EXIT
export ASTRO_TELEMETRY_DISABLED=1 npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
started=$SECONDS
passed=0
failed=0
last_log=

finish() {
  echo "pack test: $passed passed, $failed failed ($((SECONDS - started))s)"
  [ "$failed" -eq 0 ]
  exit $?
}

# step NAME COMMAND...: run COMMAND with its output in a log; on failure show the log's end and stop.
step() {
  local name="$1"
  shift
  local log="$work/log-$((passed + failed + 1)).txt"
  last_log="$log"
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

# fail NAME WHY: a check made in this script failed.
fail() {
  failed=$((failed + 1))
  echo "FAILED $1: $2"
  finish
}

project="$work/project"
mkdir -p "$work/pack" "$project"

step "npm pack" bash -c 'cd "$1" && npm pack --pack-destination "$2"' _ "$repo" "$work/pack"
tgz="$(ls "$work"/pack/convlens-*.tgz)"
echo "   $(basename "$tgz"): $(du -k "$tgz" | cut -f1) kB packed, $(tar tzf "$tgz" | wc -l) files"

install() {
  cd "$project" &&
    npm init -y &&
    node -e '
      const fs = require("fs");
      const pkg = JSON.parse(fs.readFileSync("package.json", "utf8"));
      pkg.allowScripts = { "@tensorflow/tfjs-node": false };
      fs.writeFileSync("package.json", JSON.stringify(pkg, null, 2) + "\n");' &&
    npm install --save-dev "$tgz"
}
step "npm install --save-dev $(basename "$tgz") into an empty project" install
cd "$project"

expected="$(node -p 'require(process.argv[1]).version' "$repo/package.json")"
version="$(npx --no-install convlens --version 2>&1)"
[ "$version" = "$expected" ] && { passed=$((passed + 1)); echo "ok convlens --version ($version)"; } || fail "convlens --version" "printed \"$version\", expected \"$expected\""

step "convlens init" npx --no-install convlens init
for f in experiments/example.yaml .gitignore; do [ -f "$f" ] || fail "convlens init" "$f was not written"; done
grep -qx '# yaml-language-server: $schema=../node_modules/convlens/schema/experiment.schema.json' experiments/example.yaml || fail "convlens init" "the example has no schema line"
[ -f node_modules/convlens/schema/experiment.schema.json ] || fail "convlens init" "the schema line points at a file the package does not have"
[ "$(node -p 'require("./package.json").scripts["reports:build"]')" = "convlens build" ] || fail "convlens init" "package.json has no reports:build script"

step "convlens check" npx --no-install convlens check
grep -q '^1 experiment valid: example$' "$last_log" || fail "convlens check" "unexpected output: $(cat "$last_log")"

# The public API's types, as a TypeScript user of the package sees them (the checkout's tsc and @types/node).
types_check() {
  mkdir -p "$work/types" &&
    cat >"$work/types/use.mts" <<'TS' &&
import { build, createLog, loadExperiments, systemClock, type Report, type RunOutcome } from 'convlens';
const log = createLog({ mode: 'plain', out: (t) => void process.stdout.write(t), err: (t) => void process.stderr.write(t), clock: systemClock });
const { experiments, errors } = await loadExperiments(['experiments/example.yaml']);
const outcome: RunOutcome = await build({ files: [], ids: experiments.map((e) => e.id), cacheDir: '.convlens', force: false, backend: 'auto', outDir: 'dist', base: '/' }, { log, clock: systemClock });
const report: Report | undefined = undefined;
export const used = [errors.length, outcome.failed.length, report];
TS
    cat >"$work/types/tsconfig.json" <<JSON &&
{ "compilerOptions": { "module": "NodeNext", "moduleResolution": "NodeNext", "target": "ES2023", "strict": true, "noEmit": true,
    "skipLibCheck": true, "types": ["node"], "typeRoots": ["$repo/node_modules/@types"] },
  "files": ["$work/types/use.mts"] }
JSON
    cp "$work/types/use.mts" "$project/use-convlens.mts" &&
    sed -i "s|$work/types/use.mts|$project/use-convlens.mts|" "$work/types/tsconfig.json" &&
    node "$repo/node_modules/typescript/bin/tsc" -p "$work/types/tsconfig.json" &&
    rm "$project/use-convlens.mts"
}
step "the public API's types (import ... from 'convlens')" types_check

# The docs-site entry points resolve from the installed package (the Starlight e2e test uses them from source).
astro_exports() {
  node --input-type=module -e "const m = await import('convlens/astro'); if (typeof m.default !== 'function') throw new Error('convlens/astro has no default integration function');" &&
    [ -f "$(node -p "require.resolve('convlens/astro/ConvlensFigure.astro')")" ]
}
step "convlens/astro and convlens/astro/ConvlensFigure.astro resolve" astro_exports

# The tiny run: the example's own keys, cut down.
sed -i -e 's/limit: { train: 6000, test: 1000 }/limit: { train: 300, test: 100 }/' -e 's/^  epochs: 3$/  epochs: 1/' experiments/example.yaml
grep -q 'limit: { train: 300, test: 100 }' experiments/example.yaml && grep -q '^  epochs: 1$' experiments/example.yaml || fail "tiny run" "the example no longer has the lines this test edits (limit, epochs)"

before="$(find node_modules/convlens | sort | sha256sum)"
step "convlens build --base /reports/ (npm run reports:build)" npm run reports:build -- --base /reports/
build_log="$last_log"
grep -m1 '^backend: ' "$build_log" | sed 's/^/   /'
grep -q '^backend: .*native TensorFlow is not used: ' "$build_log" || fail "convlens build" "the backend line does not say why native TensorFlow is not used"
for f in dist/index.html dist/experiments/example/index.html dist/report.json; do [ -f "$f" ] || fail "convlens build" "$f was not written"; done
[ "$(find node_modules/convlens | sort | sha256sum)" = "$before" ] || fail "convlens build" "it wrote into node_modules/convlens: $(find node_modules/convlens -newer "$tgz" | head -5 | tr '\n' ' ')"

step "the site in Chromium" node "$repo/tests/package/browse.mjs" dist /reports/ example
sed 's/^/   /' "$last_log"

finish
