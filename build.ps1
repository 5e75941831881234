<#
.SYNOPSIS
    Builds, tests and packages the KinesisVideoWebRTCStorage module.
.EXAMPLE
    ./build.ps1                      # Build: module assemblies into module/bin, help into en-US
.EXAMPLE
    ./build.ps1 -Task Test           # xUnit suite, then the Pester tests in tests/*.Tests.ps1
.EXAMPLE
    ./build.ps1 -Task Package        # out/KinesisVideoWebRTCStorage (Release): the folder Publish-PSResource accepts
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
$script:ConfigurationGiven = $PSBoundParameters.ContainsKey('Configuration')
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

    # The pinned Pester versions from NuGet (tests/pester/PesterModules.proj), each in its own pwsh, as tests/run.sh does.
    $modules = Join-Path $root 'tests/pester/modules'
    Invoke-Dotnet msbuild (Join-Path $root 'tests/pester/PesterModules.proj') -restore -t:InstallPester "-p:ModulesDirectory=$modules" -nologo -v:q
    $failed = 0
    foreach ($version in (Get-ChildItem (Join-Path $modules 'Pester') -Directory).Name) {
        $saved = $env:PSModulePath
        try {
            $env:PSModulePath = $modules + [System.IO.Path]::PathSeparator + $saved
            & pwsh -NoLogo -NoProfile -NonInteractive -File (Join-Path $root 'tests/pester/invoke.ps1') -PesterVersion $version
            if ($LASTEXITCODE -ne 0) { $failed++ }
        }
        finally {
            $env:PSModulePath = $saved
        }
    }
    if ($failed -gt 0) { throw "Pester tests failed under $failed Pester version(s)." }
}

function Invoke-DemoTask {
    # The README's main-job command, through the same core ingest path as Start-KVWebRTCIngest.
    Invoke-Dotnet run --project (Join-Path $root 'src/KinesisVideoWebRTCStorage.Cli') -c $Configuration -- demo
}

function Invoke-PackageTask {
    # Release unless -Configuration says otherwise (the packaging test reuses the Debug build it already has).
    if (-not $script:ConfigurationGiven) { $script:Configuration = 'Release' }
    # The module with its generated help, and kvwebrtc for Start-KVLocalEmulator.
    foreach ($project in 'src/KinesisVideoWebRTCStorage.HelpGenerator', 'src/KinesisVideoWebRTCStorage.Cli') {
        Invoke-Dotnet build (Join-Path $root $project) -c $Configuration -nologo
    }
    $package = Join-Path $root 'out/KinesisVideoWebRTCStorage'
    if (Test-Path $package) { Remove-Item $package -Recurse -Force }
    # The same relative layout as the repository, so the one manifest serves both.
    New-Item -ItemType Directory -Path (Join-Path $package 'module/bin'), (Join-Path $package 'en-US') | Out-Null
    Copy-Item (Join-Path $root 'KinesisVideoWebRTCStorage.psd1') $package
    Copy-Item (Join-Path $root 'module/*.ps1xml') (Join-Path $package 'module')
    Copy-Item (Join-Path $root 'module/bin/*.dll') (Join-Path $package 'module/bin')
    # kvwebrtc, which Start-KVLocalEmulator runs.
    Copy-Item (Join-Path $root 'module/emulator') (Join-Path $package 'module/emulator') -Recurse
    # The about_ topic and the MAML the build generated from the cmdlets and module/help.
    Copy-Item (Join-Path $root 'en-US/*') (Join-Path $package 'en-US')
    Copy-Item (Join-Path $root 'README.md') $package
    $manifest = Test-ModuleManifest (Join-Path $package 'KinesisVideoWebRTCStorage.psd1')
    Write-Host "Packaged $($manifest.Name) $($manifest.Version) in $package"
}

foreach ($name in $Task) {
    Write-Host "== $name"
    & "Invoke-$($name)Task"
}
