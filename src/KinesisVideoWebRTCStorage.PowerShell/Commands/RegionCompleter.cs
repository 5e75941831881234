using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using KinesisVideoWebRTCStorage.Aws;

namespace KinesisVideoWebRTCStorage.PowerShell.Commands
{
    /// <summary>Tab completion for -Region: the regions AWSSDK.Core knows, with their display names as tooltips.</summary>
    public sealed class RegionCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters) =>
            RegionResolver.KnownRegions(wordToComplete.Trim('\'', '"'))
                .Select(r => new CompletionResult(r.SystemName, r.SystemName, CompletionResultType.ParameterValue, r.DisplayName));
    }
}
