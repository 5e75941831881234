# Pester 5 tests of Start-KVWebRTCIngest end to end: the cmdlets drive ingest into an emulator they start, and the
# recording the emulator writes is checked with ffprobe/ffmpeg (on PATH, as tests/run.sh and .ci/run ensure).
# Run through tests/run.sh (or ./build.ps1 -Task Test) after a build.

BeforeAll {
    $repo = Split-Path -Parent $PSScriptRoot
    Import-Module (Join-Path $repo 'KinesisVideoWebRTCStorage.psd1') -Force
    $script:data = Join-Path $TestDrive 'kvs'
    $script:emulator = Start-KVLocalEmulator -DataDirectory $data -StorageChannel 'pester-cam', 'pester-job'
    $script:common = @{
        EndpointUrl = $emulator.EndpointUrl
        Region      = $emulator.Region
        AccessKey   = $emulator.AccessKey
        SecretKey   = $emulator.SecretKey
    }
    function Get-Recording([string] $Stream) {
        # The storage session finishes its file shortly after the ingest closes; wait for it (bounded).
        $deadline = (Get-Date).AddSeconds(15)
        do {
            $sessions = (Invoke-RestMethod -Method Post -Uri "$($emulator.EndpointUrl)/_emulator/status" -Body '{}' -ContentType 'application/json').StorageSessions |
                Where-Object { $_.StreamName -eq $Stream -and $_.State -eq 'Ended' -and $_.RecordingPath }
            if ($sessions) { return @($sessions)[-1].RecordingPath }
            Start-Sleep -Milliseconds 200
        } while ((Get-Date) -lt $deadline)
        throw "no finished recording for $Stream"
    }
}

AfterAll {
    $script:emulator | Stop-KVLocalEmulator
    Remove-Module KinesisVideoWebRTCStorage -ErrorAction SilentlyContinue
}

