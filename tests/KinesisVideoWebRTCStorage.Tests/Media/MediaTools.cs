using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading.Tasks;

namespace KinesisVideoWebRTCStorage.Tests.Media
{
    /// <summary>Runs ffmpeg and ffprobe (which must be on PATH) and makes the shared fixtures once per test run.</summary>
    public static class MediaTools
    {
        private static readonly Lazy<Fixtures> Shared = new Lazy<Fixtures>(CreateFixtures);

        public static Fixtures Files => Shared.Value;

        public sealed class Fixtures
        {
            public Fixtures(string directory)
            {
                Directory = directory;
            }

            public string Directory { get; }

            /// <summary>3 s, 640x480, 30 fps, baseline, IDR every 30 frames, Annex-B.</summary>
            public string VideoH264 => Path.Combine(Directory, "video.h264");

            /// <summary>3 s of a 440 Hz sine in Ogg Opus at 32 kb/s.</summary>
            public string AudioOgg => Path.Combine(Directory, "audio.ogg");

            /// <summary>The two above copied into Matroska by ffmpeg.</summary>
            public string Mkv => Path.Combine(Directory, "av.mkv");

            /// <summary>The video alone in Matroska: a camera without a microphone.</summary>
            public string VideoOnlyMkv => Path.Combine(Directory, "video-only.mkv");
        }

        private static Fixtures CreateFixtures()
        {
            string directory = Path.Combine(Path.GetTempPath(), "kvs-media-tests-" + Environment.ProcessId);
            System.IO.Directory.CreateDirectory(directory);
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                try { System.IO.Directory.Delete(directory, recursive: true); } catch (IOException) { } // best effort: a leftover temp dir is harmless
            };
            var fixtures = new Fixtures(directory);
            Ffmpeg($"-f lavfi -i testsrc=size=640x480:rate=30 -t 3 -c:v libx264 -profile:v baseline -pix_fmt yuv420p -g 30 -bf 0 -bsf:v h264_mp4toannexb -f h264 \"{fixtures.VideoH264}\"");
            Ffmpeg($"-f lavfi -i sine=frequency=440 -t 3 -c:a libopus -b:a 32k \"{fixtures.AudioOgg}\"");
            Ffmpeg($"-framerate 30 -i \"{fixtures.VideoH264}\" -i \"{fixtures.AudioOgg}\" -c copy \"{fixtures.Mkv}\"");
            Ffmpeg($"-framerate 30 -i \"{fixtures.VideoH264}\" -c copy \"{fixtures.VideoOnlyMkv}\"");
            return fixtures;
        }

        /// <summary>Runs ffmpeg with -y and errors only; fails the test with its stderr if it fails.</summary>
        public static void Ffmpeg(string arguments)
        {
            var (exit, _, stderr) = Run("ffmpeg", "-hide_banner -nostdin -y -v error " + arguments);
            if (exit != 0) throw new Xunit.Sdk.XunitException($"ffmpeg {arguments} failed ({exit}): {stderr}");
        }

        /// <summary>
        /// Writes the network tests' media (bench/network.sh's too): ffmpeg's 720p30 test pattern as constrained-baseline
        /// H.264 at a constant bitrate with an IDR every 2 s, and a 440 Hz tone as Opus, in Matroska.
        /// </summary>
        public static void WriteTestClip(string path, int megabitsPerSecond, int seconds, string preset = "veryfast") =>
            Ffmpeg($"-f lavfi -i testsrc2=size=1280x720:rate=30 -f lavfi -i sine=frequency=440:sample_rate=48000 -t {seconds} "
                + $"-c:v libx264 -profile:v baseline -pix_fmt yuv420p -preset {preset} -b:v {megabitsPerSecond}M -maxrate {megabitsPerSecond}M "
                + $"-bufsize {megabitsPerSecond}M -g 60 -bf 0 -c:a libopus -b:a 32k \"{path}\"");

        /// <summary>ffprobe's compact output for the given arguments.</summary>
        public static string Ffprobe(string arguments)
        {
            var (exit, stdout, stderr) = Run("ffprobe", "-hide_banner -v error " + arguments);
            if (exit != 0) throw new Xunit.Sdk.XunitException($"ffprobe {arguments} failed ({exit}): {stderr}");
            return stdout;
        }

