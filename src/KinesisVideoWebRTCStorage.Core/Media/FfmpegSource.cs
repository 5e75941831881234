using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Reflection;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Media.Matroska;

namespace KinesisVideoWebRTCStorage.Media
{
    /// <summary>
    /// Reads any input ffmpeg can open (file, URL, device, filter graph) through an ffmpeg child process that writes
    /// Matroska to its stdout: H.264 is copied when it fits and otherwise transcoded to constrained baseline; audio
    /// becomes Opus. The process is killed on dispose and on cancellation, so none is left behind.
    /// </summary>
    public sealed class FfmpegSource : IMediaSource
    {
        private const string InstallAdvice = "install ffmpeg (e.g. apt-get install ffmpeg, brew install ffmpeg or winget install ffmpeg) and put it on PATH";

        // Process.Kill(bool entireProcessTree) exists from .NET Core 3.0; this library also runs on .NET Framework.
        private static readonly MethodInfo? KillTree = typeof(Process).GetMethod("Kill", new[] { typeof(bool) });

        private readonly Process _process;
        private readonly Queue<string> _stderr = new Queue<string>();
        private readonly int _stderrLines;
        private readonly Task _stderrPump;
        private MatroskaDemuxer? _demuxer;
        private int _disposed;

        private FfmpegSource(Process process, int stderrLines, bool videoCopied)
        {
            _process = process;
            _stderrLines = Math.Max(1, stderrLines);
            VideoCopied = videoCopied;
            _stderrPump = Task.Run(PumpStderrAsync);
        }

        public H264CodecInfo? Video => _demuxer?.Video;

        public OpusCodecInfo? Audio => _demuxer?.Audio;

        /// <summary>True when the input's H.264 was copied rather than transcoded.</summary>
        public bool VideoCopied { get; }

        public int ProcessId => _process.Id;

        /// <summary>ffmpeg's exit code once it has exited, else null.</summary>
        public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

        /// <summary>The last lines ffmpeg wrote to stderr: why it stopped, when it did.</summary>
        public string LastErrorOutput
        {
            get
            {
                lock (_stderr) return string.Join(Environment.NewLine, _stderr);
            }
        }

        /// <summary>Probes the input, starts ffmpeg and reads the Matroska headers it writes.</summary>
        /// <param name="input">What follows ffmpeg's -i: a path, URL, device name or lavfi graph.</param>
        /// <exception cref="FfmpegException">ffmpeg is missing, or it exited before writing media (with its stderr).</exception>
        public static async Task<FfmpegSource> OpenAsync(string input, FfmpegSourceOptions? options = null, CancellationToken cancellationToken = default)
        {
            if (string.IsNullOrEmpty(input)) throw new ArgumentException("An input is required.", nameof(input));
            options ??= new FfmpegSourceOptions();
            bool copy = options.IncludeVideo && await CanCopyVideoAsync(input, options, cancellationToken).ConfigureAwait(false);
            var source = new FfmpegSource(Start(options.FfmpegPath, BuildArguments(options, input, copy)), options.ErrorLinesKept, copy);
            try
            {
                using (cancellationToken.Register(source.Kill))
                {
                    source._demuxer = await MatroskaDemuxer.OpenAsync(source._process.StandardOutput.BaseStream, leaveOpen: true, cancellationToken).ConfigureAwait(false);
                }
                return source;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && (e is WireFormatException || e is IOException))
            {
                string stderr = await source.StopAndCollectErrorsAsync().ConfigureAwait(false);
                string exitCode = source.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "unknown";
                source.Dispose();
                throw new FfmpegException($"ffmpeg stopped before producing media (exit code {exitCode}): {stderr}", e);
            }
            catch
            {
                source.Dispose();
                cancellationToken.ThrowIfCancellationRequested();
                throw;
            }
        }

        /// <summary>The next frame, or null when ffmpeg has finished (see <see cref="LastErrorOutput"/> for why).</summary>
        public async ValueTask<MediaFrame?> ReadFrameAsync(CancellationToken cancellationToken = default)
        {
            if (_demuxer == null || _disposed != 0) return null;
            var registration = cancellationToken.CanBeCanceled ? cancellationToken.Register(Kill) : default;
            try
            {
                return await _demuxer.ReadFrameAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && (e is MatroskaFormatException || e is IOException))
            {
                // ffmpeg exiting mid-cluster cuts the stream short: that is the end of the source, not a format error.
                if (!_process.WaitForExit(2000)) throw;
                await StopAndCollectErrorsAsync().ConfigureAwait(false);
                return null;
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                // The read may have seen the token before the registration's kill ran: make sure ffmpeg is gone.
                Kill();
                _process.WaitForExit(2000);
                throw new OperationCanceledException(cancellationToken);
            }
            finally
            {
                registration.Dispose();
            }
        }

        /// <summary>True when <see cref="OpenAsync"/> would copy the input's video rather than transcode it.</summary>
        public static async Task<bool> CanCopyVideoAsync(string input, FfmpegSourceOptions options, CancellationToken cancellationToken = default) =>
            options.CopyCompatibleVideo && options.VideoBitrate == null && await IsCompatibleH264Async(options, input, cancellationToken).ConfigureAwait(false);

