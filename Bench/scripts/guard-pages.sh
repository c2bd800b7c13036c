#!/usr/bin/env bash
# Guard pages on vs off (HOIST_GUARD_PAGES=1/0) for one Hoist tier over Bench/programs:
#
#   Bench/scripts/guard-pages.sh [--runs N] [--scale PCT] [--strategy S] [--hoist "CMD"] [PROGRAMS...]
#
# Each measurement is a whole `hoist run` process, timed as CPU seconds (user+sys, as compare.sh does);
# rounds alternate the two modes (which one goes first alternates too), and the ratio per program is the
# median of the same-round ratios on/off (< 1: guard pages are faster). Every output is checked against
# the other mode's. Default: 5 runs, full scale, baseline, the built hoist.dll.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
runs=5 scale=100 strategy=baseline hoist="dotnet $repo/Engine.Cli/bin/Release/net10.0/hoist.dll" progs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --scale) scale="$2"; shift 2 ;;
    --strategy) strategy="$2"; shift 2 ;;
    --hoist) hoist="$2"; shift 2 ;;
    *) progs+=("$1"); shift ;;
  esac
done
[ ${#progs[@]} -gt 0 ] || progs=(binarytrees calls lz nbody sha256 sieve sort spectral strings vm)
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT

measure() {   # mode program round -> appends "seconds" to $tmp/program.mode
  local mode="$1" p="$2" r="$3"
  /usr/bin/time -f "%U %S" -o "$tmp/t" env HOIST_GUARD_PAGES="$mode" $hoist run --strategy "$strategy" \
    "$repo/Bench/programs/$p.wasm" "$scale" > "$tmp/$p.$mode.out.$r"
  awk '{ print $1 + $2 }' "$tmp/t" >> "$tmp/$p.$mode"
}

for r in $(seq 1 "$runs"); do
  for p in "${progs[@]}"; do
    if [ $((r % 2)) -eq 1 ]; then measure 1 "$p" "$r"; measure 0 "$p" "$r"; else measure 0 "$p" "$r"; measure 1 "$p" "$r"; fi
    cmp -s "$tmp/$p.1.out.$r" "$tmp/$p.0.out.$r" || { echo "guard-pages: $p: outputs differ between the modes" >&2; exit 1; }
  done
  echo "round $r/$runs done" >&2
done

median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
printf '| program | guard pages (s) | explicit checks (s) | ratio on/off |\n|:---|---:|---:|---:|\n'
logsum=0
for p in "${progs[@]}"; do
  on=$(median < "$tmp/$p.1"); off=$(median < "$tmp/$p.0")
  ratio=$(paste "$tmp/$p.1" "$tmp/$p.0" | awk '{ print $1 / $2 }' | median)
  logsum=$(awk -v s="$logsum" -v x="$ratio" 'BEGIN { print s + log(x) }')
  printf '| %s | %.3f | %.3f | %.3f |\n' "$p" "$on" "$off" "$ratio"
done
awk -v s="$logsum" -v n="${#progs[@]}" 'BEGIN { printf "| geometric mean | | | %.3f |\n", exp(s / n) }'
