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

        /// <summary>A monotonic clock with a pacing thread of its own (tests that must not share one).</summary>
        internal static PacingClock NewMonotonicClock() => new MonotonicClock();

        /// <summary>Time since an arbitrary fixed origin.</summary>
        public abstract TimeSpan Now { get; }

        /// <summary>Completes once <see cref="Now"/> has reached <paramref name="due"/>.</summary>
        public abstract ValueTask WaitUntilAsync(TimeSpan due, CancellationToken cancellationToken);

        /// <remarks>
        /// One background thread serves every pacer in the process: it sleeps on a monitor until the earliest due
        /// time (the kernel's timed wait is accurate to a fraction of a millisecond on Linux, unlike the thread pool's
        /// timers, which can wake several milliseconds late) and completes the waits that are due (InlineLimit says where
        /// their continuations run). Nothing spins, so a hundred paced sessions cost one thread that wakes about when
        /// frames are due. Where the OS timer is coarse (15.6 ms on Windows by default) lateness is that period.
        /// </remarks>
        private sealed class MonotonicClock : PacingClock
        {
            private static readonly double TicksPerStopwatchTick = (double)TimeSpan.TicksPerSecond / Stopwatch.Frequency;

            private readonly object _gate = new object();
            private readonly SortedSet<Waiter> _waiters = new SortedSet<Waiter>();
            private long _sequence;
            private int _count; // waiters queued, readable without the gate
            private Thread? _thread;

            public override TimeSpan Now => new TimeSpan((long)(Stopwatch.GetTimestamp() * TicksPerStopwatchTick));

            public override ValueTask WaitUntilAsync(TimeSpan due, CancellationToken cancellationToken)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (due <= Now) return default;
                // Decided when queued: a completion's options are fixed when it is made.
                bool inline = Volatile.Read(ref _count) < InlineLimit;
                var waiter = new Waiter(due, Interlocked.Increment(ref _sequence), inline);
                // Registered before the waiter is queued, so the pacing thread, which completes it, also disposes it:
                // no continuation per wait just to dispose a registration.
                if (cancellationToken.CanBeCanceled)
                {
                    waiter.Registration = cancellationToken.Register(() =>
                    {
                        lock (_gate)
                        {
                            _waiters.Remove(waiter);
                            _count = _waiters.Count;
                        }
                        waiter.Cancel(cancellationToken);
                    });
                }
                lock (_gate)
                {
                    _waiters.Add(waiter);
                    _count = _waiters.Count;
                    if (_thread == null)
                    {
                        _thread = new Thread(Run) { IsBackground = true, Name = "Media pacing" };
                        _thread.Start();
                    }
                    if (_waiters.Min == waiter) Monitor.Pulse(_gate);
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
                        _count = _waiters.Count;
                        if (due.Count == 0)
                        {
                            // Whole milliseconds rounded up: a wait cut short would wake this thread twice per frame.
                            Monitor.Wait(_gate, (int)Math.Ceiling((_waiters.Min!.Due - now).TotalMilliseconds));
                            continue;
                        }
                    }
                    foreach (var waiter in due)
                    {
                        waiter.Completion.TrySetResult(true);
                        waiter.Registration.Dispose();
                    }
                    due.Clear();
                }
            }

            /// <summary>
            /// While the clock serves fewer waits than this (one ingest's pump), their continuations run on the pacing
            /// thread: handing each frame to the thread pool costs a worker wake-up that dwarfs sending the frame. With
            /// more, the pool spreads them over the cores so one session's work never delays another's frames.
            /// </summary>
            private const int InlineLimit = 2;

            private sealed class Waiter : IComparable<Waiter>
            {
                public Waiter(TimeSpan due, long sequence, bool inline)
                {
                    Due = due;
                    Sequence = sequence;
                    Completion = new TaskCompletionSource<bool>(inline ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously);
                }

                public TimeSpan Due { get; }
                public long Sequence { get; }
                public CancellationTokenRegistration Registration { get; set; }
                public TaskCompletionSource<bool> Completion { get; }

                /// <summary>A cancelled wait continues on the thread pool, never inside whoever cancelled.</summary>
                public void Cancel(CancellationToken cancellationToken)
                {
                    if ((Completion.Task.CreationOptions & TaskCreationOptions.RunContinuationsAsynchronously) != 0) Completion.TrySetCanceled(cancellationToken);
                    else ThreadPool.QueueUserWorkItem(_ => Completion.TrySetCanceled(cancellationToken));
                }

                public int CompareTo(Waiter? other) =>
                    other == null ? 1 : Due != other.Due ? Due.CompareTo(other.Due) : Sequence.CompareTo(other.Sequence);
            }
        }
    }
}
