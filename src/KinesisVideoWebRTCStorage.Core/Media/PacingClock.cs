using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace KinesisVideoWebRTCStorage.Media
{
    /// <summary>
    /// The monotonic clock a <see cref="MediaPacer"/> waits on; replaceable so pacing decisions can be tested without
    /// depending on how busy the machine is.
    /// </summary>
    public abstract class PacingClock
    {
        /// <summary>The machine's monotonic clock.</summary>
        public static PacingClock Monotonic { get; } = new MonotonicClock();

        /// <summary>Time since an arbitrary fixed origin.</summary>
        public abstract TimeSpan Now { get; }

        /// <summary>Completes once <see cref="Now"/> has reached <paramref name="due"/>.</summary>
        public abstract ValueTask WaitUntilAsync(TimeSpan due, CancellationToken cancellationToken);

        /// <remarks>
        /// One background thread serves every pacer in the process: it sleeps on a monitor until the earliest due
        /// time (the kernel's timed wait is accurate to a fraction of a millisecond on Linux, unlike the thread pool's
        /// timers, which can wake several milliseconds late) and completes the waits that are due. Nothing spins, so
        /// a hundred paced sessions cost one thread that wakes about when frames are due. Where the OS timer is coarse
        /// (15.6 ms on Windows by default) lateness is that period.
        /// </remarks>
        private sealed class MonotonicClock : PacingClock
        {
            private static readonly double TicksPerStopwatchTick = (double)TimeSpan.TicksPerSecond / Stopwatch.Frequency;

            private readonly object _gate = new object();
            private readonly SortedSet<Waiter> _waiters = new SortedSet<Waiter>();
            private long _sequence;
            private Thread? _thread;

            public override TimeSpan Now => new TimeSpan((long)(Stopwatch.GetTimestamp() * TicksPerStopwatchTick));

            public override ValueTask WaitUntilAsync(TimeSpan due, CancellationToken cancellationToken)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (due <= Now) return default;
                var waiter = new Waiter(due, Interlocked.Increment(ref _sequence));
                lock (_gate)
                {
                    _waiters.Add(waiter);
                    if (_thread == null)
                    {
                        _thread = new Thread(Run) { IsBackground = true, Name = "Media pacing" };
                        _thread.Start();
                    }
                    if (_waiters.Min == waiter) Monitor.Pulse(_gate);
                }
                if (cancellationToken.CanBeCanceled)
                {
                    var registration = cancellationToken.Register(() =>
                    {
                        lock (_gate) _waiters.Remove(waiter);
                        waiter.Completion.TrySetCanceled(cancellationToken);
                    });
                    waiter.Completion.Task.ContinueWith(_ => registration.Dispose(), TaskScheduler.Default);
                }
                return new ValueTask(waiter.Completion.Task);
            }

            private void Run()
            {
                var due = new List<Waiter>();
                while (true)
                {
                    lock (_gate)
                    {
                        while (_waiters.Count == 0) Monitor.Wait(_gate);
                        var now = Now;
                        while (_waiters.Count > 0 && _waiters.Min!.Due <= now)
                        {
                            due.Add(_waiters.Min);
                            _waiters.Remove(_waiters.Min);
                        }
                        if (due.Count == 0)
                        {
                            // Whole milliseconds, at least one: a zero wait would spin.
                            Monitor.Wait(_gate, Math.Max(1, (int)(_waiters.Min!.Due - now).TotalMilliseconds));
                            continue;
                        }
                    }
                    foreach (var waiter in due) waiter.Completion.TrySetResult(true);
                    due.Clear();
                }
            }

            private sealed class Waiter : IComparable<Waiter>
            {
                public Waiter(TimeSpan due, long sequence)
                {
                    Due = due;
                    Sequence = sequence;
                }

                public TimeSpan Due { get; }
                public long Sequence { get; }

                // Continuations run on the thread pool, never on the pacing thread.
                public TaskCompletionSource<bool> Completion { get; } = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);

                public int CompareTo(Waiter? other) =>
                    other == null ? 1 : Due != other.Due ? Due.CompareTo(other.Due) : Sequence.CompareTo(other.Sequence);
            }
        }
    }
}
