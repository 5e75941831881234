using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Aws;
using KinesisVideoWebRTCStorage.Emulator;
using KinesisVideoWebRTCStorage.Ingest;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.Tests.Emulator;
using KinesisVideoWebRTCStorage.Tests.Media;
using KinesisVideoWebRTCStorage.WebRtc;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Ingest
{
    /// <summary>An emulator that records into a temporary folder, a storage channel on it, and checks of what it recorded.</summary>
    public sealed class IngestHarness : IAsyncDisposable
    {
        private IngestHarness(EmulatorHarness emulator, string recordings, string channelArn)
        {
            Emulator = emulator;
            Recordings = recordings;
            ChannelArn = channelArn;
        }

        public EmulatorHarness Emulator { get; }
        public string Recordings { get; }
        public string ChannelArn { get; }
        public List<string> Log { get; } = new List<string>();

        public static async Task<IngestHarness> StartAsync(string channel = "cam1", Action<EmulatorOptions>? configure = null)
        {
            string recordings = Path.Combine(Path.GetTempPath(), "kvs-ingest-tests-" + Guid.NewGuid().ToString("N"));
            var emulator = await EmulatorHarness.StartAsync(o =>
            {
                o.RecordingsDirectory = recordings;
                configure?.Invoke(o);
            });
            var (arn, _) = await emulator.CreateStorageChannelAsync(channel);
            var harness = new IngestHarness(emulator, recordings, arn);
            emulator.Server.Options.Log = line => { lock (harness.Log) harness.Log.Add(line); };
            return harness;
        }

        public IngestOptions Options(TimeSpan duration, Action<IngestOptions>? configure = null)
        {
            var options = new IngestOptions(ChannelReference.FromArn(ChannelArn))
            {
                Duration = duration,
                LoopbackOnly = true,
                OfferTimeout = TimeSpan.FromSeconds(2),
            };
            configure?.Invoke(options);
            return options;
        }

        /// <summary>A master's peer connection, with video and audio, that has answered the storage session's offer.</summary>
        public static (RtcPeerConnection Pc, RtcSessionDescription Answer) AnswerStorageOffer(string offerSdp)
        {
            var pc = new RtcPeerConnection(new RtcConfiguration { LoopbackOnly = true, IncludeIPv6 = false });
            pc.AddTrack(MediaTrackKind.Video);
            pc.AddTrack(MediaTrackKind.Audio);
            pc.SetRemoteDescription(new RtcSessionDescription(RtcSdpType.Offer, offerSdp));
            var answer = pc.CreateAnswer();
            pc.SetLocalDescription(answer);
            return (pc, answer);
        }

        public Task<IngestResult> RunAsync(IngestOptions options, System.Threading.CancellationToken cancellationToken = default) =>
            IngestSession.RunAsync(Emulator.Connect(), options, cancellationToken);

        /// <summary>Waits (bounded) until no storage session of the channel is running, so recordings are complete.</summary>
        public async Task<IReadOnlyList<StorageSession>> EndedSessionsAsync()
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
            while (Emulator.Server.Storage.Active(ChannelArn) != null && DateTime.UtcNow < deadline) await Task.Delay(50);
            Assert.Null(Emulator.Server.Storage.Active(ChannelArn));
            return Emulator.Server.Storage.Sessions.Where(s => s.ChannelArn == ChannelArn).ToList();
        }

        public string LogText
        {
            get { lock (Log) return string.Join(Environment.NewLine, Log); }
        }

        public async ValueTask DisposeAsync()
        {
            await Emulator.DisposeAsync();
            try { Directory.Delete(Recordings, recursive: true); } catch (IOException) { } // best effort cleanup of a temp folder
        }
    }

    /// <summary>What ffprobe and ffmpeg say about a recording.</summary>
    public sealed class RecordingProbe
    {
        private RecordingProbe(string path, List<(double Time, bool Key)> video, List<double> audio, string decodeErrors)
        {
            Path = path;
            Video = video;
            Audio = audio;
            DecodeErrors = decodeErrors;
        }

        public string Path { get; }

        /// <summary>Video packets: presentation time in seconds and the key flag.</summary>
        public List<(double Time, bool Key)> Video { get; }

        /// <summary>Audio packet times in seconds.</summary>
        public List<double> Audio { get; }
        public string DecodeErrors { get; }

        public double AudioSpan => Audio.Count < 2 ? 0 : Audio[^1] - Audio[0] + 0.02;

        /// <summary>The largest gap between consecutive video packets, in seconds.</summary>
        public double LargestVideoGap => Video.Zip(Video.Skip(1), (a, b) => b.Time - a.Time).DefaultIfEmpty(0).Max();

        public static RecordingProbe Of(string path)
        {
            var video = MediaTools.Ffprobe($"-select_streams v:0 -show_entries packet=pts_time,flags -of csv=p=0 \"{path}\"")
                .Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split(','))
                .Select(f => (double.Parse(f[0], CultureInfo.InvariantCulture), f[1].Contains('K')))
                .ToList();
            var audio = MediaTools.Ffprobe($"-select_streams a:0 -show_entries packet=pts_time -of csv=p=0 \"{path}\"")
                .Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => double.Parse(line.Trim().TrimEnd(','), CultureInfo.InvariantCulture))
                .ToList();
            return new RecordingProbe(path, video, audio, MediaTools.DecodeErrors(path));
        }
    }
}
