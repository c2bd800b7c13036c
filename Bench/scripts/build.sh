#!/usr/bin/env bash
# Builds the benchmark corpus. Installs the toolchain first when it is missing.
#
#   Bench/scripts/build.sh [--native-only] [--skip-big]
#
#   programs/NAME.c  -> programs/NAME.wasm    (committed)
#                    -> programs/native/NAME  (not committed: built here, -O2, same flags)
#   scripts/gen-big.mjs -> programs/big.c (not committed) -> programs/big.wasm (committed),
#                    checked to have a code section of at least 1 MB.
# --native-only rebuilds only the native executables (what compare.sh needs on a fresh
# machine; the committed .wasm files are left alone). big.c takes clang ~30 s: --skip-big.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
programs="$here/../programs"
source "$here/../../corpus/toolchain.sh"

native_only=0 skip_big=0
for a in "$@"; do
  case "$a" in
    --native-only) native_only=1 ;;
    --skip-big) skip_big=1 ;;
    *) echo "usage: build.sh [--native-only] [--skip-big]" >&2; exit 2 ;;
  esac
done

ensure_toolchain
mkdir -p "$programs/native"
for src in "$programs"/*.c; do
  name="$(basename "$src" .c)"
  [ "$name" = big ] && continue
  native_cc "$programs/native/$name" "$src"
  if [ $native_only -eq 0 ]; then
    wasi_cc "$programs/$name.wasm" "$src"
    echo "built $name.wasm ($(stat -c %s "$programs/$name.wasm") bytes) and native/$name"
  else
    echo "built native/$name"
  fi
done

if [ $native_only -eq 0 ] && [ $skip_big -eq 0 ]; then
  node "$here/gen-big.mjs" "$programs/big.c"
  # Generated code: its warnings (e.g. unused values) say nothing about the generator's correctness.
  wasi_cc "$programs/big.wasm" "$programs/big.c" -w -Wno-error
  code=$(node -e "import('$here/wasm-sections.mjs').then(m => console.log(m.codeSectionSize(require('fs').readFileSync('$programs/big.wasm'))))")
  echo "built big.wasm ($(stat -c %s "$programs/big.wasm") bytes, code section $code bytes)"
  if [ "$code" -lt 1000000 ]; then echo "big.wasm: code section under 1 MB" >&2; exit 1; fi
fi
