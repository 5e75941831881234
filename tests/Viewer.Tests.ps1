# Pester 5 tests of Start-KVWebRTCViewer and two-way audio end to end: a master (Start-KVWebRTCIngest, the test
# pattern's 440 Hz tone) and a viewer (the built-in 880 Hz tone) through the emulator the cmdlets start, judged by
# decoding what each recorded with ffmpeg (on PATH, as tests/run.sh and .ci/run ensure).

BeforeAll {
    $repo = Split-Path -Parent $PSScriptRoot
    Import-Module (Join-Path $repo 'KinesisVideoWebRTCStorage.psd1') -Force
    $script:emulator = Start-KVLocalEmulator -DataDirectory (Join-Path $TestDrive 'kvs') -StorageChannel 'pester-door', 'pester-lobby' -MaxViewers 1
    $script:common = @{
        EndpointUrl = $emulator.EndpointUrl
        Region      = $emulator.Region
        AccessKey   = $emulator.AccessKey
        SecretKey   = $emulator.SecretKey
    }
    function Get-ToneDb([string] $Recording, [int] $Hertz) {
        # The mean level in dBFS through a narrow band-pass at $Hertz: a tone there reads high, one an octave away low.
        $band = "bandpass=f=$($Hertz):width_type=q:w=20"
        $report = & ffmpeg -hide_banner -nostdin -i $Recording -map 0:a:0 -af "$band,$band,volumedetect" -f null - 2>&1 | Out-String
        if ($report -notmatch 'mean_volume: (-?[0-9.]+|-inf) dB') { throw "volumedetect failed: $report" }
        if ($Matches[1] -eq '-inf') { return [double]::NegativeInfinity }
        [double]$Matches[1]
    }
    function Wait-Streaming([string] $Stream) {
        $deadline = (Get-Date).AddSeconds(20)
        do {
            $status = Invoke-RestMethod -Method Post -Uri "$($emulator.EndpointUrl)/_emulator/status" -Body '{}' -ContentType 'application/json'
            if ($status.StorageSessions | Where-Object { $_.StreamName -eq $Stream -and $_.State -eq 'Streaming' }) { return }
            Start-Sleep -Milliseconds 200
        } while ((Get-Date) -lt $deadline)
        throw "the master of $Stream never streamed"
    }
}

AfterAll {
    $script:emulator | Stop-KVLocalEmulator
    Remove-Module KinesisVideoWebRTCStorage -ErrorAction SilentlyContinue
}

