@{
    RootModule             = 'module/bin/KinesisVideoWebRTCStorage.PowerShell.dll'
    ModuleVersion          = '0.1.0'
    CompatiblePSEditions   = @('Core', 'Desktop')
    GUID                   = '6f0d8a52-4c1e-4f7b-9a3e-2b7c0e9d4a11'
    Author                 = 'KinesisVideoWebRTCStorage contributors'
    CompanyName            = 'KinesisVideoWebRTCStorage'
    Copyright              = '(c) KinesisVideoWebRTCStorage contributors. Apache-2.0.'
    Description            = 'Push live H.264 and Opus into Amazon Kinesis Video Streams through WebRTC storage sessions: signaling endpoints, JoinStorageSession, and a managed WebRTC master.'
    PowerShellVersion      = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    # No RequiredAssemblies: the module's initializer binds AWSSDK.Core by name at import, reusing the copy AWS.Tools
    # loaded, so that SDK types work before any cmdlet has run (see src/KinesisVideoWebRTCStorage.PowerShell/ModuleImport.cs).
    FormatsToProcess       = @('module/KinesisVideoWebRTCStorage.Format.ps1xml')
    CmdletsToExport        = @('Get-KVSignalingEndpoint', 'Join-KVWebRTCStorageSession', 'Start-KVLocalEmulator', 'Start-KVWebRTCIngest', 'Start-KVWebRTCViewer', 'Stop-KVLocalEmulator')
    FunctionsToExport      = @()
    VariablesToExport      = @()
    AliasesToExport        = @()
    PrivateData            = @{
        PSData = @{
            Tags         = @('AWS', 'KinesisVideo', 'KVS', 'WebRTC', 'Video', 'Streaming', 'Ingest', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            LicenseUri   = 'https://www.apache.org/licenses/LICENSE-2.0'
            ProjectUri   = 'https://github.com/KinesisVideoWebRTCStorage/KinesisVideoWebRTCStorage'
            ReleaseNotes = 'Get-KVSignalingEndpoint and Join-KVWebRTCStorageSession with AWS Tools credential and region handling; Start-/Stop-KVLocalEmulator.'
        }
    }
}
