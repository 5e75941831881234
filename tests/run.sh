#!/usr/bin/env bash
# The test command: builds, runs the xUnit suite, then the Pester tests under Pester 5 and 6 when pwsh is on PATH.
# Ends with one summary line "tests: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."

export AWS_EC2_METADATA_DISABLED=true
log=$(mktemp)
trap 'rm -f "$log"' EXIT

dotnet build KinesisVideoWebRTCStorage.sln -nologo -v minimal || exit 1
# The natively compiled kvwebrtc that tests/.../Cli/NativeCliTests.cs run (needs clang and zlib1g-dev).
dotnet publish src/KinesisVideoWebRTCStorage.Cli -c Release -r linux-x64 -o artifacts/kvwebrtc/linux-x64 -nologo -v quiet ||
    echo "tests/run.sh: the native kvwebrtc was not published (is clang installed?); NativeCliTests will fail."
dotnet test KinesisVideoWebRTCStorage.sln --no-build -nologo --blame-hang-timeout 10m 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# The failed tests' names and the first lines of their error messages, repeated at the end where a log's tail shows them.
failures=$(awk '/^ +Failed [A-Za-z_]/ { sub(/^ +/, ""); print; shown = 0; inmsg = 0; next }
    /^ +Error Message:/ { inmsg = 1; next }
    /^ +Stack Trace:/ || /^ +(Passed|Skipped) / { inmsg = 0 }
    inmsg && shown < 6 { sub(/^ +/, "    "); print; shown++ }' "$log")

sum() { grep -Eo "$1: +[0-9]+" "$log" | awk '{s += $2} END {print s + 0}'; }
passed=$(sum Passed); failed=$(sum Failed); skipped=$(sum Skipped)

# pwsh as a .NET global tool (what .ci/run installs) lives in ~/.dotnet/tools, which a fresh shell may not have on PATH.
[ -x "$HOME/.dotnet/tools/pwsh" ] && PATH="$PATH:$HOME/.dotnet/tools"
if command -v pwsh >/dev/null 2>&1; then
    # The pinned Pester versions, from NuGet, into a folder of their own (tests/pester/PesterModules.proj).
    modules="$PWD/tests/pester/modules"
    dotnet msbuild tests/pester/PesterModules.proj -restore -t:InstallPester -p:ModulesDirectory="$modules" -nologo -v:q || exit 1
    for version in $(ls "$modules/Pester"); do
        pester_out=$(mktemp)
        PSModulePath="$modules${PSModulePath:+:$PSModulePath}" pwsh -NoLogo -NoProfile -NonInteractive -File tests/pester/invoke.ps1 -PesterVersion "$version" 2>&1 | tee "$pester_out"
        pester_status=${PIPESTATUS[0]}
        pester_failed=$(sed -E 's/\x1b\[[0-9;]*m//g' "$pester_out" | grep -E '^ *\[-\]' | sed -E "s/^ +/Pester $version: /")
        [ -n "$pester_failed" ] && failures+="${failures:+$'\n'}$pester_failed"
        read -r _ p f s < <(grep '^PESTER ' "$pester_out" || echo "PESTER 0 1 0")
        echo "Pester $version: $p passed, $f failed, $s skipped"
        passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
        [ "$pester_status" -eq 0 ] || status=1
        rm -f "$pester_out"
    done
else
    echo "Pester tests SKIPPED: pwsh is not on PATH (dotnet tool install --global PowerShell --version 7.6.9 runs tests/*.Tests.ps1)."
fi

[ -n "$failures" ] && printf 'Failed tests:\n%s\n' "$failures"
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
