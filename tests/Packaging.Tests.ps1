# The module as a user gets it: build.ps1 -Task Package, published to a local PSResourceGet repository, installed into
# an empty module path, imported by name in a fresh pwsh, and ingesting into the emulator it starts.

BeforeAll {
    $repo = Split-Path -Parent $PSScriptRoot
    $script:feed = Join-Path $TestDrive 'feed'
    $script:installed = Join-Path $TestDrive 'modules'
    New-Item -ItemType Directory -Path $feed, $installed | Out-Null
    $script:repositoryName = 'KVWebRTCPesterFeed' + [guid]::NewGuid().ToString('N').Substring(0, 8)

    # Debug reuses the build this test run already has (a Release build would rewrite module/bin under the loaded module).
    $script:packageLog = & pwsh -NoLogo -NoProfile -NonInteractive -File (Join-Path $repo 'build.ps1') -Task Package -Configuration Debug 2>&1 | Out-String
    $script:packageExit = $LASTEXITCODE
    $script:package = Join-Path $repo 'out/KinesisVideoWebRTCStorage'
}

AfterAll {
    Unregister-PSResourceRepository -Name $repositoryName -ErrorAction SilentlyContinue
}

Describe 'The packaged module' {
    It 'is built by build.ps1 -Task Package with the generated help and kvwebrtc' {
        $packageExit | Should -Be 0 -Because $packageLog
        Test-Path (Join-Path $package 'KinesisVideoWebRTCStorage.psd1') | Should -BeTrue
        Test-Path (Join-Path $package 'en-US/KinesisVideoWebRTCStorage.PowerShell.dll-Help.xml') | Should -BeTrue
        Test-Path (Join-Path $package 'en-US/about_KinesisVideoWebRTCStorage.help.txt') | Should -BeTrue
        Test-Path (Join-Path $package 'module/emulator/kvwebrtc.dll') | Should -BeTrue
    }

    It 'publishes to a local PSResourceGet repository and installs from it into an empty module path' {
        Register-PSResourceRepository -Name $repositoryName -Uri $feed -Trusted
        Publish-PSResource -Path $package -Repository $repositoryName
        @(Get-ChildItem $feed -Filter 'kinesisvideowebrtcstorage.*.nupkg').Count | Should -Be 1
        $found = Find-PSResource -Name KinesisVideoWebRTCStorage -Repository $repositoryName
        $found.Version.ToString() | Should -Be (Import-PowerShellDataFile (Join-Path $package 'KinesisVideoWebRTCStorage.psd1')).ModuleVersion
        Save-PSResource -Name KinesisVideoWebRTCStorage -Repository $repositoryName -Path $installed -TrustRepository
        Test-Path (Join-Path $installed "KinesisVideoWebRTCStorage/$($found.Version)/KinesisVideoWebRTCStorage.psd1") | Should -BeTrue
    }

    It 'imports by name from that path, has its help, and ingests into Start-KVLocalEmulator' {
        $script = {
            $ErrorActionPreference = 'Stop'
            Import-Module KinesisVideoWebRTCStorage
            $module = Get-Module KinesisVideoWebRTCStorage
            $kvs = Start-KVLocalEmulator -StorageChannel packaged
            try {
                $result = Start-KVWebRTCIngest -ChannelName packaged -Duration 3 -EndpointUrl $kvs.EndpointUrl -Region $kvs.Region -AccessKey $kvs.AccessKey -SecretKey $kvs.SecretKey
            }
            finally {
                $kvs | Stop-KVLocalEmulator
            }
            [pscustomobject]@{
                ModuleBase  = $module.ModuleBase
                EndReason   = "$($result.EndReason)"
                VideoFrames = $result.VideoFramesSent
                Syntaxes    = @((Get-Help Start-KVWebRTCIngest).syntax.syntaxItem).Count
                Examples    = @((Get-Help Start-KVWebRTCIngest).examples.example).Count
            } | ConvertTo-Json -Compress
        }
        $saved = $env:PSModulePath
        try {
            $env:PSModulePath = $installed
            $output = & pwsh -NoLogo -NoProfile -NonInteractive -Command $script.ToString() 2>&1
        }
        finally {
            $env:PSModulePath = $saved
        }
        $LASTEXITCODE | Should -Be 0 -Because ($output | Out-String)
        $report = @($output)[-1] | ConvertFrom-Json
        $report.ModuleBase | Should -BeLike "$installed*"
        $report.EndReason | Should -Be 'DurationReached'
        $report.VideoFrames | Should -BeGreaterOrEqual 85
        $report.Syntaxes | Should -Be 8
        $report.Examples | Should -BeGreaterOrEqual 5
    }
}
