using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace KinesisVideoWebRTCStorage.Media.H264
{
    /// <summary>
    /// Reads H.264 access units from an Annex-B elementary stream: frames them (AUD, parameter sets, SEI,
    /// first_mb_in_slice), keeps the latest SPS/PPS and puts them in front of every IDR, starts at the first IDR and
    /// stamps frames from a given frame rate or the SPS VUI timing.
    /// </summary>
    /// <remarks>
    /// Timestamps follow decoding order, which is presentation order only without B-frames (Baseline, and what WebRTC
    /// sends); streams with B-frames are better read from Matroska or through ffmpeg.
    /// </remarks>
    public sealed class H264AnnexBSource : IMediaSource
    {
        /// <summary>Larger than any sane access unit (a 4K IDR is a few MB); bounds memory on hostile input.</summary>
        public const int MaxAccessUnitLength = 8 * 1024 * 1024;

        private readonly Stream _stream;
        private readonly bool _leaveOpen;
        private readonly AnnexBNalReader _nals;
        private readonly AccessUnitBuffer _unit = new AccessUnitBuffer(MaxAccessUnitLength);
        private readonly ParameterSets _parameterSets = new ParameterSets();
        private ReadOnlyMemory<byte> _carried; // the NAL unit that ended the previous access unit
        private bool _holdingFirst; // _unit holds the first IDR, read by OpenAsync and not yet returned
        private double _frameRate;
        private long _frameIndex;

        private H264AnnexBSource(Stream stream, bool leaveOpen)
        {
            _stream = stream;
            _leaveOpen = leaveOpen;
            _nals = new AnnexBNalReader(stream, MaxAccessUnitLength);
        }

        public H264CodecInfo? Video { get; private set; }

        public OpusCodecInfo? Audio => null;

        public double FrameRate => _frameRate;

        /// <summary>
        /// Reads up to the first IDR so that the codec info is known.
        /// </summary>
        /// <param name="frameRate">Frames per second; null to take it from the SPS VUI timing info.</param>
        /// <exception cref="H264FormatException">The stream is not H.264 Annex-B, has no IDR, or no frame rate is known.</exception>
        public static async Task<H264AnnexBSource> OpenAsync(Stream stream, double? frameRate = null, bool leaveOpen = false, CancellationToken cancellationToken = default)
        {
            if (stream == null) throw new ArgumentNullException(nameof(stream));
            if (frameRate is double given && !(given > 0 && given <= 1000)) throw new ArgumentOutOfRangeException(nameof(frameRate), "The frame rate must be above 0 and at most 1000.");
            var source = new H264AnnexBSource(stream, leaveOpen);
            try
            {
                while (true)
                {
                    if (!await source.ReadAccessUnitAsync(cancellationToken).ConfigureAwait(false)) throw new H264FormatException("no IDR access unit with SPS and PPS in the stream");
                    if (source._unit.HasIdr) break;
                }
                var sets = source._parameterSets;
                var sps = H264Sps.Parse(sets.LatestSps!);
                source._frameRate = frameRate ?? sps.FrameRate ?? throw new H264FormatException("the SPS has no VUI frame rate; give the frame rate explicitly");
                source.Video = new H264CodecInfo(sets.LatestSps!, sets.LatestPps!, sps);
                source._holdingFirst = true;
                return source;
            }
            catch
            {
                source.Dispose();
                throw;
            }
        }

        public async ValueTask<MediaFrame?> ReadFrameAsync(CancellationToken cancellationToken = default)
        {
            if (_holdingFirst) _holdingFirst = false;
            else if (!await ReadAccessUnitAsync(cancellationToken).ConfigureAwait(false)) return null;
            var timestamp = TimestampOf(_frameIndex);
            var next = TimestampOf(++_frameIndex);
            return new MediaFrame(MediaTrackKind.Video, timestamp, next - timestamp, _unit.HasIdr, _unit.Memory);
        }

        private TimeSpan TimestampOf(long index) => TimeSpan.FromTicks((long)Math.Round(index * TimeSpan.TicksPerSecond / _frameRate));

        /// <summary>Fills <see cref="_unit"/> with the next decodable access unit; false at the end.</summary>
        private async ValueTask<bool> ReadAccessUnitAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                _unit.Clear();
                if (!_carried.IsEmpty) Add(_carried.Span);
                _carried = ReadOnlyMemory<byte>.Empty;
                while (true)
                {
                    var nal = await _nals.ReadNalAsync(cancellationToken).ConfigureAwait(false);
                    if (nal.IsEmpty) break;
                    if (_unit.HasSlice && BeginsAccessUnit(nal.Span))
                    {
                        _carried = nal;
                        break;
                    }
                    Add(nal.Span);
                }
                // Units without a slice carry nothing to show; before the first IDR nothing can be decoded.
                if (_unit.HasSlice && (_unit.HasIdr || Video != null)) return true;
                if (_carried.IsEmpty) return false;
            }
        }

        private static bool BeginsAccessUnit(ReadOnlySpan<byte> nal)
        {
            int type = NalUnitType.Of(nal[0]);
            if (NalUnitType.StartsAccessUnit(type)) return true;
            if (!NalUnitType.IsSliceStart(type)) return false;
            if (nal.Length < 2) throw new H264FormatException("slice NAL unit without a slice header");
            // first_mb_in_slice is the first ue(v) of the header: zero is coded as a single 1 bit.
            return (nal[1] & 0x80) != 0;
        }

        private void Add(ReadOnlySpan<byte> nal)
        {
            _parameterSets.Update(nal);
            _unit.Append(nal, _parameterSets);
        }

        public void Dispose()
        {
            _nals.Dispose();
            _unit.Dispose();
            if (!_leaveOpen) _stream.Dispose();
        }
    }
}