        private static async Task<bool> IsCompatibleH264Async(FfmpegSourceOptions options, string input, CancellationToken cancellationToken)
        {
            string ffprobe = FfprobePath(options.FfmpegPath);
            Process probe;
            try
            {
                probe = Start(ffprobe, $"-v error {options.InputArguments} -select_streams v:0 -show_entries stream=codec_name,profile,pix_fmt,has_b_frames -of default=noprint_wrappers=1 -i {Quote(input)}", redirectStdin: false);
            }
            catch (FfmpegException)
            {
                return false; // without ffprobe, transcoding is always safe
            }
            using (probe)
            {
                var output = probe.StandardOutput.ReadToEndAsync();
                var drain = probe.StandardError.ReadToEndAsync();
                var finished = await Task.WhenAny(output, Task.Delay(TimeSpan.FromSeconds(10), cancellationToken)).ConfigureAwait(false);
                if (finished != output)
                {
                    KillProcess(probe);
                    cancellationToken.ThrowIfCancellationRequested();
                    return false;
                }
                await drain.ConfigureAwait(false);
                var fields = new Dictionary<string, string>();
                foreach (string line in (await output.ConfigureAwait(false)).Split('\n'))
                {
                    int equals = line.IndexOf('=');
                    if (equals > 0) fields[line.Substring(0, equals)] = line.Substring(equals + 1).Trim();
                }
                // B-frames arrive out of order for WebRTC receivers, so Main with B-frames is transcoded too.
                return Field(fields, "codec_name") == "h264"
                    && Field(fields, "profile") is "Constrained Baseline" or "Baseline" or "Main"
                    && Field(fields, "pix_fmt") is "yuv420p" or "yuvj420p"
                    && Field(fields, "has_b_frames") == "0";
            }
        }

        private static string Field(Dictionary<string, string> fields, string name) => fields.TryGetValue(name, out string? value) ? value : "";

        private static string FfprobePath(string ffmpegPath)
        {
            string directory = Path.GetDirectoryName(ffmpegPath) ?? "";
            string name = Path.GetFileName(ffmpegPath).Replace("ffmpeg", "ffprobe");
            return directory.Length == 0 ? name : Path.Combine(directory, name);
        }

        internal static string BuildArguments(FfmpegSourceOptions options, string input, bool copyVideo)
        {
            var args = new StringBuilder("-hide_banner -nostdin -loglevel warning ");
            if (options.InputArguments.Length > 0) args.Append(options.InputArguments).Append(' ');
            args.Append("-i ").Append(Quote(input));
            if (!options.IncludeVideo)
            {
                args.Append(" -map 0:a:0 -vn ");
            }
            else if (copyVideo)
            {
                args.Append(" -map 0:v:0? -map 0:a:0? -c:v copy ");
            }
            else
            {
                string interval = options.KeyFrameIntervalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
                args.Append(" -map 0:v:0? -map 0:a:0? -c:v libx264 -profile:v baseline -preset veryfast -tune zerolatency -pix_fmt yuv420p -bf 0 ")
                    .Append("-force_key_frames expr:gte(t,n_forced*").Append(interval).Append(") ");
                if (options.VideoBitrate is long bitrate)
                {
                    string kbps = Math.Max(1, bitrate / 1000).ToString(CultureInfo.InvariantCulture);
                    string buffer = Math.Max(1, bitrate / 2000).ToString(CultureInfo.InvariantCulture);
                    args.Append("-b:v ").Append(kbps).Append("k -maxrate ").Append(kbps).Append("k -bufsize ").Append(buffer).Append("k ");
                }
            }
            args.Append("-c:a libopus -b:a 64k -ar 48000 -ac 2 -f matroska -live 1 -");
            return args.ToString();
        }

        /// <summary>Quotes one argument for the command line (.NET's splitting rules on Windows, Mono's elsewhere).</summary>
        private static string Quote(string argument)
        {
            if (argument.Length > 0 && argument.IndexOfAny(new[] { ' ', '\t', '"', '\'', '\\' }) < 0) return argument;
            return "\"" + argument.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
        }

        private static Process Start(string fileName, string arguments, bool redirectStdin = true)
        {
            var info = new ProcessStartInfo(fileName, arguments)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                // ffmpeg gets a pipe it never reads (-nostdin), so it cannot steal the host's console input.
                RedirectStandardInput = redirectStdin,
                CreateNoWindow = true,
            };
            try
            {
                return Process.Start(info) ?? throw new FfmpegException($"{fileName} did not start: {InstallAdvice}");
            }
            catch (Win32Exception e)
            {
                throw new FfmpegException($"{fileName} was not found or could not run ({e.Message}): {InstallAdvice}", e);
            }
        }

        private async Task PumpStderrAsync()
        {
            try
            {
                string? line;
                while ((line = await _process.StandardError.ReadLineAsync().ConfigureAwait(false)) != null)
                {
                    lock (_stderr)
                    {
                        _stderr.Enqueue(line);
                        while (_stderr.Count > _stderrLines) _stderr.Dequeue();
                    }
                }
            }
            catch (Exception e) when (e is IOException || e is ObjectDisposedException || e is InvalidOperationException)
            {
                // The process is gone: there is nothing more to read.
            }
        }

        private async Task<string> StopAndCollectErrorsAsync()
        {
            if (!_process.WaitForExit(2000)) Kill();
            await Task.WhenAny(_stderrPump, Task.Delay(2000)).ConfigureAwait(false);
            return LastErrorOutput;
        }

        private void Kill() => KillProcess(_process);

        private static void KillProcess(Process process)
        {
            try
            {
                if (process.HasExited) return;
                if (KillTree != null) KillTree.Invoke(process, new object[] { true });
                else process.Kill();
            }
            catch (Exception e) when (e is InvalidOperationException || e is Win32Exception || e is TargetInvocationException || e is NotSupportedException)
            {
                // Already exited, or exiting: either way it is not left running.
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            Kill();
            _process.WaitForExit(5000);
            _demuxer?.Dispose();
            _process.Dispose();
        }
    }
}
