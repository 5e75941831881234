using System;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Ingest;
using KinesisVideoWebRTCStorage.Tests.WebRtc.Turn;
using KinesisVideoWebRTCStorage.WebRtc.Ice;
using Xunit;
using Xunit.Abstractions;

namespace KinesisVideoWebRTCStorage.Tests.Ingest
{
    /// <summary>Relay-only ingest through a real coturn, with the time-limited credentials the emulator hands out.</summary>
    public class IngestRelayTests : IClassFixture<CoturnServer>
    {
        private readonly CoturnServer coturn;
        private readonly ITestOutputHelper output;

        public IngestRelayTests(CoturnServer coturn, ITestOutputHelper output)
        {
            this.coturn = coturn;
            this.output = output;
        }

        [Theory]
        [InlineData("udp")]
        [InlineData("tcp")]
        public async Task RelayOnlyIngestThroughCoturnIsRecorded(string transport)
        {
            await using var harness = await IngestHarness.StartAsync(configure: o =>
            {
                o.TurnUris.Add(transport == "udp" ? coturn.UdpUri : coturn.TcpUri);
                o.TurnSecret = coturn.Secret;
            });
            var trace = await RelayOnlyIngestRecordsAsync(harness);
            Assert.DoesNotContain(trace, line => line.Contains(coturn.Secret));
        }

        [Fact]
        public async Task RelayOnlyIngestThroughTheEmulatorsOwnTurnIsRecorded()
        {
            // No TURN options at all: the emulator hands out its own server, as AWS always returns TURN.
            await using var harness = await IngestHarness.StartAsync();
            await RelayOnlyIngestRecordsAsync(harness);
            var turn = harness.Emulator.Server.Turn!;
            Assert.True(turn.AllocationsMade >= 1, $"{turn.AllocationsMade} allocations");
        }

        /// <summary>A 3 s relay-only ingest that connects through a relayed candidate and is recorded whole; returns its trace.</summary>
        private async Task<System.Collections.Generic.List<string>> RelayOnlyIngestRecordsAsync(IngestHarness harness)
        {
            var trace = new System.Collections.Generic.List<string>();
            var result = await harness.RunAsync(harness.Options(TimeSpan.FromSeconds(3), o =>
            {
                o.IceTransportPolicy = IceTransportPolicy.Relay;
                o.Trace = line => { lock (trace) trace.Add(line); output.WriteLine(line); };
            }));

            Assert.Equal(IngestEndReason.DurationReached, result.EndReason);
            Assert.Contains(trace, line => line.Contains("storage session connected") && line.Contains("relay 127.0.0.1"));
            var session = Assert.Single(await harness.EndedSessionsAsync());
            var recording = RecordingProbe.Of(session.RecordingPath);
            Assert.True(recording.Video.Count >= 0.95 * 90, $"{recording.Video.Count} of 90 frames recorded");
            Assert.Equal("", recording.DecodeErrors);
            return trace;
        }

        [Fact]
        public async Task RelayOnlyWithoutAReachableTurnServerFailsWithAClearReason()
        {
            await using var harness = await IngestHarness.StartAsync(configure: o =>
            {
                o.TurnUris.Add("turn:127.0.0.1:9?transport=udp");
                o.TurnSecret = "not-the-secret";
            });
            var error = await Assert.ThrowsAsync<IngestFailedException>(() => harness.RunAsync(harness.Options(TimeSpan.FromSeconds(3), o =>
            {
                o.IceTransportPolicy = IceTransportPolicy.Relay;
                o.MaxConsecutiveRecoveries = 1;
                o.ConnectTimeout = TimeSpan.FromSeconds(5);
            })));
            Assert.True(error.Message.Contains("relay-only ICE has no relayed candidate"), error.Message);
            Assert.Equal(0, error.Result.VideoFramesSent);
        }
    }
}
