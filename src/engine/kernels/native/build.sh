#!/usr/bin/env bash
# Builds kernels.wasm from the C sources in this folder with Debian's clang/lld 14
# (apt-get install -y clang lld). Usage:
#   build.sh [output.wasm]   build (default output: kernels.wasm here)
#   build.sh --check         only say whether this machine has the exact toolchain
# The output is byte-for-byte reproducible for a given clang version, and only for that one: a
# unit test rebuilds it and compares with the committed file. Without clang 14 and wasm-ld this
# script exits 3 with the reason on stderr, so the test can report "not run" instead of a
# mismatch that is no one's fault.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

toolchain_missing() {
  echo "kernels.wasm can only be rebuilt byte for byte with Debian's clang 14 and lld 14 (wasm-ld): $1. On Debian 12 install them with \"apt-get install -y clang lld\"." >&2
  exit 3
}
version="$(clang --version 2>/dev/null | head -n 1 || true)"
[ -n "$version" ] || toolchain_missing "there is no clang on PATH"
[[ "$version" =~ clang\ version\ 14\. ]] || toolchain_missing "found \"$version\""
command -v wasm-ld >/dev/null 2>&1 || toolchain_missing "clang 14 is here but wasm-ld is not"
if [ "${1:-}" = "--check" ]; then
  echo "$version"
  exit 0
fi

out="${1:-$here/kernels.wasm}"
cd "$here"
# Sources in a fixed (byte-wise) order: the link order decides the bytes of the output.
export LC_ALL=C
# --import-memory: run on tfjs-backend-wasm's own memory. -z stack-size=0 with --stack-first:
# the shadow stack pointer starts at 0, so a kernel that needed stack memory would trap on its
# first use instead of writing into tfjs's heap. -mbulk-memory: memset/memcpy become
# memory.fill/memory.copy (there is no libc to call).
clang --target=wasm32 -msimd128 -mbulk-memory -O3 -ffreestanding -nostdlib -fno-exceptions \
  -Wall -Wextra -Werror -std=c11 \
  -Wl,--no-entry -Wl,--import-memory -Wl,--stack-first -Wl,-z,stack-size=0 -Wl,--strip-all \
  -o "$out" ./*.c
chmod 644 "$out"
