#!/usr/bin/env bash
# The test command: builds, runs the xUnit suite, then the Pester tests when pwsh is on PATH.
# Ends with one summary line "tests: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."

export AWS_EC2_METADATA_DISABLED=true
log=$(mktemp)
trap 'rm -f "$log"' EXIT

dotnet build KinesisVideoWebRTCStorage.sln -nologo -v minimal || exit 1
dotnet test KinesisVideoWebRTCStorage.sln --no-build -nologo --blame-hang-timeout 10m 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

sum() { grep -Eo "$1: +[0-9]+" "$log" | awk '{s += $2} END {print s + 0}'; }
passed=$(sum Passed); failed=$(sum Failed); skipped=$(sum Skipped)

if command -v pwsh >/dev/null 2>&1; then
    pester_out=$(mktemp)
    pwsh -NoLogo -NoProfile -Command '
        $ErrorActionPreference = "Stop"
        if (-not (Get-Module -ListAvailable Pester | Where-Object Version -ge "5.0.0")) {
            Install-Module Pester -MinimumVersion 5.0.0 -Force -Scope CurrentUser -SkipPublisherCheck
        }
        Import-Module Pester -MinimumVersion 5.0.0
        $result = Invoke-Pester -Path ./tests -PassThru -Output Detailed
        "PESTER {0} {1} {2}" -f $result.PassedCount, $result.FailedCount, $result.SkippedCount
        exit $result.FailedCount' 2>&1 | tee "$pester_out"
    pester_status=${PIPESTATUS[0]}
    read -r _ p f s < <(grep '^PESTER ' "$pester_out" || echo "PESTER 0 1 0")
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
    [ "$pester_status" -eq 0 ] || status=1
    rm -f "$pester_out"
else
    echo "Pester tests SKIPPED: pwsh is not on PATH (install PowerShell 7 to run tests/*.Tests.ps1)."
fi

echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
