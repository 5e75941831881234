using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace KinesisVideoWebRTCStorage.Tests.Interop
{
    /// <summary>
    /// GStreamer's webrtcbin (libnice ICE, its own DTLS and SRTP) as a receiving offerer: gst_offerer.py in a child
    /// process, driven over JSON lines on its stdin and stdout. It offers recvonly Opus and H.264 under max-bundle, so the
    /// video section comes with port 0 and a=bundle-only, and it decodes what it receives.
    /// </summary>
    public sealed class GStreamerPeer : IInteropPeer, IAsyncDisposable
    {
        // Debian's interpreter: the python3 first on PATH may be another one that does not see python3-gst-1.0.
        public const string PythonPath = "/usr/bin/python3";

        private static readonly string ScriptPath = Path.Combine(AppContext.BaseDirectory, "Interop", "gst_offerer.py");
        private static readonly JsonSerializerOptions SnakeCase = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
        private const int StderrLinesKept = 40;

        private readonly Process process;
        private readonly TaskCompletionSource<string> offer = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Channel<TrickledCandidate> localCandidates = Channel.CreateUnbounded<TrickledCandidate>();
        private readonly Channel<GStreamerStats> statsReplies = Channel.CreateUnbounded<GStreamerStats>();
        private readonly SemaphoreSlim commandLock = new SemaphoreSlim(1, 1);
        private readonly ConcurrentQueue<string> stderrTail = new ConcurrentQueue<string>();
        private readonly ConcurrentQueue<string> pipelineErrors = new ConcurrentQueue<string>();
        private readonly EventHandler killOnExit;
        private readonly Task stdoutPump;

        private GStreamerPeer(Process process)
        {
            this.process = process;
            // If the test host ends without disposing us, the closing stdin pipe already makes the script quit; this is
            // the second line of defence for a pipeline too stuck to notice.
            killOnExit = (_, _) => Kill();
            AppDomain.CurrentDomain.ProcessExit += killOnExit;
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data == null) return;
                stderrTail.Enqueue(e.Data);
                while (stderrTail.Count > StderrLinesKept) stderrTail.TryDequeue(out string? _);
            };
            process.BeginErrorReadLine();
            stdoutPump = Task.Run(PumpStdoutAsync);
        }

        /// <summary>The child process, for tests that check it does not outlive this wrapper.</summary>
        internal int ProcessId => process.Id;

        /// <summary>Local candidates as webrtcbin gathers them (loopback UDP, m-line index 0 under max-bundle); completes when gathering does.</summary>
        public ChannelReader<TrickledCandidate> LocalCandidates => localCandidates.Reader;

        public static Task<GStreamerPeer> LaunchAsync(CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // CI installs Python's GStreamer bindings (.ci/run); a machine without them must fail, not skip.
            if (!File.Exists(PythonPath))
                throw new InvalidOperationException($"{PythonPath} is missing; install python3-gst-1.0 and the GStreamer packages listed in .ci/run.");
            if (!File.Exists(ScriptPath))
                throw new InvalidOperationException($"{ScriptPath} was not copied beside the test assembly.");

            var start = new ProcessStartInfo(PythonPath)
            {
                ArgumentList = { "-u", ScriptPath },
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {PythonPath}.");
            return Task.FromResult(new GStreamerPeer(process));
        }

        /// <summary>
        /// The offer webrtcbin made on its own at start (recvonly Opus in "audio0", recvonly H.264 packetization-mode=1 in
        /// "video1" with port 0 and bundle-only), as set with set-local-description.
        /// </summary>
        public async Task<string> CreateReceiveOfferAsync()
        {
            try
            {
                return await offer.Task.WaitAsync(InteropTimeouts.Launch).ConfigureAwait(false);
            }
            catch (TimeoutException e)
            {
                throw new TimeoutException($"GStreamer made no offer within {InteropTimeouts.Launch.TotalSeconds} s.{Diagnostics()}", e);
            }
        }

        public Task SetRemoteAnswerAsync(string sdp) => SendAsync(new Dictionary<string, object?> { ["answer"] = sdp });

        /// <param name="candidate">The attribute value, "candidate:..." (an "a=" prefix is tolerated).</param>
        /// <param name="sdpMid">Unused: webrtcbin 1.22 addresses candidates by m-line index only.</param>
        /// <param name="sdpMLineIndex">The m-line index; absent means 0, the section that carries the bundle.</param>
        public Task AddRemoteCandidateAsync(string candidate, string? sdpMid, int? sdpMLineIndex) =>
            SendAsync(new Dictionary<string, object?> { ["candidate"] = candidate, ["mlineindex"] = sdpMLineIndex ?? 0 });

        public async Task<GStreamerStats> GetStatsAsync()
        {
            // One request at a time, so that each reply line belongs to the request that is waiting.
            await commandLock.WaitAsync().ConfigureAwait(false);
            try
            {
                await WriteLineAsync(JsonSerializer.Serialize(new Dictionary<string, object?> { ["stats"] = true })).ConfigureAwait(false);
                return await statsReplies.Reader.ReadAsync().AsTask().WaitAsync(InteropTimeouts.Signalling).ConfigureAwait(false);
            }
            catch (Exception e) when (e is TimeoutException || e is ChannelClosedException)
            {
                throw new InvalidOperationException($"GStreamer did not answer a stats request.{Diagnostics()}", e);
            }
            finally
            {
                commandLock.Release();
            }
        }

        public async ValueTask DisposeAsync()
        {
            AppDomain.CurrentDomain.ProcessExit -= killOnExit;
            try
            {
                // Closing stdin is the script's signal to stop its pipeline and exit cleanly.
                process.StandardInput.Close();
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException || e is IOException || e is InvalidOperationException)
            {
                // Still running or the pipe is already gone: killed below.
            }
            Kill();
            await stdoutPump.ConfigureAwait(false);
            process.Dispose();
            commandLock.Dispose();
        }

        private async Task SendAsync(Dictionary<string, object?> message)
        {
            await commandLock.WaitAsync().ConfigureAwait(false);
            try
            {
                await WriteLineAsync(JsonSerializer.Serialize(message)).ConfigureAwait(false);
            }
            finally
            {
                commandLock.Release();
            }
        }

        private async Task WriteLineAsync(string line)
        {
            if (process.HasExited) throw new InvalidOperationException($"The GStreamer offerer has exited (code {process.ExitCode}).{Diagnostics()}");
            await process.StandardInput.WriteLineAsync(line).ConfigureAwait(false);
            await process.StandardInput.FlushAsync().ConfigureAwait(false);
        }

        private async Task PumpStdoutAsync()
        {
            try
            {
                string? line;
                while ((line = await process.StandardOutput.ReadLineAsync().ConfigureAwait(false)) != null)
                {
                    if (line.Length > 0) Dispatch(line);
                }
            }
            catch (Exception e) when (e is IOException || e is ObjectDisposedException || e is InvalidOperationException)
            {
                // The process was killed while we read.
            }
            // The script ended: nothing more can arrive; anyone still waiting learns why.
            await WaitForExitQuietlyAsync().ConfigureAwait(false);
            var ended = new InvalidOperationException($"The GStreamer offerer exited{ExitCodeText()}.{Diagnostics()}");
            offer.TrySetException(ended);
            localCandidates.Writer.TryComplete();
            statsReplies.Writer.TryComplete(ended);
        }

        private void Dispatch(string line)
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.TryGetProperty("offer", out var sdp))
            {
                offer.TrySetResult(sdp.GetString()!);
            }
            else if (root.TryGetProperty("candidate", out var candidate))
            {
                int index = root.GetProperty("mlineindex").GetInt32();
                localCandidates.Writer.TryWrite(new TrickledCandidate(candidate.GetString()!, null, index));
            }
            else if (root.TryGetProperty("end_of_candidates", out _))
            {
                localCandidates.Writer.TryComplete();
            }
            else if (root.TryGetProperty("stats", out var stats))
            {
                statsReplies.Writer.TryWrite(stats.Deserialize<GStreamerStats>(SnakeCase)!);
            }
            else if (root.TryGetProperty("error", out var error))
            {
                pipelineErrors.Enqueue(error.GetString()!);
            }
        }

        private string Diagnostics()
        {
            string errors = pipelineErrors.IsEmpty ? "" : " Pipeline errors: " + string.Join(" | ", pipelineErrors);
            string stderr = stderrTail.IsEmpty ? "" : " stderr: " + string.Join("\n", stderrTail);
            return errors + stderr;
        }

        private string ExitCodeText()
        {
            try
            {
                return process.HasExited ? $" with code {process.ExitCode}" : "";
            }
            catch (InvalidOperationException)
            {
                return "";
            }
        }

        private async Task WaitForExitQuietlyAsync()
        {
            try
            {
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException || e is InvalidOperationException)
            {
            }
        }

        private void Kill()
        {
            try
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
            }
            catch (Exception e) when (e is InvalidOperationException || e is System.ComponentModel.Win32Exception)
            {
                // Already gone.
            }
        }
    }
}
