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

        /// <summary>A monotonic clock with pacing threads of its own (tests that must not share them).</summary>
        internal static PacingClock NewMonotonicClock() => new MonotonicClock();

        /// <summary>Time since an arbitrary fixed origin.</summary>
        public abstract TimeSpan Now { get; }

        /// <summary>Completes once <see cref="Now"/> has reached <paramref name="due"/>.</summary>
        public abstract ValueTask WaitUntilAsync(TimeSpan due, CancellationToken cancellationToken);

        /// <summary>
        /// Calls <paramref name="callback"/> once <see cref="Now"/> has reached <paramref name="due"/>, as a one-shot
        /// timer would; on the monotonic clock, on a pacing thread, beside the pacers' own work. Like a timer's, the
        /// callback must not throw.
        /// </summary>
        public virtual void Schedule(TimeSpan due, Action<object?> callback, object? state)
        {
            if (callback == null) throw new ArgumentNullException(nameof(callback));
            _ = WaitUntilAsync(due, default).AsTask().ContinueWith((_, s) => callback(s), state, TaskScheduler.Default);
        }

        /// <remarks>
        /// One pacing thread per core serves every pacer in the process. Each sleeps on a monitor until its earliest due
        /// time (the kernel's timed wait is accurate to a fraction of a millisecond on Linux, unlike the thread pool's
        /// timers, which can wake several milliseconds late), completes the waits that are due and runs their
        /// continuations itself, in turn: handing each frame to the thread pool would cost a worker wake-up, and the
        /// worker's spinning after it, that dwarfs sending the frame. A wait made on a pacing thread stays on it, so a
        /// pacer keeps its thread; the others are dealt out in turn. Nothing spins, so a hundred paced sessions cost a
        /// thread or two that wake about when frames are due. Where the OS timer is coarse (15.6 ms on Windows by
        /// default) lateness is that period.
        /// </remarks>
        private sealed class MonotonicClock : PacingClock
        {
            private static readonly double TicksPerStopwatchTick = (double)TimeSpan.TicksPerSecond / Stopwatch.Frequency;

            [ThreadStatic]
            private static PacingThread? t_current;

            private readonly PacingThread[] _threads;
            private long _sequence;
            private int _nextThread;

            public MonotonicClock()
            {
                _threads = new PacingThread[Math.Max(1, Environment.ProcessorCount)];
                for (int i = 0; i < _threads.Length; i++) _threads[i] = new PacingThread(this);
            }

            public override TimeSpan Now => new TimeSpan((long)(Stopwatch.GetTimestamp() * TicksPerStopwatchTick));

            public override ValueTask WaitUntilAsync(TimeSpan due, CancellationToken cancellationToken)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (due <= Now) return default;
                var thread = PickThread();
                var waiter = new Waiter(due, Interlocked.Increment(ref _sequence), new TaskCompletionSource<bool>());
                thread.Add(waiter, cancellationToken);
                return new ValueTask(waiter.Completion!.Task);
            }

            public override void Schedule(TimeSpan due, Action<object?> callback, object? state)
            {
                if (callback == null) throw new ArgumentNullException(nameof(callback));
                PickThread().Add(new Waiter(due, Interlocked.Increment(ref _sequence), callback, state), default);
            }

            /// <summary>The calling pacing thread, so a pacer keeps its thread; otherwise the next one in turn.</summary>
            private PacingThread PickThread() => t_current is { } current && current.Clock == this
                ? current
                : _threads[(int)((uint)Interlocked.Increment(ref _nextThread) % (uint)_threads.Length)];

            private sealed class PacingThread
            {
                private readonly object _gate = new object();
                private readonly SortedSet<Waiter> _waiters = new SortedSet<Waiter>();
                private Thread? _thread;

                public PacingThread(MonotonicClock clock) => Clock = clock;

                public MonotonicClock Clock { get; }

                public void Add(Waiter waiter, CancellationToken cancellationToken)
                {
                    // Registered before the waiter is queued, so the pacing thread, which completes it, also disposes
                    // it: no continuation per wait just to dispose a registration.
                    if (cancellationToken.CanBeCanceled)
                    {
                        waiter.Registration = cancellationToken.Register(() =>
                        {
                            lock (_gate) _waiters.Remove(waiter);
                            waiter.Cancel(cancellationToken);
                        });
                    }
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
                }

                private void Run()
                {
                    t_current = this;
                    var due = new List<Waiter>();
                    while (true)
                    {
                        lock (_gate)
                        {
                            while (_waiters.Count == 0) Monitor.Wait(_gate);
                            var now = Clock.Now;
                            while (_waiters.Count > 0 && _waiters.Min!.Due <= now)
                            {
                                due.Add(_waiters.Min);
                                _waiters.Remove(_waiters.Min);
                            }
                            if (due.Count == 0)
                            {
                                // Whole milliseconds rounded up: a wait cut short would wake this thread twice per frame.
                                Monitor.Wait(_gate, (int)Math.Ceiling((_waiters.Min!.Due - now).TotalMilliseconds));
                                continue;
                            }
                        }
                        foreach (var waiter in due) waiter.Complete();
                        due.Clear();
                    }
                }
            }

            /// <summary>A wait (a task to complete) or a scheduled callback.</summary>
            private sealed class Waiter : IComparable<Waiter>
            {
                private readonly Action<object?>? _callback;
                private readonly object? _state;

                public Waiter(TimeSpan due, long sequence, TaskCompletionSource<bool> completion)
                {
                    Due = due;
                    Sequence = sequence;
                    Completion = completion;
                }

                public Waiter(TimeSpan due, long sequence, Action<object?> callback, object? state)
                {
                    Due = due;
                    Sequence = sequence;
                    _callback = callback;
                    _state = state;
                }

                public TimeSpan Due { get; }
                public long Sequence { get; }
                public CancellationTokenRegistration Registration { get; set; }

                /// <summary>Continuations run on the pacing thread that completes it.</summary>
                public TaskCompletionSource<bool>? Completion { get; }

                public void Complete()
                {
                    if (_callback != null)
                    {
                        _callback(_state);
                        return;
                    }
                    Completion!.TrySetResult(true);
                    Registration.Dispose();
                }

                /// <summary>A cancelled wait continues on the thread pool, never inside whoever cancelled.</summary>
                public void Cancel(CancellationToken cancellationToken) =>
                    ThreadPool.QueueUserWorkItem(_ => Completion!.TrySetCanceled(cancellationToken));

                public int CompareTo(Waiter? other) =>
                    other == null ? 1 : Due != other.Due ? Due.CompareTo(other.Due) : Sequence.CompareTo(other.Sequence);
            }
        }
    }
}
