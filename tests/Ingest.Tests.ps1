# Pester 5 tests of Start-KVWebRTCIngest end to end: the cmdlets drive ingest into an emulator they start, and the
# recording the emulator writes is checked with ffprobe/ffmpeg (on PATH, as tests/run.sh and .ci/run ensure).
# Run through tests/run.sh (or ./build.ps1 -Task Test) after a build.

BeforeAll {
    $repo = Split-Path -Parent $PSScriptRoot
    Import-Module (Join-Path $repo 'KinesisVideoWebRTCStorage.psd1') -Force
    $script:data = Join-Path $TestDrive 'kvs'
    $script:emulator = Start-KVLocalEmulator -DataDirectory $data -StorageChannel 'pester-cam', 'pester-job', 'pester-lavfi', 'pester-mute', 'pester-mute-file'
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
    function Get-PeakDb([string] $Recording) {
        # volumedetect's loudest sample of the first audio stream, in dBFS; -91 dB is digital silence.
        $report = & ffmpeg -hide_banner -nostdin -i $Recording -map 0:a:0 -af volumedetect -f null - 2>&1 | Out-String
        if ($report -notmatch 'max_volume: (-?[0-9.]+|-inf) dB') { throw "volumedetect failed: $report" }
        if ($Matches[1] -eq '-inf') { return [double]::NegativeInfinity }
        [double]$Matches[1]
    }
    function Get-PacketTimes([string] $Recording, [string] $Stream) {
        & ffprobe -v error -select_streams $Stream -show_entries packet=pts_time -of csv=p=0 $Recording | ForEach-Object { [double]$_.TrimEnd(',') }
    }
}

AfterAll {
    $script:emulator | Stop-KVLocalEmulator
    Remove-Module KinesisVideoWebRTCStorage -ErrorAction SilentlyContinue
}

