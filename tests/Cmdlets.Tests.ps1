# Pester 5 tests of the cmdlets against the scriptable KVS test responder (tests/KinesisVideoWebRTCStorage.TestResponder).
# Run through tests/run.sh (or ./build.ps1 -Task Test) after a build; they need pwsh and Pester 5.

BeforeAll {
    $repo = Split-Path -Parent $PSScriptRoot
    $responderDll = Get-ChildItem -Path (Join-Path $repo 'tests/KinesisVideoWebRTCStorage.TestResponder/bin') -Recurse -Filter 'KinesisVideoWebRTCStorage.TestResponder.dll' |
        Sort-Object LastWriteTime -Descending | Select-Object -First 1
    if (-not $responderDll) { throw 'Build the solution first (dotnet build): the test responder is missing.' }

    $startInfo = New-Object System.Diagnostics.ProcessStartInfo
    $startInfo.FileName = 'dotnet'
    $startInfo.Arguments = '"' + $responderDll.FullName + '"'
    $startInfo.UseShellExecute = $false
    $startInfo.RedirectStandardOutput = $true
    $startInfo.RedirectStandardInput = $true
    $script:responder = [System.Diagnostics.Process]::Start($startInfo)
    $script:info = $script:responder.StandardOutput.ReadLine() | ConvertFrom-Json

    Import-Module (Join-Path $repo 'KinesisVideoWebRTCStorage.psd1') -Force

    $script:common = @{
        AccessKey   = $info.AccessKey
        SecretKey   = $info.SecretKey
        Region      = $info.Region
        EndpointUrl = $info.EndpointUrl
    }

    # Ctrl+C, as the host delivers it: PowerShell.Stop() on a pipeline still waiting on a call.
    function Invoke-Stopped([scriptblock] $Script, [object[]] $Arguments) {
        $session = [initialsessionstate]::CreateDefault()
        $session.ImportPSModule((Join-Path $repo 'KinesisVideoWebRTCStorage.psd1'))
        $ps = [powershell]::Create($session)
        try {
            $null = $ps.AddScript($Script)
            foreach ($argument in $Arguments) { $null = $ps.AddArgument($argument) }
            $handle = $ps.BeginInvoke()
            Start-Sleep -Milliseconds 1500
            $ps.InvocationStateInfo.State | Should -Be 'Running' # still waiting on the unanswering endpoint
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $watch.Stop()
            [pscustomobject]@{ State = $ps.InvocationStateInfo.State; Elapsed = $watch.Elapsed; Completed = $handle.IsCompleted }
        }
        finally {
            $ps.Dispose()
        }
    }

    # An endpoint that accepts connections and never answers: every call waits until it is cancelled or times out (30 s).
    $script:silent = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $script:silent.Start()
    $script:silentUrl = "http://127.0.0.1:$($script:silent.LocalEndpoint.Port)"

    function Get-ResponderRequestCount {
        (Invoke-RestMethod -Uri "$($info.EndpointUrl)/_responder/requests").RequestCount
    }
}

AfterAll {
    $script:silent.Stop()
    Remove-Module KinesisVideoWebRTCStorage -ErrorAction SilentlyContinue
    Remove-Variable -Name StoredAWSCredentials, StoredAWSRegion -Scope Global -ErrorAction SilentlyContinue
    if ($script:responder -and -not $script:responder.HasExited) {
        $script:responder.StandardInput.Close()
        if (-not $script:responder.WaitForExit(5000)) { $script:responder.Kill() }
    }
}

