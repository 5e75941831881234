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

    function Get-ResponderRequestCount {
        (Invoke-RestMethod -Uri "$($info.EndpointUrl)/_responder/requests").RequestCount
    }
}

AfterAll {
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

    It 'sends nothing with -WhatIf' {
        $before = Get-ResponderRequestCount
        Join-KVWebRTCStorageSession $info.Cam1Arn @common -WhatIf
        Get-ResponderRequestCount | Should -Be $before
    }
}
