<#
.SYNOPSIS
    Builds, tests and packages the KinesisVideoWebRTCStorage module.
.EXAMPLE
    ./build.ps1                      # Build: module assemblies into module/bin, help into en-US
.EXAMPLE
    ./build.ps1 -Task Test           # xUnit suite, then the Pester tests in tests/*.Tests.ps1
.EXAMPLE
    ./build.ps1 -Task Package        # out/KinesisVideoWebRTCStorage: the folder Publish-Module accepts
.EXAMPLE
    ./build.ps1 -Task Demo           # kvwebrtc demo: 10 s of test pattern into the in-process emulator
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package', 'Demo')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$solution = Join-Path $root 'KinesisVideoWebRTCStorage.sln'

function Invoke-Dotnet {
    & dotnet @args
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE." }
}

function Invoke-BuildTask {
    Invoke-Dotnet build $solution -c $Configuration -nologo
}

function Invoke-TestTask {
    Invoke-BuildTask
    $env:AWS_EC2_METADATA_DISABLED = 'true'
    Invoke-Dotnet test $solution -c $Configuration --no-build -nologo

    if (-not (Get-Module -ListAvailable Pester | Where-Object Version -ge '5.0.0')) {
        Install-Module Pester -MinimumVersion 5.0.0 -Force -Scope CurrentUser -SkipPublisherCheck
    }
    Import-Module Pester -MinimumVersion 5.0.0
    $result = Invoke-Pester -Path (Join-Path $root 'tests') -PassThru -Output Detailed
    if ($result.FailedCount -gt 0) { throw "$($result.FailedCount) Pester test(s) failed." }
}

function Invoke-DemoTask {
    # The README's main-job command, through the same core ingest path as Start-KVWebRTCIngest.
    Invoke-Dotnet run --project (Join-Path $root 'src/KinesisVideoWebRTCStorage.Cli') -c $Configuration -- demo
}

function Invoke-PackageTask {
    $script:Configuration = 'Release'
    Invoke-BuildTask
    $package = Join-Path $root 'out/KinesisVideoWebRTCStorage'
    if (Test-Path $package) { Remove-Item $package -Recurse -Force }
    # The same relative layout as the repository, so the one manifest serves both.
    New-Item -ItemType Directory -Path (Join-Path $package 'module/bin'), (Join-Path $package 'en-US') | Out-Null
    Copy-Item (Join-Path $root 'KinesisVideoWebRTCStorage.psd1') $package
    Copy-Item (Join-Path $root 'module/*.ps1xml') (Join-Path $package 'module')
    Copy-Item (Join-Path $root 'module/bin/*.dll') (Join-Path $package 'module/bin')
    # kvwebrtc, which Start-KVLocalEmulator runs.
    Copy-Item (Join-Path $root 'module/emulator') (Join-Path $package 'module/emulator') -Recurse
    Copy-Item (Join-Path $root 'module/en-US/*') (Join-Path $package 'en-US')
    Copy-Item (Join-Path $root 'README.md') $package
    $manifest = Test-ModuleManifest (Join-Path $package 'KinesisVideoWebRTCStorage.psd1')
    Write-Host "Packaged $($manifest.Name) $($manifest.Version) in $package"
}

foreach ($name in $Task) {
    Write-Host "== $name"
    & "Invoke-$($name)Task"
}