Describe 'Start-KVWebRTCViewer' {
    It 'sees the master, is heard by it, and hears it' {
        $heard = Join-Path $TestDrive 'master-heard.ogg'
        $recording = Join-Path $TestDrive 'viewer.mkv'
        $master = Start-KVWebRTCIngest -ChannelName pester-door -Duration 14 -ReceivedAudioPath $heard -AsJob @common
        Wait-Streaming 'pester-door-stream'
        $viewer = Start-KVWebRTCViewer -ChannelName pester-door -ClientId visitor-1 -Tone -OutFile $recording -Duration 6 @common
        $ingest = $master | Wait-Job -Timeout 60 | Receive-Job
        Remove-Job $master

        $viewer.EndReason | Should -Be 'DurationReached'
        $viewer.VideoFramesReceived | Should -BeGreaterThan (0.8 * 6 * 30)
        $viewer.RecordingPath | Should -Be $recording
        (& ffmpeg -hide_banner -nostdin -v error -i $recording -enc_time_base -1 -f null - 2>&1) | Should -BeNullOrEmpty
        (Get-ToneDb $recording 440) | Should -BeGreaterThan ((Get-ToneDb $recording 880) + 20)
        $ingest.AudioFramesReceived | Should -BeGreaterThan 200
        $ingest.ReceivedAudioPath | Should -Be $heard
        (Get-ToneDb $heard 880) | Should -BeGreaterThan ((Get-ToneDb $heard 440) + 20)
    }

    It 'refuses a client id outside the API''s pattern before any call' {
        { Start-KVWebRTCViewer -ChannelName pester-door -ClientId 'has spaces' -Duration 1 @common } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }

    It 'reports the viewer limit as ClientLimitExceededException at once' {
        $first = Start-ThreadJob -ScriptBlock {
            param($repo, $common)
            Import-Module (Join-Path $repo 'KinesisVideoWebRTCStorage.psd1')
            Start-KVWebRTCViewer -ChannelName pester-lobby -ClientId alice -Duration 8 @common
        } -ArgumentList (Split-Path -Parent $PSScriptRoot), $common
        $deadline = (Get-Date).AddSeconds(20)
        do {
            Start-Sleep -Milliseconds 200
            $status = Invoke-RestMethod -Method Post -Uri "$($emulator.EndpointUrl)/_emulator/status" -Body '{}' -ContentType 'application/json'
        } until (($status.Participants | Where-Object { $_.ClientId -eq 'alice' -and $_.State -eq 'Connected' }) -or (Get-Date) -gt $deadline)
        $started = Get-Date
        Start-KVWebRTCViewer -ChannelName pester-lobby -ClientId bob -Duration 1 @common -ErrorVariable failures -ErrorAction SilentlyContinue
        ((Get-Date) - $started).TotalSeconds | Should -BeLessThan 5
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ClientLimitExceededException,*'
        $failures[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $failures[0].Exception.Message | Should -BeLike '*maximum number of viewers (1)*'
        ($first | Wait-Job -Timeout 30 | Receive-Job).EndReason | Should -Be 'DurationReached'
        Remove-Job $first
    }

    It 'runs as a job that Stop-Job stops cleanly, and says when no master sent video' {
        $job = Start-KVWebRTCViewer -ChannelName pester-door -ClientId listener -AsJob @common
        $job.PSJobTypeName | Should -Be 'KVWebRTCViewerJob'
        $deadline = (Get-Date).AddSeconds(20)
        do {
            Start-Sleep -Milliseconds 200
            $status = Invoke-RestMethod -Method Post -Uri "$($emulator.EndpointUrl)/_emulator/status" -Body '{}' -ContentType 'application/json'
        } until (($status.Participants | Where-Object { $_.ClientId -eq 'listener' -and $_.State -eq 'Connected' }) -or (Get-Date) -gt $deadline)
        Stop-Job $job
        $result = $job | Wait-Job -Timeout 30 | Receive-Job -WarningVariable warnings -WarningAction SilentlyContinue
        $result.EndReason | Should -Be 'Stopped'
        $result.StorageSessions | Should -Be 1
        $warnings | Where-Object { $_ -like 'No video was received*' } | Should -HaveCount 1
        Remove-Job $job
    }

    It 'refuses audio it cannot send with UnsupportedMedia before any call, and a missing file with MediaFileNotFound' {
        $withVideo = Join-Path $TestDrive 'with-video.mkv'
        & ffmpeg -hide_banner -nostdin -v error -f lavfi -i testsrc2=size=320x240:rate=10 -f lavfi -i sine=sample_rate=48000 -t 1 -c:v libx264 -c:a libopus $withVideo
        $aac = Join-Path $TestDrive 'speech.m4a'
        & ffmpeg -hide_banner -nostdin -v error -f lavfi -i sine=sample_rate=48000 -t 1 -c:a aac $aac
        $before = (Invoke-RestMethod -Method Post -Uri "$($emulator.EndpointUrl)/_emulator/status" -Body '{}' -ContentType 'application/json').Participants.Count

        Start-KVWebRTCViewer -ChannelName pester-door -ClientId talker -AudioPath $withVideo -Duration 1 @common -ErrorVariable video -ErrorAction SilentlyContinue
        $video[0].FullyQualifiedErrorId | Should -BeLike 'UnsupportedMedia,*'
        $video[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $video[0].Exception.Message | Should -BeLike '*has a video track, and a viewer cannot send video*'
        Start-KVWebRTCViewer -ChannelName pester-door -ClientId talker -AudioPath $aac -Duration 1 @common -ErrorVariable codec -ErrorAction SilentlyContinue
        $codec[0].FullyQualifiedErrorId | Should -BeLike 'UnsupportedMedia,*'
        $codec[0].Exception.Message | Should -BeLike '*ffmpeg -i <file> -vn -c:a libopus*'
        Start-KVWebRTCViewer -ChannelName pester-door -ClientId talker -AudioPath (Join-Path $TestDrive 'nothing.ogg') @common -ErrorVariable missing -ErrorAction SilentlyContinue
        $missing[0].FullyQualifiedErrorId | Should -BeLike 'MediaFileNotFound,*'
        $missing[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        (Invoke-RestMethod -Method Post -Uri "$($emulator.EndpointUrl)/_emulator/status" -Body '{}' -ContentType 'application/json').Participants.Count | Should -Be $before
    }

    It 'speaks what ffmpeg reads with -InputUri and -InputFormat, and the master hears it' {
        $heard = Join-Path $TestDrive 'master-heard-660.ogg'
        $master = Start-KVWebRTCIngest -ChannelName pester-door -Duration 10 -ReceivedAudioPath $heard -AsJob @common
        Wait-Streaming 'pester-door-stream'
        $viewer = Start-KVWebRTCViewer -ChannelName pester-door -ClientId microphone -InputFormat lavfi -InputUri 'sine=frequency=660:sample_rate=48000' -Duration 4 @common
        $null = $master | Wait-Job -Timeout 60 | Receive-Job
        Remove-Job $master

        $viewer.EndReason | Should -Be 'DurationReached'
        $viewer.AudioFramesSent | Should -BeGreaterThan 150
        (Get-ToneDb $heard 660) | Should -BeGreaterThan ((Get-ToneDb $heard 440) + 20)
    }

    It 'has help for every parameter' {
        $help = Get-Help Start-KVWebRTCViewer -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        foreach ($name in 'ClientId', 'OutFile', 'AudioPath', 'InputUri', 'InputFormat', 'Tone', 'Loop', 'Duration', 'AsJob') {
            ($help.parameters.parameter | Where-Object name -eq $name).description.Text | Should -Not -BeNullOrEmpty
        }
    }
}