Describe 'Start-KVWebRTCIngest' {
    It 'records 10 s of the test pattern whole, starting with an IDR, and decodable' {
        $result = Start-KVWebRTCIngest -ChannelName pester-cam -Duration 10 @common -WarningVariable warnings

        $result.EndReason | Should -Be 'DurationReached'
        $warnings.Count | Should -Be 0 -Because 'a clean link delivers everything'
        $result.Warnings.Count | Should -Be 0
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

    It 'refuses a -ReceivedAudioPath it cannot write, before any request' {
        Start-KVWebRTCIngest -ChannelName pester-cam -Duration 1 -ReceivedAudioPath (Join-Path $TestDrive 'heard.wav') @common -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ReceivedAudioPathInvalid,*'
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failures[0].Exception.Message | Should -BeLike '*.ogg or .opus (Ogg Opus), .mkv or .mka (Matroska)*'
        Start-KVWebRTCIngest -ChannelName pester-cam -Duration 1 -ReceivedAudioPath (Join-Path $TestDrive 'no/such/folder/heard.ogg') @common -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ReceivedAudioPathInvalid,*'
        $failures[0].Exception.Message | Should -BeLike "*does not exist*"
    }

    It 'warns that nothing was heard when the storage session offers no two-way audio' {
        $heard = Join-Path $TestDrive 'heard.ogg'
        $result = Start-KVWebRTCIngest -ChannelName pester-cam -Duration 2 -ReceivedAudioPath $heard @common -WarningVariable warnings -WarningAction SilentlyContinue
        $result.EndReason | Should -Be 'DurationReached'
        $result.AudioFramesReceived | Should -Be 0
        $result.ReceivedAudioPath | Should -BeNullOrEmpty
        $warnings | Where-Object { $_ -like 'No audio was heard*' } | Should -HaveCount 1
        Test-Path $heard | Should -BeFalse
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

    It 'ingests an ffmpeg lavfi graph with video and audio through -InputFormat' {
        $graph = 'testsrc2=size=640x360:rate=25[out0];sine=frequency=440:sample_rate=48000[out1]'
        $result = Start-KVWebRTCIngest -ChannelName pester-lavfi -InputUri $graph -InputFormat lavfi -Duration 6 @common

        $result.EndReason | Should -Be 'DurationReached'
        $result.SilentAudio | Should -BeFalse
        $result.Media | Should -BeLike 'ffmpeg input -f lavfi testsrc2*'
        $recording = Get-Recording 'pester-lavfi-stream'
        @(Get-PacketTimes $recording 'v:0').Count | Should -BeGreaterOrEqual (0.9 * 150)
        (Get-PeakDb $recording) | Should -BeGreaterThan -30 # the tone is there
        (& ffmpeg -hide_banner -nostdin -v error -i $recording -f null - 2>&1) | Should -BeNullOrEmpty
    }

    It 'sends a silent Opus track with a video-only -InputUri and says so' {
        $output = Start-KVWebRTCIngest -ChannelName pester-mute -InputUri 'testsrc2=size=320x240:rate=25' -InputFormat lavfi -Duration 4 @common -Verbose 4>&1
        $result = @($output | Where-Object { $_ -is [KinesisVideoWebRTCStorage.Ingest.IngestResult] })[0]
        $result.EndReason | Should -Be 'DurationReached'
        $result.SilentAudio | Should -BeTrue
        ($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message) -join "`n" |
            Should -BeLike '*no audio track; sending a silent Opus track in step with the video*'

        $recording = Get-Recording 'pester-mute-stream'
        $video = @(Get-PacketTimes $recording 'v:0'); $audio = @(Get-PacketTimes $recording 'a:0')
        $video.Count | Should -BeGreaterOrEqual (0.9 * 100)
        ($audio[-1] + 0.02 - $audio[0]) | Should -BeGreaterOrEqual ($video[-1] + 0.04 - $video[0] - 0.1)
        ($audio[-1] + 0.02 - $audio[0]) | Should -BeLessOrEqual ($video[-1] + 0.04 - $video[0] + 0.1)
        (Get-PeakDb $recording) | Should -BeLessOrEqual -90
        (& ffmpeg -hide_banner -nostdin -v error -i $recording -f null - 2>&1) | Should -BeNullOrEmpty
    }

    It 'records a video-only Matroska file with silence, and -RequireAudio refuses it' {
        $file = Join-Path $TestDrive 'video-only.mkv'
        & ffmpeg -hide_banner -nostdin -v error -y -f lavfi -i 'testsrc=size=320x240:rate=30' -t 3 -c:v libx264 -profile:v baseline -pix_fmt yuv420p -bf 0 $file
        # Looped, so that media is still coming when the storage session connects on a loaded machine.
        $result = Start-KVWebRTCIngest -ChannelName pester-mute-file -Path $file -Loop -Duration 6 @common
        $result.EndReason | Should -Be 'DurationReached'
        $result.SilentAudio | Should -BeTrue
        $result.VideoFramesSent | Should -BeGreaterThan 90
        $recording = Get-Recording 'pester-mute-file-stream'
        @(Get-PacketTimes $recording 'a:0').Count | Should -BeGreaterOrEqual 140
        (Get-PeakDb $recording) | Should -BeLessOrEqual -90
        (& ffmpeg -hide_banner -nostdin -v error -i $recording -f null - 2>&1) | Should -BeNullOrEmpty

        Start-KVWebRTCIngest -ChannelName pester-mute-file -Path $file -RequireAudio @common -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'UnsupportedMedia,*'
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $failures[0].Exception.Message | Should -BeLike '*has no Opus audio track, and -RequireAudio asks for audio*'
    }

    It 'refuses -ChannelARN with -ChannelName: they are separate parameter sets' {
        $arn = (Get-KVSignalingEndpoint -ChannelName pester-cam @common).ChannelARN
        { Start-KVWebRTCIngest -ChannelARN $arn -ChannelName pester-cam -Duration 1 @common } | Should -Throw -ErrorId 'AmbiguousParameterSet,*'
    }
}

Describe 'Start-KVWebRTCIngest over TLS' {
    It 'trusts the private CA that AWS_CA_BUNDLE names, and without it says the certificate is not trusted' {
        $folder = Join-Path $TestDrive 'kvs-tls'
        $tls = Start-KVLocalEmulator -Tls -DataDirectory $folder -StorageChannel 'tls-cam'
        $saved = $env:AWS_CA_BUNDLE
        try {
            $tlsCommon = @{ EndpointUrl = $tls.EndpointUrl; Region = $tls.Region; AccessKey = $tls.AccessKey; SecretKey = $tls.SecretKey }
            Remove-Item Env:AWS_CA_BUNDLE -ErrorAction SilentlyContinue
            Get-KVSignalingEndpoint -ChannelName tls-cam @tlsCommon -ErrorVariable failures -ErrorAction SilentlyContinue
            $failures.Count | Should -Be 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'EndpointCertificateNotTrusted,*'
            $failures[0].CategoryInfo.Category | Should -Be 'SecurityError'
            $failures[0].Exception.Message | Should -BeLike '*is not trusted*AWS_CA_BUNDLE*'

            $env:AWS_CA_BUNDLE = $tls.CaBundle
            (Get-KVSignalingEndpoint -ChannelName tls-cam @tlsCommon).WssEndpoint | Should -BeLike 'wss://127.0.0.1:*'
            $result = Start-KVWebRTCIngest -ChannelName tls-cam -Duration 3 @tlsCommon
            $result.EndReason | Should -Be 'DurationReached'
            $result.VideoFramesSent | Should -BeGreaterOrEqual 85
        }
        finally {
            $env:AWS_CA_BUNDLE = $saved
            # Stopping finishes the recording.
            $tls | Stop-KVLocalEmulator -Force
        }
        $recording = Get-ChildItem -Path $folder -Recurse -Filter *.mkv | Select-Object -First 1
        $recording | Should -Not -BeNullOrEmpty
        @(& ffprobe -v error -select_streams v:0 -show_entries packet=flags -of csv=p=0 $recording.FullName).Count | Should -BeGreaterOrEqual 80
        (& ffmpeg -hide_banner -nostdin -v error -i $recording.FullName -f null - 2>&1) | Should -BeNullOrEmpty
    }
}
