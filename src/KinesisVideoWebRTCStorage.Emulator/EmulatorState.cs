using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using KinesisVideoWebRTCStorage.Aws;

namespace KinesisVideoWebRTCStorage.Emulator
{
    public sealed class ChannelRecord
    {
        public string Name { get; set; } = "";
        public string Arn { get; set; } = "";
        public string Type { get; set; } = "SINGLE_MASTER";
        public long CreationTimeMs { get; set; }
        public int MessageTtlSeconds { get; set; } = 60;
        public int Version { get; set; } = 1;
        public Dictionary<string, string> Tags { get; set; } = new Dictionary<string, string>();
        public string? StreamArn { get; set; }
    }

    public sealed class StreamRecord
    {
        public string Name { get; set; } = "";
        public string Arn { get; set; } = "";
        public long CreationTimeMs { get; set; }
        public string? MediaType { get; set; }
        public int DataRetentionInHours { get; set; }
        public int Version { get; set; } = 1;
    }

    /// <summary>Channels and streams, in memory and optionally in &lt;data&gt;/state.json. All access holds <see cref="Gate"/>.</summary>
    public sealed class EmulatorState
    {
        private readonly string? path;
        private long lastCreationMs;

        public EmulatorState(string? dataDirectory)
        {
            path = dataDirectory == null ? null : Path.Combine(dataDirectory, "state.json");
            if (path != null && File.Exists(path))
            {
                var saved = JsonSerializer.Deserialize(File.ReadAllText(path), EmulatorJsonContext.Default.Saved) ?? new Saved();
                foreach (var channel in saved.Channels) Channels[channel.Name] = channel;
                foreach (var stream in saved.Streams) Streams[stream.Name] = stream;
            }
        }

        public object Gate { get; } = new object();
        public Dictionary<string, ChannelRecord> Channels { get; } = new Dictionary<string, ChannelRecord>(StringComparer.Ordinal);
        public Dictionary<string, StreamRecord> Streams { get; } = new Dictionary<string, StreamRecord>(StringComparer.Ordinal);

        /// <summary>A creation time in ms, strictly increasing so that ARNs never repeat.</summary>
        public long NextCreationTime()
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            lastCreationMs = Math.Max(now, lastCreationMs + 1);
            return lastCreationMs;
        }

        public ChannelRecord? ChannelByArn(string? arn) => arn == null ? null : Channels.Values.FirstOrDefault(c => c.Arn == arn);
        public StreamRecord? StreamByArn(string? arn) => arn == null ? null : Streams.Values.FirstOrDefault(s => s.Arn == arn);

        public void Save()
        {
            if (path == null) return;
            var temporary = path + ".tmp";
            File.WriteAllText(temporary, JsonSerializer.Serialize(new Saved { Channels = Channels.Values.ToList(), Streams = Streams.Values.ToList() }, EmulatorJsonContext.Written.Saved));
            File.Copy(temporary, path, overwrite: true);
            File.Delete(temporary);
        }

        internal sealed class Saved
        {
            public List<ChannelRecord> Channels { get; set; } = new List<ChannelRecord>();
            public List<StreamRecord> Streams { get; set; } = new List<StreamRecord>();
        }
    }

    /// <summary>Compile-time JSON metadata for state.json: no reflection, so the natively compiled kvwebrtc can run the emulator.</summary>
    [JsonSerializable(typeof(EmulatorState.Saved))]
    internal sealed partial class EmulatorJsonContext : JsonSerializerContext
    {
        /// <summary>Writes with the project's encoder, which leaves <c>+</c>, <c>/</c> and non-ASCII names as they are.</summary>
        public static EmulatorJsonContext Written { get; } = new EmulatorJsonContext(MinimalJsonEncoder.NewSerializerOptions(indented: true));
    }
}
