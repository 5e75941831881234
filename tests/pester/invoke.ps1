# Runs tests/*.Tests.ps1 under one Pester version and prints "PESTER <passed> <failed> <skipped>" for tests/run.sh.
param([Parameter(Mandatory)] [string] $PesterVersion)

$ErrorActionPreference = 'Stop'
Import-Module Pester -RequiredVersion $PesterVersion
$configuration = New-PesterConfiguration
$configuration.Run.Path = Split-Path -Parent $PSScriptRoot
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$result = Invoke-Pester -Configuration $configuration
'PESTER {0} {1} {2}' -f $result.PassedCount, ($result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount), $result.SkippedCount
exit $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
