using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace KinesisVideoWebRTCStorage.Cli
{
    /// <summary>
    /// SIGTERM (docker stop, systemd, Kubernetes), SIGINT (Ctrl+C) and SIGQUIT ask the running command to stop the way
    /// Ctrl+C does: its token is cancelled and it ends cleanly (an ingest sends RTCP BYE and close_notify and prints its
    /// summary; the emulator finishes its recordings). If it has not ended within the bound, or a second signal
    /// comes, the process exits at once.
    /// </summary>
    internal sealed class TerminationSignals : IDisposable
    {
        /// <summary>Exit code of a forced exit: 128 + SIGTERM, as shells report a process ended by it.</summary>
        private const int ForcedExitCode = 143;

        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly PosixSignalRegistration[] _registrations;
        private readonly TimeSpan _bound;
        private Timer? _deadline;
        private int _signals;

        public TerminationSignals(TimeSpan bound)
        {
            _bound = bound;
            _registrations = new[]
            {
                PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
                PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
                PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnSignal),
            };
        }

        /// <summary>Cancelled by the first signal.</summary>
        public CancellationToken Token => _stop.Token;

        private void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true; // the command ends itself, cleanly
            if (Interlocked.Increment(ref _signals) > 1)
            {
                Console.Error.WriteLine($"kvwebrtc: {context.Signal} again; exiting now.");
                Environment.Exit(ForcedExitCode);
            }
            Console.Error.WriteLine($"kvwebrtc: {context.Signal}; stopping (a second signal exits at once).");
            _deadline = new Timer(_ =>
            {
                Console.Error.WriteLine($"kvwebrtc: did not stop within {_bound.TotalSeconds:0} s of {context.Signal}; exiting.");
                Environment.Exit(ForcedExitCode);
            }, null, _bound, Timeout.InfiniteTimeSpan);
            _stop.Cancel();
        }

        public void Dispose()
        {
            foreach (var registration in _registrations) registration.Dispose();
            _deadline?.Dispose();
            _stop.Dispose();
        }
    }
}
