#!/usr/bin/env bash
# Rebuilds every WASI corpus program: src/NAME.c -> wasm/NAME.wasm (committed, so that tests
# never need clang). Installs the toolchain first when it is missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../toolchain.sh"
ensure_toolchain
mkdir -p "$here/wasm"
for src in "$here"/src/*.c; do
  name="$(basename "$src" .c)"
  wasi_cc "$here/wasm/$name.wasm" "$src"
  echo "built wasm/$name.wasm ($(stat -c %s "$here/wasm/$name.wasm") bytes)"
done
