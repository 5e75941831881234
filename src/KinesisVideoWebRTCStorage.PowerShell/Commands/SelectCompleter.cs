using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Reflection;

namespace KinesisVideoWebRTCStorage.PowerShell.Commands
{
    /// <summary>
    /// Tab completion for -Select: '*', the properties of the cmdlet's output type, and '^' with each of its own
    /// parameters, as AWS.Tools v5 offers them.
    /// </summary>
    public sealed class SelectCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var cmdlet = typeof(SelectCompleter).Assembly.GetTypes().FirstOrDefault(t =>
                t.GetCustomAttribute<CmdletAttribute>() is CmdletAttribute a && string.Equals(a.VerbName + "-" + a.NounName, commandName, StringComparison.OrdinalIgnoreCase));
            if (cmdlet == null) yield break;
            var responseType = cmdlet.GetCustomAttributes<OutputTypeAttribute>().SelectMany(o => o.Type).Select(t => t.Type).FirstOrDefault(t => t != null);
            var candidates = new List<(string Value, string Tip)> { ("*", "the whole response") };
            if (responseType != null)
                candidates.AddRange(KVServiceCmdletBase.SelectableProperties(responseType).Select(p => (p, $"the response's {p}")));
            candidates.AddRange(cmdlet.GetProperties().Where(p => p.GetCustomAttributes<ParameterAttribute>().Any() && p.Name != parameterName)
                .Select(p => ("^" + p.Name, $"the value passed to -{p.Name}")));
            string typed = wordToComplete.Trim('\'', '"');
            foreach (var (value, tip) in candidates.Where(c => c.Value.StartsWith(typed, StringComparison.OrdinalIgnoreCase)))
                yield return new CompletionResult("'" + value + "'", value, CompletionResultType.ParameterValue, tip);
        }
    }
}
