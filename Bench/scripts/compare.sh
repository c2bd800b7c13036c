#!/usr/bin/env bash
# The one command for the whole comparison (see compare.mjs for the options and the method):
#
#   Bench/scripts/compare.sh [--no-build] [compare.mjs options...]
#   Bench/scripts/compare.sh --runs 5 --results Bench/RESULTS.md     # what made Bench/RESULTS.md
#
# On a fresh machine (Debian/Ubuntu with the .NET 10 SDK) it installs what is missing and builds
# everything before measuring:
#   - Node (apt: nodejs) for V8 and the scripts; clang, lld and wasi-libc through build.sh;
#   - the native executables (Bench/programs/native/, not committed) when missing or stale;
#   - hoist, published self-contained with composite ReadyToRun into artifacts/bench/hoist/ (how it
#     ships, README "A fast-starting hoist": the .NET libraries are precompiled with Hoist, so neither
#     the CLI nor its compilers are JIT-compiled at start-up), unless --hoist "CMD" or $HOIST names another;
#   - the Bench project (Release), whose `compile` mode times Hoist's compilers in-process.
# --no-build skips the two dotnet builds (use what is already built).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
programs="$here/../programs"

build=1 args=() custom_hoist=0
[ -n "${HOIST:-}" ] && custom_hoist=1
for a in "$@"; do
  case "$a" in
    --no-build) build=0 ;;
    --hoist) custom_hoist=1; args+=("$a") ;;
    *) args+=("$a") ;;
  esac
done

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if ! command -v node >/dev/null; then
  echo "compare: installing nodejs" >&2
  $sudo apt-get update -qq && $sudo apt-get install -y -qq nodejs >/dev/null
fi
if ! command -v dotnet >/dev/null; then
  echo "compare: the .NET 10 SDK is required (https://dot.net/download); it is not in Debian's archive" >&2
  exit 1
fi

for src in "$programs"/*.c; do
  name="$(basename "$src" .c)"
  [ "$name" = big ] && continue
  if [ ! -x "$programs/native/$name" ] || [ "$src" -nt "$programs/native/$name" ] || [ "$programs/bench.h" -nt "$programs/native/$name" ]; then
    "$here/build.sh" --native-only
    break
  fi
done

if [ $build -eq 1 ]; then
  if [ $custom_hoist -eq 0 ]; then
    echo "compare: publishing hoist (self-contained, composite ReadyToRun) to artifacts/bench/hoist" >&2
    publish() {
      dotnet publish "$repo/Engine.Cli" -c Release -r linux-x64 --self-contained true -p:PublishReadyToRun=true \
        -p:PublishReadyToRunComposite=true -o "$repo/artifacts/bench/hoist" -nologo -v quiet >&2
    }
    publish
    # An incremental publish after a framework-dependent one (README: "A fast-starting hoist") reuses
    # that one's precompiled assemblies and aborts at start-up: then publish again from a clean folder.
    if [ "$("$repo/artifacts/bench/hoist/hoist" run "$repo/corpus/wasi/wasm/hello.wasm" 2>/dev/null)" != "Hello, world!" ]; then
      echo "compare: the published hoist does not start; republishing from a clean Engine.Cli/obj/Release/net10.0/linux-x64" >&2
      rm -rf "$repo/Engine.Cli/obj/Release/net10.0/linux-x64"
      publish
    fi
  fi
  echo "compare: building Bench" >&2
  dotnet build "$repo/Bench" -c Release -nologo -v quiet >&2
fi
exec node "$here/compare.mjs" "${args[@]}"
