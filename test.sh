#!/usr/bin/env bash
# The project's test command: builds the solution in Release and runs every test, including the
# spec suite (found through HOIST_TESTSUITE or ../shared/wasm-testsuite). Extra arguments go to
# `dotnet test` (e.g. --filter FullyQualifiedName~Spec). Ends with "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")"
dotnet build Engine.sln -c Release -nologo -v quiet
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test Tests/Tests.csproj -c Release --no-build -nologo --logger "console;verbosity=minimal" "$@" 2>&1 | tee "$log" || status=$?
# dotnet test's own summary: "Passed!  - Failed:     0, Passed:  3187, Skipped:     0, ..."
line=$(grep -E "(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+" "$log" | tail -1 || true)
if [ -n "$line" ]; then
  failed=$(sed -E 's/.*Failed: +([0-9]+),.*/\1/' <<<"$line")
  passed=$(sed -E 's/.*Passed: +([0-9]+),.*/\1/' <<<"$line")
  skipped=$(sed -E 's/.*Skipped: +([0-9]+),.*/\1/' <<<"$line")
  echo "$passed passed, $failed failed, $skipped skipped"
fi
exit $status
