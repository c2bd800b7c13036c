#!/usr/bin/env bash
# The one command for the whole-program comparison (see compare.mjs for options and method):
#   Bench/scripts/compare.sh [--runs N] [--hoist "CMD"] ...
# Builds the native executables (installing the toolchain) when any is missing, then runs
# compare.mjs with Node.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
programs="$here/../programs"
for src in "$programs"/*.c; do
  name="$(basename "$src" .c)"
  [ "$name" = big ] && continue
  if [ ! -x "$programs/native/$name" ] || [ "$src" -nt "$programs/native/$name" ]; then
    "$here/build.sh" --native-only
    break
  fi
done
exec node "$here/compare.mjs" "$@"
