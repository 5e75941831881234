using System;
using System.IO;
using KinesisVideoWebRTCStorage.Media.Matroska;
using KinesisVideoWebRTCStorage.Media.Ogg;

namespace KinesisVideoWebRTCStorage.Media
{
    /// <summary>
    /// Saves the Opus audio a participant hears across its connections, as Ogg Opus (.ogg, .opus) or Matroska (.mkv,
    /// .mka). Each connection's packets keep their own timing; a new connection continues where the run's clock is, so
    /// the gap while reconnecting stays a gap. Packets that do not move time forward, or that are not Opus, are dropped
    /// and counted. Thread-safe.
    /// </summary>
    public sealed class ReceivedAudioRecorder : IDisposable
    {
        private readonly object _lock = new object();
        private readonly Func<TimeSpan> _runClock;
        private readonly OggOpusWriter? _ogg;
        private readonly MatroskaMuxer? _matroska;
        private object? _connection;
        private TimeSpan _offset, _end;
        private bool _disposed;

        private ReceivedAudioRecorder(Stream output, bool ogg, Func<TimeSpan> runClock)
        {
            _runClock = runClock;
            var codec = OpusHead.ForRtp();
            if (ogg) _ogg = new OggOpusWriter(output, codec, (uint)Environment.TickCount);
            else _matroska = new MatroskaMuxer(output, null, codec);
        }

        /// <summary>True when the file name says a format this recorder writes.</summary>
        public static bool IsSupportedPath(string path) => FormatOf(path) != null;

        /// <summary>The file's extensions this recorder understands, for error messages.</summary>
        public const string SupportedExtensions = ".ogg or .opus (Ogg Opus), .mkv or .mka (Matroska)";

        /// <summary>Creates (or replaces) the file.</summary>
        /// <param name="runClock">The run's clock, which places each new connection's first packet.</param>
        public static ReceivedAudioRecorder Create(string path, Func<TimeSpan> runClock)
        {
            bool ogg = FormatOf(path) ?? throw new ArgumentException($"'{path}' is not a file name this recorder writes: use {SupportedExtensions}.", nameof(path));
            return new ReceivedAudioRecorder(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read), ogg, runClock);
        }

        private static bool? FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".ogg" or ".opus" => true,
            ".mkv" or ".mka" => false,
            _ => (bool?)null,
        };

        public long PacketsWritten { get; private set; }
        public long PacketsDropped { get; private set; }

        /// <summary>Media time written, from the start of the file to the end of the last packet.</summary>
        public TimeSpan Duration { get { lock (_lock) return _end; } }

        /// <param name="connection">Whatever identifies the connection the packet came over; its timestamps are its own.</param>
        /// <param name="timestamp">The packet's time on that connection's clock.</param>
        public void Write(object connection, ReadOnlySpan<byte> packet, TimeSpan timestamp)
        {
            lock (_lock)
            {
                if (_disposed || !OpusPacket.TryGetSampleCount(packet, out int samples) || packet.Length > OggOpusWriter.MaxPacketLength)
                {
                    PacketsDropped++;
                    return;
                }
                if (!ReferenceEquals(connection, _connection))
                {
                    _connection = connection;
                    var now = _runClock();
                    _offset = (now > _end ? now : _end) - timestamp;
                }
                var at = timestamp + _offset;
                if (at < _end)
                {
                    PacketsDropped++;
                    return;
                }
                var duration = TimeSpan.FromTicks(samples * TimeSpan.TicksPerSecond / OpusCodecInfo.ClockRate);
                if (_ogg != null) _ogg.WritePacket(packet, (at + duration).Ticks * OpusCodecInfo.ClockRate / TimeSpan.TicksPerSecond);
                else _matroska!.WriteFrame(new MediaFrame(MediaTrackKind.Audio, at, duration, false, packet.ToArray()));
                _end = at + duration;
                PacketsWritten++;
            }
        }

        /// <summary>Finishes the file (the last Ogg page, or Matroska's cues and duration).</summary>
        public void Dispose()
        {
            lock (_lock)
            {
                if (_disposed) return;
                _disposed = true;
                _ogg?.Dispose();
                _matroska?.Dispose();
            }
        }
    }
}