        /// <summary>Decodes the whole file and returns everything ffmpeg printed at -v error (empty when clean).</summary>
        public static string DecodeErrors(string path)
        {
            // In the file's own time base: by default ffmpeg re-times decoded video at the guessed frame rate, so two frames
            // of a browser's variable-rate stream closer than one frame interval collide and it reports a muxing error.
            var (_, _, stderr) = Run("ffmpeg", $"-hide_banner -nostdin -v error -i \"{path}\" -enc_time_base -1 -f null -");
            return stderr;
        }

        /// <summary>The loudest decoded sample of the first audio stream in dBFS (ffmpeg's volumedetect); -91 dB is digital silence.</summary>
        public static double AudioPeakDb(string path)
        {
            var (exit, _, stderr) = Run("ffmpeg", $"-hide_banner -nostdin -i \"{path}\" -map 0:a:0 -af volumedetect -f null -");
            var peak = System.Text.RegularExpressions.Regex.Match(stderr, @"max_volume: (-?[0-9.]+|-inf) dB");
            if (exit != 0 || !peak.Success) throw new Xunit.Sdk.XunitException($"volumedetect failed ({exit}): {stderr}");
            return peak.Groups[1].Value == "-inf" ? double.NegativeInfinity : double.Parse(peak.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        }

        /// <summary>
        /// The mean level in dBFS of the first audio stream through a narrow band-pass at <paramref name="hertz"/>
        /// (ffmpeg's bandpass twice, then volumedetect): a tone at that frequency reads within a few dB of its level,
        /// a tone an octave away some 40 dB lower.
        /// </summary>
        public static double ToneLevelDb(string path, int hertz)
        {
            string band = $"bandpass=f={hertz}:width_type=q:w=20";
            var (exit, _, stderr) = Run("ffmpeg", $"-hide_banner -nostdin -i \"{path}\" -map 0:a:0 -af {band},{band},volumedetect -f null -");
            var mean = System.Text.RegularExpressions.Regex.Match(stderr, @"mean_volume: (-?[0-9.]+|-inf) dB");
            if (exit != 0 || !mean.Success) throw new Xunit.Sdk.XunitException($"volumedetect failed ({exit}): {stderr}");
            return mean.Groups[1].Value == "-inf" ? double.NegativeInfinity : double.Parse(mean.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        }

        /// <summary>Also warnings: ffprobe reading the file must print nothing at -v warning.</summary>
        public static string ProbeWarnings(string path)
        {
            var (_, _, stderr) = Run("ffprobe", $"-hide_banner -v warning -show_packets -i \"{path}\"");
            return stderr;
        }

        /// <summary>Frame (packet) count of one stream, e.g. "v:0".</summary>
        public static int PacketCount(string path, string stream) =>
            int.Parse(Ffprobe($"-select_streams {stream} -count_packets -show_entries stream=nb_read_packets -of csv=p=0 \"{path}\"").Trim().TrimEnd(','));

        public static (int ExitCode, string Stdout, string Stderr) Run(string tool, string arguments)
        {
            var info = new ProcessStartInfo(tool, arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            Process process;
            try
            {
                process = Process.Start(info) ?? throw new InvalidOperationException("no process");
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new Xunit.Sdk.XunitException($"{tool} is required for the media tests and was not found on PATH (install ffmpeg, e.g. apt-get install ffmpeg): {e.Message}");
            }
            using (process)
            {
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                process.WaitForExit();
                return (process.ExitCode, stdout.Result, stderr.Result);
            }
        }

        /// <summary>Reads every frame of a source, copying payloads (they are only valid until the next read).</summary>
        public static async Task<System.Collections.Generic.List<(KinesisVideoWebRTCStorage.Media.MediaFrame Frame, byte[] Payload)>> ReadAllAsync(KinesisVideoWebRTCStorage.Media.IMediaSource source)
        {
            var frames = new System.Collections.Generic.List<(KinesisVideoWebRTCStorage.Media.MediaFrame, byte[])>();
            while (await source.ReadFrameAsync() is { } frame) frames.Add((frame, frame.Payload.ToArray()));
            return frames;
        }
    }
}
