#!/usr/bin/env bash
# Builds kernels.wasm from the C sources in this folder with Debian's clang/lld 14
# (apt-get install -y clang lld). Usage: build.sh [output.wasm] (default: kernels.wasm here).
# The output is byte-for-byte reproducible for a given clang version; a unit test rebuilds it
# and compares with the committed file.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
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