Describe 'Start-KVWebRTCIngest' {
    It 'records 10 s of the test pattern whole, starting with an IDR, and decodable' {
        $result = Start-KVWebRTCIngest -ChannelName pester-cam -Duration 10 @common

        $result.EndReason | Should -Be 'DurationReached'
        $result.VideoFramesSent | Should -BeGreaterOrEqual 295
        $result.TimeToFirstFrame | Should -Not -BeNullOrEmpty

        $recording = Get-Recording 'pester-cam-stream'
        $video = & ffprobe -v error -select_streams v:0 -show_entries packet=flags -of csv=p=0 $recording
        @($video).Count | Should -BeGreaterOrEqual 285
        @($video)[0] | Should -BeLike 'K*'
        $audio = & ffprobe -v error -select_streams a:0 -show_entries packet=pts_time -of csv=p=0 $recording
        ([double](@($audio)[-1].TrimEnd(',')) - [double](@($audio)[0].TrimEnd(','))) | Should -BeGreaterOrEqual 9.4
        (& ffmpeg -hide_banner -nostdin -v error -i $recording -f null - 2>&1) | Should -BeNullOrEmpty
    }

    It 'takes the channel from Get-KVSignalingEndpoint through the pipeline' {
        $result = Get-KVSignalingEndpoint -ChannelName pester-cam @common | Start-KVWebRTCIngest -Duration 2 @common
        $result.ChannelARN | Should -BeLike 'arn:aws:kinesisvideo:*:channel/pester-cam/*'
        $result.EndReason | Should -Be 'DurationReached'
    }

    It 'writes its trace as verbose output when asked, and only then' {
        $traced = Start-KVWebRTCIngest -ChannelName pester-cam -Duration 1 @common -Verbose 4>&1
        $lines = @($traced | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        ($lines -join "`n") | Should -BeLike '*JoinStorageSession 1 accepted in * ms*'
        ($lines -join "`n") | Should -Not -BeLike "*$($common.SecretKey)*"
        @($traced | Where-Object { $_ -is [KinesisVideoWebRTCStorage.Ingest.IngestResult] }).Count | Should -Be 1

        $quiet = Start-KVWebRTCIngest -ChannelName pester-cam -Duration 1 @common -Verbose:$false 4>&1
        @($quiet | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Count | Should -Be 0
    }

    It 'takes an AWS.Tools channel object, which carries both ChannelARN and ChannelName' {
        $arn = (Get-KVSignalingEndpoint -ChannelName pester-cam @common).ChannelARN
        $result = [pscustomobject]@{ ChannelARN = $arn; ChannelName = 'pester-cam'; ChannelStatus = 'ACTIVE' } |
            Start-KVWebRTCIngest -Duration 1 @common
        $result.ChannelARN | Should -Be $arn
        $result.EndReason | Should -Be 'DurationReached'
    }

    It 'runs as a job that Stop-Job stops cleanly' {
        $job = Start-KVWebRTCIngest -ChannelName pester-job -AsJob @common
        $job.PSJobTypeName | Should -Be 'KVWebRTCIngestJob'
        Start-Sleep -Seconds 3
        Stop-Job $job
        $job | Wait-Job -Timeout 30 | Out-Null
        $result = Receive-Job $job
        $result.EndReason | Should -Be 'Stopped'
        $result.VideoFramesSent | Should -BeGreaterThan 0
        Remove-Job $job
    }

    It 'refuses a missing file with MediaFileNotFound before sending anything' {
        Start-KVWebRTCIngest -ChannelName pester-cam -Path (Join-Path $TestDrive 'missing.mkv') @common -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'MediaFileNotFound*'
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'refuses an unknown channel with ObjectNotFound before any join' {
        Start-KVWebRTCIngest -ChannelName no-such-channel -Duration 1 @common -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ResourceNotFoundException,*'
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failures[0].Exception.Message | Should -Be 'The requested channel is not found or not active.'
    }

    It 'refuses a channel without media storage and names the fix' {
        # A channel with no stream linked, made the way a user would: with the AWS CLI against the emulator.
        if (-not (Get-Command aws -ErrorAction SilentlyContinue)) {
            Set-ItResult -Skipped -Because 'the AWS CLI, which creates the channel, is not on PATH'
            return
        }
        $saved = @{ Id = $env:AWS_ACCESS_KEY_ID; Secret = $env:AWS_SECRET_ACCESS_KEY; Pager = $env:AWS_PAGER }
        try {
            $env:AWS_ACCESS_KEY_ID = $emulator.AccessKey
            $env:AWS_SECRET_ACCESS_KEY = $emulator.SecretKey
            $env:AWS_PAGER = ''
            $created = aws kinesisvideo create-signaling-channel --channel-name pester-plain `
                --endpoint-url $emulator.EndpointUrl --region $emulator.Region --output json | ConvertFrom-Json
            $LASTEXITCODE | Should -Be 0
        }
        finally {
            $env:AWS_ACCESS_KEY_ID = $saved.Id
            $env:AWS_SECRET_ACCESS_KEY = $saved.Secret
            $env:AWS_PAGER = $saved.Pager
        }
        $created.ChannelARN | Should -BeLike 'arn:aws:kinesisvideo:*:channel/pester-plain/*'

        Start-KVWebRTCIngest -ChannelName pester-plain -Duration 1 @common -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'MediaStorageNotEnabled,*'
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $failures[0].Exception.Message | Should -Be ("Channel 'pester-plain' has media storage DISABLED; link a stream with " +
            'Update-KVMediaStorageConfiguration (aws kinesisvideo update-media-storage-configuration).')
    }

    It 'reports wrong credentials as AccessDenied' {
        $bad = $common.Clone(); $bad.SecretKey = 'pester-wrong-secret-7f3a'
        Start-KVWebRTCIngest -ChannelName pester-cam -Duration 1 @bad -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'AccessDeniedException,*'
        $failures[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        ($failures[0] | Out-String) | Should -Not -BeLike '*pester-wrong-secret-7f3a*'
    }
}