Describe 'Get-KVSignalingEndpoint' {
    It 'returns the endpoints of a channel named by name' {
        $endpoint = Get-KVSignalingEndpoint -ChannelName cam1 @common
        $endpoint.ChannelARN | Should -Be $info.Cam1Arn
        $endpoint.Role | Should -Be 'MASTER'
        $endpoint.Region | Should -Be $info.Region
        $endpoint.WebRtcEndpoint | Should -Be $info.EndpointUrl
        $endpoint.HttpsEndpoint | Should -Be $info.EndpointUrl
        $endpoint.WssEndpoint | Should -BeLike 'ws://127.0.0.1:*'
        @($endpoint.ResourceEndpointList).Count | Should -Be 3
    }

    It 'takes the ARN by position and from the pipeline' {
        (Get-KVSignalingEndpoint $info.Cam1Arn -Role VIEWER -Protocol WSS, HTTPS @common).Role | Should -Be 'VIEWER'
        $results = @($info.Cam1Arn, $info.Cam1Arn | Get-KVSignalingEndpoint -Protocol WSS @common)
        $results.Count | Should -Be 2
        $results[0].WebRtcEndpoint | Should -BeNullOrEmpty
    }

    It 'takes AWS.Tools channel objects, which carry both ChannelARN and ChannelName' {
        $channelInfo = [pscustomobject]@{ ChannelARN = $info.Cam1Arn; ChannelName = 'cam1'; ChannelStatus = 'ACTIVE' }
        ($channelInfo | Get-KVSignalingEndpoint @common).ChannelARN | Should -Be $info.Cam1Arn
    }

    It 'writes ObjectNotFound with the service message for a missing channel' {
        $result = Get-KVSignalingEndpoint -ChannelName missing @common -ErrorVariable failures -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ResourceNotFoundException,*'
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failures[0].Exception.Message | Should -Be 'The requested channel is not found or not active.'
    }

    It 'names the fix when the channel has no media storage' {
        Get-KVSignalingEndpoint -ChannelName nostorage @common -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'MediaStorageNotEnabled,*'
        $failures[0].Exception.Message | Should -BeLike "Channel 'nostorage' has media storage DISABLED; link a stream with Update-KVMediaStorageConfiguration*"
    }

    It 'rejects a wrong secret as PermissionDenied without showing the secret' {
        $wrong = $common.Clone()
        $wrong.SecretKey = 'this-is-the-wrong-secret'
        Get-KVSignalingEndpoint -ChannelName cam1 @wrong -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'AccessDeniedException,*'
        $failures[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        ($failures[0] | Out-String) | Should -Not -BeLike '*this-is-the-wrong-secret*'
    }

    It 'refuses an invalid ARN before sending anything' {
        $before = Get-ResponderRequestCount
        Get-KVSignalingEndpoint -ChannelARN 'arn:aws:kinesisvideo:us-west-2:1:stream/x' @common -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'InvalidChannelArn,*'
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failures[0].Exception.Message | Should -BeLike '*arn:<partition>:kinesisvideo:<region>:<account-id>:channel/<channel-name>/<creation-time-ms>*'
        Get-ResponderRequestCount | Should -Be $before
    }

    It 'uses $StoredAWSCredentials and $StoredAWSRegion' {
        $global:StoredAWSCredentials = New-Object Amazon.Runtime.BasicAWSCredentials($info.AccessKey, $info.SecretKey)
        $global:StoredAWSRegion = $info.Region
        try {
            (Get-KVSignalingEndpoint -ChannelName cam1 -EndpointUrl $info.EndpointUrl).ChannelARN | Should -Be $info.Cam1Arn
        }
        finally {
            Remove-Variable -Name StoredAWSCredentials, StoredAWSRegion -Scope Global
        }
    }

    It 'accepts -Credential and the AWS Tools aliases' {
        $credential = New-Object Amazon.Runtime.BasicAWSCredentials($info.AccessKey, $info.SecretKey)
        (Get-KVSignalingEndpoint -ChannelName cam1 -Credential $credential -Region $info.Region -EndpointUrl $info.EndpointUrl).ChannelARN | Should -Be $info.Cam1Arn
        (Get-KVSignalingEndpoint -ChannelName cam1 -AK $info.AccessKey -SK $info.SecretKey -Region $info.Region -EndpointUrl $info.EndpointUrl).ChannelARN | Should -Be $info.Cam1Arn
    }

    It 'completes -Region with region names' {
        $line = 'Get-KVSignalingEndpoint -ChannelName cam1 -Region us-we'
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
        $completions.CompletionText | Should -Contain 'us-west-2'
        $completions.CompletionText | ForEach-Object { $_ | Should -BeLike 'us-we*' }
    }

    It 'writes what -Select names, as AWS.Tools v5 does' {
        Get-KVSignalingEndpoint -ChannelName cam1 @common -Select WebRtcEndpoint | Should -Be $info.EndpointUrl
        Get-KVSignalingEndpoint -ChannelName cam1 @common -Select '^ChannelName' | Should -Be 'cam1'
        (Get-KVSignalingEndpoint -ChannelName cam1 @common -Select '*').ChannelARN | Should -Be $info.Cam1Arn
        @(Get-KVSignalingEndpoint -ChannelName cam1 @common -Select ResourceEndpointList).Count | Should -Be 3
    }

    It 'refuses an unknown -Select before any request, listing the choices' {
        $before = Get-ResponderRequestCount
        { Get-KVSignalingEndpoint -ChannelName cam1 @common -Select NoSuchProperty } | Should -Throw -ErrorId 'InvalidArgument,*'
        { Get-KVSignalingEndpoint -ChannelName cam1 @common -Select '^NoSuchParameter' } | Should -Throw '*names no parameter of Get-KVSignalingEndpoint*'
        try { Get-KVSignalingEndpoint -ChannelName cam1 @common -Select NoSuchProperty } catch { $_.Exception.Message | Should -BeLike '*one of: ChannelARN, *WebRtcEndpoint*' }
        Get-ResponderRequestCount | Should -Be $before
    }

    It 'completes -Select with the output properties and ^parameters' {
        $line = "Get-KVSignalingEndpoint -ChannelName cam1 -Select "
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $completions | Should -Contain "'*'"
        $completions | Should -Contain "'WebRtcEndpoint'"
        $completions | Should -Contain "'^ChannelName'"
    }

    It 'stops on Ctrl+C while the call is in flight' {
        $stopped = Invoke-Stopped { param($url) Get-KVSignalingEndpoint -ChannelName cam1 -EndpointUrl $url -Region us-west-2 -AccessKey AKIDPESTER -SecretKey pester-secret } $silentUrl
        $stopped.State | Should -Be 'Stopped'
        $stopped.Elapsed.TotalSeconds | Should -BeLessThan 5
    }

    It 'has help with examples' {
        $help = Get-Help Get-KVSignalingEndpoint -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
    }
}

Describe 'Join-KVWebRTCStorageSession' {
    It 'joins through the pipeline from Get-KVSignalingEndpoint' {
        $join = Get-KVSignalingEndpoint -ChannelName cam1 @common |
            Join-KVWebRTCStorageSession -AccessKey $info.AccessKey -SecretKey $info.SecretKey -PassThru
        $join.ChannelARN | Should -Be $info.Cam1Arn
        $join.Role | Should -Be 'MASTER'
        $join.Endpoint | Should -Be $info.EndpointUrl
    }

    It 'writes nothing without -PassThru' {
        Join-KVWebRTCStorageSession $info.Cam1Arn @common | Should -BeNullOrEmpty
    }

    It 'handles every piped ARN and reports each failure on its own' {
        $joins = @($info.Cam1Arn, $info.NoStorageArn, $info.Cam1Arn | Join-KVWebRTCStorageSession @common -PassThru -ErrorVariable failures -ErrorAction SilentlyContinue)
        $joins.Count | Should -Be 2
        $failures.Count | Should -Be 1
        $failures[0].TargetObject | Should -Be $info.NoStorageArn
    }

    It 'joins as a viewer with -ClientId' {
        $join = Join-KVWebRTCStorageSession $info.Cam1Arn -ClientId viewer-1 @common -PassThru
        $join.Role | Should -Be 'VIEWER'
        $join.ClientId | Should -Be 'viewer-1'
    }

    It 'writes the ARN with -Select ^ChannelARN and the join with -Select *' {
        Join-KVWebRTCStorageSession $info.Cam1Arn @common -Select '^ChannelARN' | Should -Be $info.Cam1Arn
        (Join-KVWebRTCStorageSession $info.Cam1Arn @common -Select '*').Role | Should -Be 'MASTER'
        Join-KVWebRTCStorageSession $info.Cam1Arn @common -Select Endpoint | Should -Be $info.EndpointUrl
    }

    It 'keeps -PassThru working with a deprecation warning that names -Select' {
        $join = Join-KVWebRTCStorageSession $info.Cam1Arn @common -PassThru -WarningVariable warnings -WarningAction SilentlyContinue
        $join.ChannelARN | Should -Be $info.Cam1Arn
        $warnings.Count | Should -Be 1
        $warnings[0].Message | Should -BeLike "*-PassThru is deprecated*-Select '^ChannelARN'*"
        { Join-KVWebRTCStorageSession $info.Cam1Arn @common -PassThru -Select '*' -WarningAction SilentlyContinue } | Should -Throw '*cannot be used together*'
    }

    It 'joins with -Force even when confirmation would be asked, and -Force -WhatIf still sends nothing' {
        $before = Get-ResponderRequestCount
        $ConfirmPreference = 'Low'
        Join-KVWebRTCStorageSession $info.Cam1Arn @common -Force -Select '^ChannelARN' | Should -Be $info.Cam1Arn
        Get-ResponderRequestCount | Should -BeGreaterThan $before
        $before = Get-ResponderRequestCount
        Join-KVWebRTCStorageSession $info.Cam1Arn @common -Force -WhatIf
        Get-ResponderRequestCount | Should -Be $before
    }

    It 'stops on Ctrl+C while the join is in flight' {
        $stopped = Invoke-Stopped { param($arn, $url) Join-KVWebRTCStorageSession $arn -Endpoint $url -EndpointUrl $url -Region us-west-2 -AccessKey AKIDPESTER -SecretKey pester-secret -Force } $info.Cam1Arn, $silentUrl
        $stopped.State | Should -Be 'Stopped'
        $stopped.Elapsed.TotalSeconds | Should -BeLessThan 5
    }

    It 'sends nothing with -WhatIf' {
        $before = Get-ResponderRequestCount
        Join-KVWebRTCStorageSession $info.Cam1Arn @common -WhatIf
        Get-ResponderRequestCount | Should -Be $before
    }
}
