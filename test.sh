#!/usr/bin/env bash
# The project's test command: builds the solution in Release and runs every test.
# The spec-suite tests find the suite through HOIST_TESTSUITE or ../shared/wasm-testsuite.
set -euo pipefail
cd "$(dirname "$0")"
dotnet build Engine.sln -c Release -nologo -v quiet
dotnet test Tests/Tests.csproj -c Release --no-build -nologo --logger "console;verbosity=minimal" "$@"
