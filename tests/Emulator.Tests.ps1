# Pester 5 tests of Start-/Stop-KVLocalEmulator and the AWS cmdlets against the emulator they start.
# Run through tests/run.sh (or ./build.ps1 -Task Test) after a build.

BeforeAll {
    $repo = Split-Path -Parent $PSScriptRoot
    Import-Module (Join-Path $repo 'KinesisVideoWebRTCStorage.psd1') -Force
    $script:emulator = Start-KVLocalEmulator -DataDirectory (Join-Path $TestDrive 'kvs')
    $script:common = @{
        EndpointUrl = $emulator.EndpointUrl
        Region      = $emulator.Region
        AccessKey   = $emulator.AccessKey
        SecretKey   = $emulator.SecretKey
    }
    function Invoke-EmulatorApi([string] $Path, [hashtable] $Body) {
        # Unsigned admin calls only; AWS operations go through the cmdlets.
        Invoke-RestMethod -Method Post -Uri "$($emulator.EndpointUrl)$Path" -Body ($Body | ConvertTo-Json) -ContentType 'application/json'
    }
}

AfterAll {
    $script:emulator | Stop-KVLocalEmulator
    Remove-Module KinesisVideoWebRTCStorage -ErrorAction SilentlyContinue
}

Describe 'Start-KVLocalEmulator' {
    It 'returns how to reach the emulator' {
        $emulator.EndpointUrl | Should -BeLike 'http://127.0.0.1:*'
        $emulator.Region | Should -Be 'us-west-2'
        $emulator.AccessKey | Should -Not -BeNullOrEmpty
        Get-Process -Id $emulator.ProcessId | Should -Not -BeNullOrEmpty
    }

    It 'hands out its own TURN server over UDP and TCP, as AWS always returns TURN' {
        $emulator.TurnUris | Should -HaveCount 2
        $emulator.TurnUris[0] | Should -Match '^turn:127\.0\.0\.1:\d+\?transport=udp$'
        $emulator.TurnUris[1] | Should -Be ($emulator.TurnUris[0] -replace 'udp$', 'tcp')
    }

    It 'refuses a TURN port that is in use with a clear error' {
        $turnPort = [int]($emulator.TurnUris[0] -replace '^turn:[^:]+:(\d+).*$', '$1')
        { Start-KVLocalEmulator -TurnPort $turnPort } | Should -Throw "*TURN port $turnPort on 127.0.0.1 is already in use*"
    }

    It 'refuses a port that is in use with a clear error' {
        $port = ([uri]$emulator.EndpointUrl).Port
        { Start-KVLocalEmulator -Port $port } | Should -Throw "*Port $port on 127.0.0.1 is already in use*"
    }

    It 'answers the cmdlets for an unknown channel with ObjectNotFound' {
        Get-KVSignalingEndpoint -ChannelName nothing-here @common -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failures[0].Exception.Message | Should -Be 'The requested channel is not found or not active.'
    }

    It 'knobs are reachable through the admin API' {
        (Invoke-EmulatorApi '/_emulator/knobs' @{ DropJoins = 0 }).DropJoins | Should -Be 0
    }

    It 'serves TLS with a private CA that a client can trust, and names the public host in its endpoints' {
        $tls = Start-KVLocalEmulator -Tls -PublicHost 'kinesisvideo.us-west-2.amazonaws.com' -DataDirectory (Join-Path $TestDrive 'kvs-tls') -StorageChannel 'tls-cam'
        try {
            $tls.EndpointUrl | Should -BeLike 'https://127.0.0.1:*'
            $tls.CaBundle | Should -Exist
            Get-Content -Raw $tls.CaBundle | Should -BeLike '-----BEGIN CERTIFICATE-----*'
            $env:AWS_ACCESS_KEY_ID = $tls.AccessKey; $env:AWS_SECRET_ACCESS_KEY = $tls.SecretKey
            $endpoints = & aws --endpoint-url $tls.EndpointUrl --region $tls.Region --ca-bundle $tls.CaBundle --output json kinesisvideo get-signaling-channel-endpoint `
                --channel-arn ((& aws --endpoint-url $tls.EndpointUrl --region $tls.Region --ca-bundle $tls.CaBundle --output json kinesisvideo describe-signaling-channel --channel-name tls-cam | ConvertFrom-Json).ChannelInfo.ChannelARN) `
                --single-master-channel-endpoint-configuration 'Protocols=WSS,HTTPS,Role=MASTER' | ConvertFrom-Json
            $port = ([uri]$tls.EndpointUrl).Port
            ($endpoints.ResourceEndpointList | Where-Object Protocol -eq 'WSS').ResourceEndpoint | Should -Be "wss://kinesisvideo.us-west-2.amazonaws.com:$port"
        }
        finally {
            Remove-Item Env:AWS_ACCESS_KEY_ID, Env:AWS_SECRET_ACCESS_KEY -ErrorAction SilentlyContinue
            $tls | Stop-KVLocalEmulator -Force
        }
    }
}

Describe 'Stop-KVLocalEmulator' {
    It 'stops an emulator and leaves no process behind' {
        $second = Start-KVLocalEmulator
        $second | Stop-KVLocalEmulator
        Get-Process -Id $second.ProcessId -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'does nothing with -WhatIf' {
        $third = Start-KVLocalEmulator
        try {
            $third | Stop-KVLocalEmulator -WhatIf
            Get-Process -Id $third.ProcessId | Should -Not -BeNullOrEmpty
        }
        finally {
            $third | Stop-KVLocalEmulator
        }
    }

    It 'stops without asking with -Force, whatever $ConfirmPreference says' {
        $fourth = Start-KVLocalEmulator
        $ConfirmPreference = 'Low'
        $fourth | Stop-KVLocalEmulator -Force
        Get-Process -Id $fourth.ProcessId -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'Ctrl+C' {
    It 'cancels Start-KVLocalEmulator while it waits for the emulator, and leaves no process' -Skip:$IsWindows {
        # A data folder whose state file is a FIFO no one writes: the emulator blocks reading it, before it is ready.
        $data = Join-Path $TestDrive 'blocked-data'
        New-Item -ItemType Directory -Path $data | Out-Null
        & mkfifo (Join-Path $data 'state.json')
        $session = [initialsessionstate]::CreateDefault()
        $session.ImportPSModule((Join-Path $repo 'KinesisVideoWebRTCStorage.psd1'))
        $ps = [powershell]::Create($session)
        try {
            $null = $ps.AddScript('param($data) Start-KVLocalEmulator -DataDirectory $data -TimeoutSec 120').AddArgument($data)
            $handle = $ps.BeginInvoke()
            Start-Sleep -Milliseconds 1500
            $ps.InvocationStateInfo.State | Should -Be 'Running'
            (& pgrep -f $data) | Should -Not -BeNullOrEmpty
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            Start-Sleep -Milliseconds 200
            (& pgrep -f $data) | Should -BeNullOrEmpty -Because 'the half-started emulator is killed'
        }
        finally {
            $ps.Dispose()
            & pkill -f $data
        }
    }
}
