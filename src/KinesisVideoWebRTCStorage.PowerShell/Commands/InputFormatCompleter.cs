using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace KinesisVideoWebRTCStorage.PowerShell.Commands
{
    /// <summary>Tab completion for -InputFormat: the ffmpeg input formats that open cameras, screens and test sources.</summary>
    public sealed class InputFormatCompleter : IArgumentCompleter
    {
        private static readonly (string Format, string Tip)[] Formats =
        {
            ("dshow", "Windows cameras and microphones (DirectShow): -InputUri 'video=<camera>:audio=<microphone>'"),
            ("v4l2", "Linux cameras (Video4Linux2): -InputUri /dev/video0"),
            ("avfoundation", "macOS cameras and microphones: -InputUri '0:0'"),
            ("lavfi", "an ffmpeg filter graph, e.g. 'testsrc2=size=1280x720:rate=25[out0];sine=frequency=440[out1]'"),
            ("rtsp", "an RTSP camera (usually detected from the rtsp:// URI)"),
            ("gdigrab", "the Windows desktop: -InputUri desktop"),
            ("x11grab", "an X11 display: -InputUri :0.0"),
            ("alsa", "Linux audio (ALSA): -InputUri default"),
            ("pulse", "Linux audio (PulseAudio): -InputUri default"),
        };

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters) =>
            Formats.Where(f => f.Format.StartsWith(wordToComplete.Trim('\'', '"'), StringComparison.OrdinalIgnoreCase))
                .Select(f => new CompletionResult(f.Format, f.Format, CompletionResultType.ParameterValue, f.Tip));
    }
}
