# The help users read is the help the code has: Get-Help's syntax (generated at build time from the compiled cmdlets,
# src/KinesisVideoWebRTCStorage.HelpGenerator) must equal Get-Command -Syntax, and every parameter and example is documented.

BeforeDiscovery {
    $manifest = Join-Path (Split-Path -Parent $PSScriptRoot) 'KinesisVideoWebRTCStorage.psd1'
    $script:cmdlets = @((Import-Module $manifest -Force -PassThru).ExportedCmdlets.Keys | Sort-Object)
}

BeforeAll {
    Import-Module (Join-Path (Split-Path -Parent $PSScriptRoot) 'KinesisVideoWebRTCStorage.psd1') -Force
    $script:common = [System.Management.Automation.PSCmdlet]::CommonParameters

    # One line per parameter set: each parameter with whether it is mandatory, its position and whether it is a switch.
    function Get-SyntaxFromCommand([string] $Name) {
        foreach ($set in (Get-Command $Name).ParameterSets) {
            ($set.Parameters | Where-Object Name -NotIn $common | Sort-Object Name | ForEach-Object {
                $position = if ($_.Position -ge 0) { $_.Position } else { 'named' }
                '{0}:{1}:{2}:{3}' -f $_.Name, $_.IsMandatory, $position, ($_.ParameterType -eq [switch])
            }) -join ' '
        }
    }
    function Get-SyntaxFromHelp([string] $Name) {
        foreach ($item in (Get-Help $Name -Full).syntax.syntaxItem) {
            ($item.parameter | Sort-Object name | ForEach-Object {
                '{0}:{1}:{2}:{3}' -f $_.name, ($_.required -eq 'true'), $_.position, ($null -eq $_.parameterValue)
            }) -join ' '
        }
    }
}

AfterAll {
    Remove-Module KinesisVideoWebRTCStorage -ErrorAction SilentlyContinue
}

Describe 'Help of <_>' -ForEach $cmdlets {
    It 'has the syntax blocks of Get-Command -Syntax: parameter sets, mandatory parameters, positions and switches' {
        $fromHelp = @(Get-SyntaxFromHelp $_ | Sort-Object)
        $fromCommand = @(Get-SyntaxFromCommand $_ | Sort-Object)
        $fromHelp.Count | Should -Be $fromCommand.Count
        $fromHelp | Should -Be $fromCommand
    }

    It 'describes every parameter, and only real ones' {
        $help = Get-Help $_ -Full
        $names = (Get-Command $_).Parameters.Keys | Where-Object { $_ -notin $common }
        @($help.parameters.parameter.name | Sort-Object) | Should -Be @($names | Sort-Object)
        foreach ($parameter in $help.parameters.parameter) {
            ($parameter.description.Text -join ' ').Trim() | Should -Not -BeNullOrEmpty -Because "-$($parameter.name) of $_ needs a description"
        }
    }

    It 'has a synopsis, a description and examples with code and remarks' {
        $help = Get-Help $_ -Full
        $help.Synopsis | Should -Not -BeLike "$_*" # PowerShell's stand-in when there is no help
        ($help.description.Text -join ' ') | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterOrEqual 2
        foreach ($example in $help.examples.example) {
            $example.code | Should -Not -BeNullOrEmpty
            ($example.remarks.Text -join ' ').Trim() | Should -Not -BeNullOrEmpty
        }
    }
}

Describe 'Start-KVWebRTCIngest help' {
    It 'shows its eight syntaxes, switches without a value' {
        $text = Get-Help Start-KVWebRTCIngest | Out-String -Width 1000
        @((Get-Help Start-KVWebRTCIngest).syntax.syntaxItem).Count | Should -Be @((Get-Command Start-KVWebRTCIngest).ParameterSets).Count
        @((Get-Command Start-KVWebRTCIngest).ParameterSets).Count | Should -Be 8
        $text | Should -BeLike '*[-Loop]*'
        $text | Should -Not -BeLike '*SwitchParameter*'
        $text | Should -BeLike '*-InputUri <String> `[-InputFormat <String>`] `[-InputOptions <String>`]*'
    }
}
